"""Every data row ends up accepted (cleaned) or rejected with a reason; blank rows are counted."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from certguard.ids import make_id_no
from certguard.selfcheck.reader import read_roster

ID = make_id_no("110105", date(1980, 1, 2), 11)
ID2 = make_id_no("440305", date(1975, 6, 30), 24)
ID3 = make_id_no("140521", date(1990, 12, 31), 37)
HEADER = ["序号", "部门", "姓名", "身份证号码", "证书编号", "作业类别", "有效期", "上岗日期",
          "离岗日期", "备注"]


def _workbook(rows: list[list[object]], *, title: str = "持证人员") -> openpyxl.Workbook:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    return book


def _text_cell(sheet, ref: str, value: str) -> None:
    """Store formula-like text as a text cell (openpyxl would otherwise write a formula)."""
    sheet[ref].value = value
    sheet[ref].data_type = "s"


def _read(book: openpyxl.Workbook, tmp_path: Path):
    path = tmp_path / "roster.xlsx"
    book.save(path)
    return read_roster(source=path)


def test_an_accepted_row_carries_every_field_raw_values_and_position(tmp_path: Path) -> None:
    book = _workbook([["某公司花名册"], HEADER, [
        1, "机修车间", "张 三", ID.lower(), "t" + ID, "低压电工作业", "2019.5.6-2025.5.5",
        datetime(2020, 3, 1), "-", "电工"]])
    result = _read(book, tmp_path)
    assert result.rejected == []
    row = result.accepted[0]
    assert (row.sheet, row.row_no) == ("持证人员", 3)
    assert (row.worker_name, row.worker_id_no, row.cert_no) == ("张三", ID, "T" + ID)
    assert (row.required_item_code, row.item_text) == (None, "低压电工作业")
    assert (row.valid_until, row.on_post_from, row.on_post_to) == (
        date(2025, 5, 5), date(2020, 3, 1), None)
    assert (row.department, row.remark) == ("机修车间", "电工")
    assert row.raw == ("1", "机修车间", "张 三", ID.lower(), "t" + ID, "低压电工作业",
                       "2019.5.6-2025.5.5", "2020-03-01", "-", "电工")


@pytest.mark.parametrize(("cells", "code", "field", "words"), [
    ({"身份证号码": 1.10105198001020e17}, "id_lost_digits", "worker_id_no", "末尾数字已丢失"),
    ({"身份证号码": "1.10105E+17"}, "id_lost_digits", "worker_id_no", "末尾数字已丢失"),
    ({"身份证号码": ID[:-1] + ("1" if ID[-1] != "1" else "2")}, "id_check_char",
     "worker_id_no", "校验位"),
    ({"身份证号码": ID[:10]}, "id_length", "worker_id_no", "18位"),
    ({"身份证号码": ""}, "id_empty", "worker_id_no", "为空"),
    ({"姓名": ""}, "name_empty", "worker_name", "姓名为空"),
    ({"有效期": "2025.2.30"}, "date_invalid", "valid_until", "无法识别的日期"),
    ({"上岗日期": "去年"}, "date_invalid", "on_post_from", "去年"),
    ({"上岗日期": "2024.3.1", "离岗日期": "2023.3.1"}, "date_order", "on_post_to", "早于"),
    ({"证书编号": 1.2345678901234567e17}, "cert_no_lost_digits", "cert_no", "末尾数字已丢失"),
    ({"姓名": "", "身份证号码": "", "序号": "第3页"}, "row_no_person", None, "没有姓名"),
    ({"姓名": "姓名", "身份证号码": "身份证号码"}, "header_repeated", None, "重复的表头"),
])
def test_each_rejection_reason(tmp_path: Path, cells: dict[str, object], code: str,
                               field: str | None, words: str) -> None:
    good = dict(zip(HEADER, [1, "车间", "李四", ID2, "T" + ID2, "1.2", "2026.1.1", "2020.1.1",
                             "", ""], strict=True))
    bad = {**good, **cells}
    result = _read(_workbook([HEADER, list(good.values()), list(bad.values())]), tmp_path)
    assert [r.row_no for r in result.accepted] == [2]
    assert len(result.rejected) == 1
    rejected = result.rejected[0]
    assert (rejected.row_no, rejected.code, rejected.field) == (3, code, field)
    assert words in rejected.message
    if field is not None:  # the message names the column as the file calls it
        header = {"worker_id_no": "身份证号码", "worker_name": "姓名", "valid_until": "有效期",
                  "on_post_from": "上岗日期", "on_post_to": "离岗日期", "cert_no": "证书编号"}
        assert rejected.message.startswith(f"“{header[field]}”列")
    assert len(rejected.raw) == len(HEADER)


def test_blank_rows_are_skipped_and_counted_everything_else_accounted_for(tmp_path: Path) -> None:
    book = _workbook([HEADER,
                      [1, "", "张三", ID, "", "", "", "", "", ""],
                      [],
                      [None, "  ", None],
                      [2, "", "李四", "1.10105E+17", "", "", "", "", "", ""],
                      [],
                      ["制表人：王五"]])
    result = _read(book, tmp_path)
    assert result.blank_rows == 3
    assert result.data_rows == 2
    assert [r.row_no for r in result.accepted] == [2]
    assert [(r.row_no, r.code) for r in result.rejected] == [(5, "id_lost_digits")]
    assert [(r.row_no, r.text) for r in result.skipped_rows] == [(7, "制表人：王五")]


def test_totals_notes_and_signature_lines_are_skipped_with_a_note(tmp_path: Path) -> None:
    book = _workbook([HEADER,
                      [1, "", "张三", ID, "", "", "", "", "", ""],
                      ["合计", "", "13人"],
                      [None, "小 计", "", "2"],
                      ["填表人：李四", None, None, "审核人：王五"],
                      [2, "", "合计", ID2, "", "", "", "", "", ""],  # a worker of that name
                      ["", "", "赵六", "说明"]])
    result = _read(book, tmp_path)
    assert [r.row_no for r in result.accepted] == [2, 6]
    assert [r.row_no for r in result.skipped_rows] == [3, 4, 5]
    assert "合计" in result.skipped_rows[0].message and "已跳过" in result.skipped_rows[0].message
    assert [r.row_no for r in result.rejected] == [7]  # a worker without an ID number


def test_department_merged_down_fills_each_row(tmp_path: Path) -> None:
    book = _workbook([HEADER,
                      [1, "机修车间", "张三", ID],
                      [2, None, "李四", ID2],
                      [3, "安装队", "王五", ID3]])
    book.active.merge_cells("B2:B3")
    result = _read(book, tmp_path)
    assert [(r.worker_name, r.department) for r in result.accepted] == [
        ("张三", "机修车间"), ("李四", "机修车间"), ("王五", "安装队")]


def test_unmerged_blank_cells_are_not_filled_down(tmp_path: Path) -> None:
    book = _workbook([HEADER, [1, "机修车间", "张三", ID], [2, None, "李四", ID2]])
    result = _read(book, tmp_path)
    assert [r.department for r in result.accepted] == ["机修车间", None]


def test_a_note_merged_across_the_row_is_skipped_not_spread(tmp_path: Path) -> None:
    book = _workbook([HEADER, [1, "车间", "张三", ID], ["以下空白"], ["（此处为备注）"]])
    book.active.merge_cells("A3:J3")
    result = _read(book, tmp_path)
    assert [r.row_no for r in result.skipped_rows] == [3]
    assert [(r.row_no, r.code) for r in result.rejected] == [(4, "row_no_person")]


def test_formula_like_text_is_kept_inert_and_marked(tmp_path: Path) -> None:
    book = _workbook([HEADER, [1, "车间", "张三", ID]])
    _text_cell(book.active, "J2", '=HYPERLINK("http://evil.example","点击查询")')
    _text_cell(book.active, "E2", "+cmd|' /C calc'!A0")
    row = _read(book, tmp_path).accepted[0]
    assert row.remark == '=HYPERLINK("http://evil.example","点击查询")'
    assert {(n.code, n.field) for n in row.notes} == {("formula_like", "remark"),
                                                      ("formula_like", "cert_no")}
    assert all("不会作为公式执行" in n.message for n in row.notes)


def test_dates_as_date_cells_serials_and_text(tmp_path: Path) -> None:
    book = _workbook([HEADER,
                      [1, "", "张三", ID, "", "", date(2025, 5, 5), 43591, "", ""],
                      [2, "", "李四", ID2, "", "", "2025年5月", "20190506", "", ""],
                      [3, "", "王五", ID3, "", "", "2019.05.06至2025.05.05", "2019/5/6", "", ""]])
    result = _read(book, tmp_path)
    assert [(r.valid_until, r.on_post_from) for r in result.accepted] == [
        (date(2025, 5, 5), date(2019, 5, 6)),
        (date(2025, 5, 31), date(2019, 5, 6)),
        (date(2025, 5, 5), date(2019, 5, 6))]


def test_full_width_and_padded_values_are_cleaned(tmp_path: Path) -> None:
    full = "".join(chr(ord(c) + 0xFEE0) for c in ID)
    book = _workbook([HEADER, [1, "", "\u3000赵 六\u00a0", full, " Ｔ" + full, "Ｎ１"]])
    row = _read(book, tmp_path).accepted[0]
    assert (row.worker_name, row.worker_id_no, row.cert_no, row.required_item_code) == (
        "赵六", ID, "T" + ID, "N1")


def test_every_sheet_with_a_header_is_read_and_the_others_reported(tmp_path: Path) -> None:
    book = _workbook([HEADER, [1, "", "张三", ID]], title="电工")
    second = book.create_sheet("焊工")
    second.append(["焊工花名册"])
    second.append(["姓名", "公民身份号码", "操作证号"])
    second.append(["李四", ID2, "T" + ID2])
    book.create_sheet("填表说明").append(["请按身份证填写，勿用数字格式"])
    book.create_sheet("空白页")
    result = _read(book, tmp_path)
    assert [m.sheet for m in result.mappings] == ["电工", "焊工"]
    assert [(r.sheet, r.row_no, r.worker_name) for r in result.accepted] == [
        ("电工", 2, "张三"), ("焊工", 3, "李四")]
    assert [(s.sheet, s.code) for s in result.skipped_sheets] == [
        ("填表说明", "no_id_column"), ("空白页", "sheet_empty")]
    assert all(s.message for s in result.skipped_sheets)


def test_a_15_digit_legacy_id_is_accepted(tmp_path: Path) -> None:
    book = _workbook([HEADER, [1, "", "张三", "110105491231002"], [2, "", "李四", 110105491231002]])
    result = _read(book, tmp_path)
    assert [r.worker_id_no for r in result.accepted] == ["110105491231002"] * 2


def test_short_csv_lines_are_padded(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(f"姓名,身份证号,证书编号,备注\n张三,{ID}\n", encoding="utf-8")
    row = read_roster(source=path).accepted[0]
    assert (row.worker_id_no, row.cert_no, row.remark) == (ID, None, None)
    assert row.raw == ("张三", ID)


def test_a_table_not_starting_at_a1_keeps_true_rows_and_columns(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["C5"], sheet["D5"] = "姓名", "身份证号"
    sheet["C6"], sheet["D6"] = "张三", ID
    result = _read(book, tmp_path)
    assert result.mappings[0].field_columns() == {"worker_name": 2, "worker_id_no": 3}
    assert result.mappings[0].header_rows == (5,)
    assert [(r.row_no, r.raw) for r in result.accepted] == [(6, ("", "", "张三", ID))]
