"""REPORT.xlsx written by a second process while the roster is being checked.

XlsxWriter is pure Python and a large report costs as much as the whole check, so on a machine
with two or more cores the workbook is filled alongside: the declared columns as soon as the
file is read, the results when they are known; the parent only sends plain texts. The child is
started with "spawn" (never fork: the parent may hold DuckDB and database threads) and imports
only the report module, not Django. The file appears when the child closes the workbook;
on any failure there is none.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections.abc import Sequence
from pathlib import Path

from xlsxwriter.exceptions import FileCreateError

from certguard.core.errors import AppError
from certguard.selfcheck import outcomes as o
from certguard.selfcheck.report import (
    ReportBook,
    column_of,
    declared_column,
    is_declared,
    several_sheets,
    table_columns,
)


def _serve(conn, path: str, title: str, as_of: str) -> None:
    """The child: build the book from the parent's messages; answer ("ok",) or ("error", text)."""
    try:
        answer = _build(conn, path=path, title=title, as_of=as_of)
    except EOFError:
        return  # the parent is gone: nothing to write, no one to tell
    except (OSError, FileCreateError):
        answer = ("error", f"无法写入 {Path(path).name}：目录不存在或没有写权限")
    except Exception:  # reported to the parent, which raises AppError; details to the log
        logging.getLogger(__name__).exception("report writer failed")
        answer = ("error", "写出进程内部错误")
    if answer:
        try:
            conn.send(answer)
        except OSError:
            pass  # the parent is gone


def _build(conn, *, path: str, title: str, as_of: str) -> tuple | None:
    book = None
    while True:
        message = conn.recv()
        if message[0] == "start":
            book = ReportBook(path, title=title, as_of=as_of, several_sheets=message[1])
        elif message[0] == "columns":
            for table, source, cells, rows in message[1]:
                book.write_column(table, source, cells, rows)
        elif message[0] == "close":
            book.close(counts=message[1], rows=message[2])
            return ("ok",)
        else:  # "abort"
            return None


class ReportProcess:
    """Usage: ``ReportProcess(...)`` (starts the child), ``.declared(rows)`` with the roster's
    rows in report order, ``.results(chunk)`` as outcomes are decided (any order), then
    ``.finish(outcomes, counts)`` with all outcomes in report order; ``abort`` when the check
    fails (nothing is written)."""

    def __init__(self, *, path: str | Path, title: str, as_of: str) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child, str(path), title, as_of),
                                        daemon=True, name="certguard-report")
        self._process.start()
        child.close()
        self._position: dict[tuple[str, int], int] = {}
        self._sent = 0
        self._sources: dict[str, list[str]] = {}

    def declared(self, rows: Sequence[object]) -> None:
        """The roster's rows (accepted and rejected) in the order the report lists them."""
        self._position = {(row.sheet, row.row_no): i for i, row in enumerate(rows)}
        many = several_sheets(rows)
        self._sources = _sources(many)
        self._send(("start", many))
        self._send(("columns", [("all", source, declared_column(rows, source), None)
                                for source in self._sources["all"] if is_declared(source)]))

    def results(self, chunk: Sequence[o.WorkerOutcome]) -> None:
        """Result columns of some outcomes, written at their rows while the rest are decided."""
        rows = [self._position.get((x.sheet, x.row_no), -1) for x in chunk]
        if -1 in rows:
            raise AppError("report_order", "核验结果与花名册的行不一致，未写出报告")
        self._sent += len(chunk)
        self._send(("columns", [("all", source, column_of(chunk, source), rows)
                                for source in self._sources["all"] if not is_declared(source)]))

    def finish(self, *, outcomes: Sequence[o.WorkerOutcome], counts: dict[str, int]) -> None:
        """The problem rows' details and the summary; waits until the file is written."""
        in_order = all(self._position.get((x.sheet, x.row_no)) == i
                       for i, x in enumerate(outcomes))
        if not in_order or self._sent != len(outcomes) or len(outcomes) != len(self._position):
            self.abort()
            raise AppError("report_order", "核验结果与花名册的行不一致，未写出报告")
        problems = [x for x in outcomes if x.result != o.VALID]
        self._send(("columns", [("detail", source, column_of(problems, source), None)
                                for source in self._sources["detail"]]))
        self._send(("close", counts, {"all": len(outcomes), "detail": len(problems)}))
        answer = self._receive()
        self._process.join()
        if answer[0] != "ok":
            raise AppError("report_failed", f"核验报告写出失败（{answer[1]}）")

    def abort(self) -> None:
        try:
            self._conn.send(("abort",))
        except OSError:
            pass  # the child is gone already
        self._process.join(timeout=5)
        if self._process.is_alive():
            self._process.kill()

    def _send(self, message: tuple) -> None:
        try:
            self._conn.send(message)
        except OSError:  # the child has stopped: after an error it reported, or it died
            answer = self._receive() if self._conn.poll(1) else ("error", "写出进程意外退出")
            raise AppError("report_failed", f"核验报告写出失败（{answer[-1]}）") from None

    def _receive(self) -> tuple:
        try:
            return self._conn.recv()
        except (EOFError, OSError):
            return ("error", "写出进程意外退出")


def _sources(many: bool) -> dict[str, list[str]]:
    return {table: [source for _h, source, _w in columns]
            for table, columns in table_columns(several_sheets=many).items()}
