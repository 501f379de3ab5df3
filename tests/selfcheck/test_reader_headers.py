"""Header detection: title rows, two-row merged headers, variants, and the caller's overrides."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest

from certguard.ids import make_id_no
from certguard.selfcheck.reader import match_header, preview_roster, read_roster

ID = make_id_no("110105", date(1980, 1, 2), 11)
ID2 = make_id_no("440305", date(1975, 6, 30), 24)


def _save(book: openpyxl.Workbook, path: Path) -> Path:
    book.save(path)
    return path


def _fields(result, sheet: int = 0) -> dict[str, int]:
    return result.mappings[sheet].field_columns()


@pytest.mark.parametrize(("text", "field"), [
    ("姓名", "worker_name"), ("姓  名", "worker_name"),
    ("身份证号", "worker_id_no"), ("身份证号码", "worker_id_no"), ("公民身份号码", "worker_id_no"),
    ("证件号码", "worker_id_no"), ("身份证", "worker_id_no"),
    ("身份证号码（18位）", "worker_id_no"), ("*身份证号", "worker_id_no"),
    ("证书编号", "cert_no"), ("证号", "cert_no"), ("操作证号", "cert_no"), ("证书号", "cert_no"),
    ("特种作业操作证号", "cert_no"),
    ("岗位", "post"), ("工种", "post"),
    ("作业类别", "item"), ("操作项目", "item"), ("准操项目", "item"), ("作业项目", "item"),
    ("有效期", "valid_until"), ("有效期至", "valid_until"), ("证书有效期", "valid_until"),
    ("有效期限", "valid_until"), ("有效期起", "valid_from"),
    ("上岗日期", "on_post_from"), ("入职日期", "on_post_from"), ("进场日期", "on_post_from"),
    ("离岗日期", "on_post_to"), ("发证机关", "issuer"), ("备注", "remark"),
    ("worker_id_no", "worker_id_no"), ("worker_name", "worker_name"), ("cert_no", "cert_no"),
    ("required_item_code", "item"), ("on_post_from", "on_post_from"),
    ("on_post_to", "on_post_to"), ("employer_code", "employer_code"), ("post", "post"),
    ("ＰＯＳＴ", "post"),
])
def test_known_header_variants(text: str, field: str) -> None:
    assert match_header(text) == field


@pytest.mark.parametrize("text", ["序号", "性别", "证件类型", "身份证件类型", "联系电话",
                                  "XX公司三项岗位人员持证情况自查登记表", ""])
def test_cells_that_name_no_field(text: str) -> None:
    assert match_header(text) is None


def test_title_rows_above_the_header(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["施工单位特种作业人员持证情况自查登记表"])
    sheet.merge_cells("A1:F1")
    sheet.append(["填报单位（盖章）：某某建筑有限公司", None, None, "填报日期：2018年9月1日"])
    sheet.append([])
    sheet.append(["序号", "姓名", "身份证号码", "工种", "操作证号", "有效期"])
    sheet.append([1, "张三", ID, "建筑电工", "黔A012018000001", "2024.5.6"])
    result = read_roster(source=_save(book, tmp_path / "r.xlsx"))
    mapping = result.mappings[0]
    assert mapping.header_rows == (4,)
    assert _fields(result) == {"worker_name": 1, "worker_id_no": 2, "post": 3, "cert_no": 4,
                               "valid_until": 5}
    first = mapping.columns[0]
    assert (first.index, first.header, first.field) == (0, "序号", None)
    row = result.accepted[0]
    assert (row.row_no, row.post, row.cert_no) == (5, "建筑电工", "黔A012018000001")


def test_two_row_header_with_merged_group_cells(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["特种作业人员登记表"])
    sheet.merge_cells("A1:F1")
    sheet.append(["序号", "姓名", "身份证号", "证书信息", None, "备注"])
    sheet.append([None, None, None, "证书编号", "有效期", None])
    for column in "ABCF":
        sheet.merge_cells(f"{column}2:{column}3")
    sheet.merge_cells("D2:E2")
    sheet.append([1, "张三", ID, "T" + ID, "2019.5.6-2025.5.5", None])
    result = read_roster(source=_save(book, tmp_path / "r.xlsx"))
    mapping = result.mappings[0]
    assert mapping.header_rows == (2, 3)
    headers = {c.field: c.header for c in mapping.columns if c.field}
    assert headers == {"worker_name": "姓名", "worker_id_no": "身份证号",
                       "cert_no": "证书信息/证书编号", "valid_until": "证书信息/有效期",
                       "remark": "备注"}
    row = result.accepted[0]
    assert (row.row_no, row.cert_no, row.valid_until) == (4, "T" + ID, date(2025, 5, 5))


def test_two_row_header_without_merges_in_csv(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("姓名,身份证号,证书信息,\n,,证书编号,有效期\n"
                    f"张三,{ID},T{ID},2025.5.5\n", encoding="utf-8")
    result = read_roster(source=path)
    assert result.mappings[0].header_rows == (1, 2)
    assert _fields(result) == {"worker_name": 0, "worker_id_no": 1, "cert_no": 2,
                               "valid_until": 3}
    assert result.accepted[0].cert_no == "T" + ID


def test_exchange_format_column_names(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_text("employer_code,worker_id_no,worker_name,post,required_item_code,cert_no,"
                    "on_post_from,on_post_to\n"
                    f"91440300MA5XXXXX1X,{ID},张三,电工,1.2,T{ID},2024-03-01,\n",
                    encoding="utf-8")
    row = read_roster(source=path).accepted[0]
    assert (row.employer_code, row.worker_id_no, row.post, row.required_item_code) == (
        "91440300MA5XXXXX1X", ID, "电工", "1.2")
    assert (row.on_post_from, row.on_post_to) == (date(2024, 3, 1), None)


def test_a_column_numbering_row_under_the_header_is_not_data(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(f"序号,姓名,身份证号,岗位\n1,2,3,4\n1,张三,{ID},电工\n", encoding="utf-8")
    result = read_roster(source=path)
    assert [r.row_no for r in result.accepted] == [3]
    assert result.rejected == []


def test_first_of_two_columns_for_one_field_wins(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(f"姓名,身份证号,有效期,证书有效期\n张三,{ID},2025.1.1,2030.1.1\n",
                    encoding="utf-8")
    result = read_roster(source=path)
    assert [(c.header, c.field) for c in result.mappings[0].columns][2:] == [
        ("有效期", "valid_until"), ("证书有效期", None)]
    assert result.accepted[0].valid_until == date(2025, 1, 1)


def test_caller_overrides_the_mapping(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(f"姓名,身份证号,有效期,证书有效期,说明\n张三,{ID},2025.1.1,2030.1.1,x\n",
                    encoding="utf-8")
    # The user says: column 3 is the validity, column 2 is to be ignored, 说明 is not a remark.
    result = read_roster(source=path, overrides={"r": {3: "valid_until", 2: None, 4: None}})
    columns = {c.index: (c.field, c.source) for c in result.mappings[0].columns}
    assert columns[2] == (None, "override")
    assert columns[3] == ("valid_until", "override")
    assert columns[4] == (None, "override")
    row = result.accepted[0]
    assert (row.valid_until, row.remark) == (date(2030, 1, 1), None)


def test_override_moving_a_field_takes_it_off_the_old_column(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(f"姓名,身份证号,有效期,到期日\n张三,{ID},2025.1.1,2030.1.1\n",
                    encoding="utf-8")
    result = read_roster(source=path, overrides={"r": {3: "valid_until"}})
    assert _fields(result)["valid_until"] == 3
    assert result.accepted[0].valid_until == date(2030, 1, 1)


def test_unknown_override_field_is_a_programming_error(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(f"姓名,身份证号\n张三,{ID}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown field"):
        read_roster(source=path, overrides={"r": {1: "id_number"}})


def test_caller_chooses_the_header_row(tmp_path: Path) -> None:
    # Rows 1 and 2 both look like headers (read as one two-row header); the user says row 2.
    path = tmp_path / "r.csv"
    path.write_text(f"姓名,身份证号\n人员姓名,证件号码\n张三,{ID}\n", encoding="utf-8")
    detected = read_roster(source=path)
    assert detected.mappings[0].header_rows == (1, 2)
    result = read_roster(source=path, header_rows={"r": 2})
    assert result.mappings[0].header_rows == (2,)
    assert [r.row_no for r in result.accepted] == [3]
    assert result.rejected == []


def test_preview_returns_mapping_and_first_rows_only(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    lines = ["姓名,身份证号"] + [f"张{i},{ID}" for i in range(50)]
    path.write_text("\n".join(lines), encoding="utf-8")
    preview = preview_roster(source=path, rows=5)
    assert preview.truncated
    assert len(preview.accepted) == 5
    assert _fields(preview) == {"worker_name": 0, "worker_id_no": 1}


def test_a_short_title_with_a_field_word_is_not_half_a_header(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["岗位人员名单"])
    sheet.merge_cells("A1:D1")
    sheet.append(["姓名", "身份证号", None, "备注"])  # column C has no header
    sheet.append(["张三", ID, "电工", "新入职"])
    result = read_roster(source=_save(book, tmp_path / "r.xlsx"))
    assert result.mappings[0].header_rows == (2,)
    assert result.mappings[0].field_columns() == {"worker_name": 0, "worker_id_no": 1,
                                                  "remark": 3}
    assert result.accepted[0].post is None
