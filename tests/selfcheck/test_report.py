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
    assert detail[1][header.index("姓名（证书库）")] == "王五"
    assert detail[1][header.index("触发规则")] == "R04"
    summary = dict(r[:2] for r in book["汇总"].iter_rows(values_only=True) if r[0])
    assert summary["花名册"] == "'+花名册" and summary["行数合计"] == 3
