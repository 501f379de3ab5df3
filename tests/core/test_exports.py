"""The one export helper: inert cells, printable sheets, and the download with its audit entry."""

from __future__ import annotations

import io

import openpyxl

from certguard.core import exports
from certguard.core.models import AuditEntry

EVIL = ['=HYPERLINK("http://x","点我")', "+1", "-2", "@SUM(A1)", "\tx", "普通"]


def test_csv_cells_are_inert_and_excel_reads_the_chinese():
    text = "".join(exports.csv_chunks(["姓名"], [[v] for v in EVIL]))
    assert text.startswith("\ufeff姓名")
    lines = text.splitlines()[1:]
    assert all(line.lstrip('"').startswith("'") for line in lines[:5]) and lines[5] == "普通"


def test_a_csv_file_written_row_by_row_is_inert(tmp_path):
    with exports.CsvFile(tmp_path / "r.csv", ["行号", "原因"]) as out:
        out.write([1, EVIL[0]])
    rows = list(exports.csv_records(tmp_path / "r.csv"))
    assert rows == [["行号", "原因"], ["1", "'" + EVIL[0]]]


def test_row_heights_follow_wrapped_chinese_text():
    assert exports.text_width("证书abc") == 7
    assert exports.line_count("证" * 20, 12) == 4  # 40 cells of width in 10.5 usable
    assert exports.line_count("一\n二", 30) == 2
    assert exports.row_height(["短"], [10]) == exports.LINE_POINTS + 4
    assert exports.row_height(["证" * 40], [12]) >= 8 * exports.LINE_POINTS


def test_a_table_sheet_is_printable_and_inert():
    handle = exports.xlsx_table_file(sheet_name="线索", columns=[
        exports.Column("姓名", 10), exports.Column("说明", 30, wrap=True)],
        rows=[[EVIL[0], "长" * 60]])
    book = openpyxl.load_workbook(handle)
    sheet = book["线索"]
    assert sheet["A2"].value == "'" + EVIL[0] and sheet["A2"].data_type == "s"
    assert sheet.page_setup.paperSize == 9 and sheet.page_setup.fitToHeight == 0
    assert sheet.print_title_rows == "$1:$1" and sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["B"].width >= 30 and sheet.row_dimensions[2].height > 30
    wide = exports.xlsx_table_file(sheet_name="宽", columns=[exports.Column("x", 60)] * 3,
                                   rows=[])
    assert openpyxl.load_workbook(wide).active.page_setup.orientation == "landscape"


def test_the_download_and_its_audit_entry_are_made_together(cast):
    response = exports.download(
        user=cast.inspector_a, filename="线索.csv", chunks=exports.csv_chunks(["a"], [["=1"]]),
        export=exports.Export(object_type="clues.clue", object_id="1 条", summary="导出线索",
                              data={"count": 1}))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).decode("utf-8-sig") == "a\r\n'=1\r\n"
    entry = AuditEntry.objects.get(action="export")
    assert (entry.actor, entry.summary, entry.object_type) == ("inspector_a", "导出线索",
                                                                "clues.clue")


def test_a_file_download_sets_its_type(cast, tmp_path):
    path = tmp_path / "r.xlsx"
    book = exports.workbook(path)
    book.add_worksheet("a")
    book.close()
    response = exports.download(user=cast.user_x, filename="报告.xlsx", path=path,
                                content_type=exports.XLSX_TYPE,
                                export=exports.Export("selfcheck.rosterupload", 1, "导出报告"))
    assert response["Content-Type"] == exports.XLSX_TYPE
    assert openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
