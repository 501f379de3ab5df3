"""REPORT.xlsx layout: every row compact, problem rows side by side, user text inert."""

import openpyxl

from certguard.selfcheck import outcomes as o
from certguard.selfcheck.report import write_report


def _outcome(sheet, row_no, result, **values):
    registry = {"cert_no": "T1", "name": "王五", "valid_until": "2027-01-31",
                "status_label": "有效"} if result != o.REJECTED else None
    return o.WorkerOutcome(sheet=sheet, row_no=row_no, result=result, values=values,
                           rules=["R04"] if result == o.NAME_MISMATCH else [],
                           details=["姓名与证书库不符"] if result == o.NAME_MISMATCH else [],
                           registry=registry,
                           reason="身份证号校验位错误" if result == o.REJECTED else "")


def test_two_sheets_add_a_sheet_column_and_problems_are_detailed(tmp_path):
    outcomes = [_outcome("一队", 3, o.VALID, worker_name="张三", cert_no="T1"),
                _outcome("一队", 4, o.NAME_MISMATCH, worker_name="=cmd|' /C calc'!A0"),
                _outcome("二队", 3, o.REJECTED)]
    path = write_report(path=tmp_path / "R.xlsx", outcomes=outcomes, as_of="2025-06-01",
                        title="+花名册", counts={o.VALID: 1, o.NAME_MISMATCH: 1, o.REJECTED: 1})
    book = openpyxl.load_workbook(path)

    rows = list(book["核验结果"].iter_rows(values_only=True))
    assert rows[0][:2] == ("工作表", "行号")
    assert rows[1] == ("一队", 3, "张三", None, "T1", "有效", "2027-01-31", None)
    assert rows[2][2] == "'=cmd|' /C calc'!A0" and rows[2][5] == "姓名不符"
    assert rows[3][:2] == ("二队", 3) and rows[3][-1] == "身份证号校验位错误"

    detail = list(book["问题明细"].iter_rows(values_only=True))
    assert [r[:3] for r in detail[1:]] == [("一队", 4, "姓名不符"),
                                           ("二队", 3, "行数据有误，未核验")]
    header = detail[0]
    assert "姓名（证书库）" not in header and "王五" not in str(detail)
    assert detail[1][header.index("证书编号（证书库）")] == "T1"
    assert detail[1][header.index("触发规则")] == "R04"
    summary = dict(r[:2] for r in book["汇总"].iter_rows(values_only=True) if r[0])
    assert summary["花名册"] == "'+花名册" and summary["行数合计"] == 3


def test_every_sheet_prints_on_a4_fitted_to_width_with_the_header_repeated(tmp_path):
    long = "；".join(["申报的证书编号不存在，但与同名持证人的证书仅差一个字符，疑似涂改"] * 3)
    outcomes = [o.WorkerOutcome(sheet="S", row_no=2, result=o.ALTERED, details=[long])]
    book = openpyxl.load_workbook(write_report(path=tmp_path / "R.xlsx", outcomes=outcomes,
                                               as_of="2025-06-01", title="T",
                                               counts={o.ALTERED: 1}))
    for sheet in book.worksheets:
        setup = sheet.page_setup
        assert setup.paperSize == 9 and sheet.sheet_properties.pageSetUpPr.fitToPage
        assert setup.fitToWidth in (None, 1) and setup.fitToHeight == 0  # 1 is the default
    for name in ("核验结果", "问题明细"):
        sheet = book[name]
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.print_title_rows == "$1:$1" and sheet.freeze_panes == "A2"
        assert sheet.row_dimensions[2].height >= 3 * 15  # the long note wraps on its row
