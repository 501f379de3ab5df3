"""REPORT.xlsx written by a second process alongside the check: the same workbook as written
in-process, and no file at all when anything goes wrong."""

from __future__ import annotations

import openpyxl
import pytest

from certguard import ids
from certguard.core.errors import AppError
from certguard.selfcheck import check
from certguard.selfcheck import outcomes as o
from certguard.selfcheck.cli import selfcheck_file
from certguard.selfcheck.reader import RosterRow
from certguard.selfcheck.report import write_report
from certguard.selfcheck.report_process import ReportProcess
from tests.selfcheck.cases import AS_OF, build_registry_and_rows, write_messy_roster


def _cells(path) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(path)
    return {name: list(book[name].iter_rows(values_only=True)) for name in book.sheetnames}


def test_the_second_process_writes_what_the_in_process_writer_writes(cast, tmp_path,
                                                                     monkeypatch):
    monkeypatch.setattr(check, "CLASSIFY_CHUNK", 3)  # results reach the writer in chunks
    rows, _expected = build_registry_and_rows(cast)
    extra = [[99, "=cmd|' /C calc'!A0", ids.make_id_no("140521", AS_OF.replace(year=1990), 1),
              None, None, "电工", "1.2", AS_OF]]
    roster = write_messy_roster(tmp_path / "roster.xlsx", rows, extra=extra)
    outcome = selfcheck_file(path=roster, out=tmp_path / "alongside.xlsx", as_of=AS_OF)
    run = outcome.run
    write_report(path=tmp_path / "in-process.xlsx", outcomes=run.outcomes,
                 as_of=AS_OF.isoformat(), title=roster.name, counts=run.counts())

    alongside = _cells(tmp_path / "alongside.xlsx")
    assert alongside == _cells(tmp_path / "in-process.xlsx")
    assert len(alongside["核验结果"]) == len(run.outcomes) + 1
    assert {"rejected", "uncertified", "valid"} <= {x.result for x in run.outcomes}
    assert outcome.seconds["export"] >= 0


def _row(row_no: int) -> RosterRow:
    return RosterRow(sheet="花名册", row_no=row_no, worker_name="张三",
                     worker_id_no=ids.make_id_no("140521", AS_OF.replace(year=1990), row_no))


def _outcome(row_no: int) -> o.WorkerOutcome:
    return o.WorkerOutcome(sheet="花名册", row_no=row_no, result=o.VALID)


def test_a_writer_that_fails_leaves_no_file_and_says_so(tmp_path):
    target = tmp_path / "missing-directory" / "REPORT.xlsx"
    writer = ReportProcess(path=target, title="花名册.xlsx", as_of="2025-06-01")
    writer.declared([_row(3)])
    writer.results([_outcome(3)])
    with pytest.raises(AppError) as failure:
        writer.finish(outcomes=[_outcome(3)], counts={o.VALID: 1})
    assert failure.value.code == "report_failed" and "核验报告写出失败" in failure.value.message
    assert not target.exists()


def test_results_in_another_order_than_the_rows_are_refused(tmp_path):
    target = tmp_path / "REPORT.xlsx"
    writer = ReportProcess(path=target, title="花名册.xlsx", as_of="2025-06-01")
    writer.declared([_row(3), _row(4)])
    writer.results([_outcome(4), _outcome(3)])  # chunks may come in any order…
    with pytest.raises(AppError) as failure:  # …the final list may not
        writer.finish(outcomes=[_outcome(4), _outcome(3)], counts={o.VALID: 2})
    assert failure.value.code == "report_order"
    assert not target.exists()


def test_a_result_for_a_row_that_was_not_read_is_refused(tmp_path):
    writer = ReportProcess(path=tmp_path / "REPORT.xlsx", title="花名册.xlsx", as_of="2025-06-01")
    writer.declared([_row(3)])
    with pytest.raises(AppError) as failure:
        writer.results([_outcome(5)])
    writer.abort()
    assert failure.value.code == "report_order"
    assert not (tmp_path / "REPORT.xlsx").exists()


def test_an_aborted_check_writes_nothing(tmp_path):
    target = tmp_path / "REPORT.xlsx"
    writer = ReportProcess(path=target, title="花名册.xlsx", as_of="2025-06-01")
    writer.declared([_row(3)])
    writer.abort()
    assert not target.exists()


def test_a_writer_that_dies_is_reported_not_waited_for(tmp_path):
    target = tmp_path / "REPORT.xlsx"
    writer = ReportProcess(path=target, title="花名册.xlsx", as_of="2025-06-01")
    writer.declared([_row(3)])
    writer._process.kill()  # what an out-of-memory kill would do
    writer._process.join()
    with pytest.raises(AppError) as failure:
        writer.results([_outcome(3)])
        writer.finish(outcomes=[_outcome(3)], counts={o.VALID: 1})
    assert failure.value.code == "report_failed" and "写出进程意外退出" in failure.value.message
    assert not target.exists()
