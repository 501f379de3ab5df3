"""The self-check pipeline: roster rows → registry fetch → rules R01–R10 → one result per row.

Shared by the web job, the API and the command line; it writes nothing to the database
(the callers decide what to keep).
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from operator import attrgetter
from pathlib import Path

import pyarrow.parquet as pq

from certguard.rules.screen import screen
from certguard.selfcheck import classify, exchange
from certguard.selfcheck import outcomes as o
from certguard.selfcheck.reader import RosterReadResult, RosterRow
from certguard.selfcheck.registry_fetch import near_match_rows, registry_rows

# The single-employer rules R01–R10, but R02 (ID number fails GB 11643): the roster reader
# applies the same check (``ids.check_id_no``) and rejects such a row with its reason, and the
# registry's holders were checked when imported, so R02 has nothing left to find here.
SELFCHECK_RULES = ("R01",) + tuple(f"R{n:02d}" for n in range(3, 11))
Notify = Callable[[int, int, str], None]  # (percent done, 100, what is happening)
OnOutcomes = Callable[[list[o.WorkerOutcome]], None]
CLASSIFY_CHUNK = 5_000
# The share of the bar each stage takes, in percent (saving the results takes the rest).
STAGES = {"fetch": (0, 40), "rules": (40, 60), "classify": (60, 95)}


class RowProgress:
    """Progress in rows: each stage moves its part of the bar as its rows are done, and the
    message counts the rows (a progress bar that jumps from 0 to 100 tells nothing)."""

    def __init__(self, notify: Notify, rows: int) -> None:
        self.notify, self.rows = notify, rows

    def __call__(self, stage: str, done: int, total: int, message: str) -> None:
        start, end = STAGES[stage]
        self.notify(start + (end - start) * done // max(total, 1), 100, message)


@dataclass
class SelfcheckRun:
    as_of: date
    outcomes: list[o.WorkerOutcome]  # accepted and rejected rows, in file order
    certificates: int = 0  # registry certificates fetched
    clues: int = 0
    seconds: dict[str, float] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(o.LABELS, 0)
        for outcome in self.outcomes:
            counts[outcome.result] += 1
        return counts


def item_resolver() -> Callable[[RosterRow], str | None]:
    """A row's required item: its code, else the catalogue code of the item named in words."""
    from certguard.catalog.services import item_names

    by_name: dict[str, str] = {}
    for (_family, code), name in sorted(item_names().items()):
        by_name.setdefault(name, code)

    def resolve(row: RosterRow) -> str | None:
        if row.required_item_code:
            return row.required_item_code
        return by_name.get(row.item_text) if row.item_text else None
    return resolve


def _on_post(row: RosterRow, as_of: date) -> bool:
    start, end = exchange.on_post_dates(row, as_of=as_of)
    return start <= as_of and (end is None or end >= as_of)


def _fetch(rows: list[RosterRow], progress: RowProgress) -> list[tuple]:
    def batch(done: int, total: int) -> None:
        people = len(rows) * done // max(total, 1)
        progress("fetch", done, total, f"正在从证书库调取证书：{people} / {len(rows)} 人")

    fetched = registry_rows(cert_nos=(r.cert_no for r in rows if r.cert_no),
                            id_nos=(r.worker_id_no for r in rows), on_batch=batch)
    known = {r[0] for r in fetched}
    missing: dict[str, set[str]] = {}
    for row in rows:
        if row.cert_no and row.cert_no not in known:
            missing.setdefault(row.cert_no, set()).add(row.worker_name)
    return fetched + near_match_rows(missing=missing) if missing else fetched


def _screen(*, rows: list[RosterRow], items: list[str | None], fetched: list[tuple],
            employer_code: str, as_of: date, work: Path) -> list[dict]:
    exchange.write_certificates(rows=fetched, path=work / "certificates.parquet")
    exchange.write_roster(rows=rows, item_codes=items, employer_code=employer_code, as_of=as_of,
                          path=work / "roster.parquet")
    result = screen({"certificates": work / "certificates.parquet",
                     "roster": work / "roster.parquet"}, out=work / "clues.parquet",
                    as_of=as_of, rules=list(SELFCHECK_RULES), on_bad_rows="report",
                    threads=2, work_dir=work, duplicates=False)  # each row its own result
    return pq.read_table(result.out).to_pylist()


def selfcheck_run(*, read: RosterReadResult, as_of: date, employer_code: str = "",
                  notify: Notify | None = None,
                  on_outcomes: OnOutcomes | None = None) -> SelfcheckRun:
    """Verify every accepted row of a read roster; rejected rows come back with their reason.
    ``on_outcomes`` sees the outcomes in chunks as they are decided (a report being written
    alongside); the run's list is in file order."""
    rows = read.accepted
    progress = RowProgress(notify or (lambda done, total, message: None), len(rows))
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    resolve = item_resolver()
    items = [resolve(r) for r in rows]
    progress("fetch", 0, 1, f"正在从证书库调取证书：0 / {len(rows)} 人")
    fetched = _fetch(rows, progress)
    seconds["fetch"] = time.perf_counter() - started
    progress("rules", 0, 1, f"正在按规则 R01–R10 比对 {len(rows)} 人（证书 {len(fetched)} 张）")
    work = Path(tempfile.mkdtemp(prefix="certguard-selfcheck-"))
    try:
        mark = time.perf_counter()
        clues = _screen(rows=rows, items=items, fetched=fetched, employer_code=employer_code,
                        as_of=as_of, work=work) if rows else []
        seconds["screen"] = time.perf_counter() - mark
    finally:
        shutil.rmtree(work, ignore_errors=True)
    progress("classify", 0, 1, f"已核验 0 / {len(rows)} 人")
    mark = time.perf_counter()
    outcomes = _classify(read=read, items=items, fetched=fetched, clues=clues, as_of=as_of,
                         on_outcomes=on_outcomes or (lambda chunk: None), progress=progress)
    seconds["classify"] = time.perf_counter() - mark
    return SelfcheckRun(as_of=as_of, outcomes=outcomes, certificates=len(fetched),
                        clues=len(clues), seconds={k: round(v, 3) for k, v in seconds.items()})


def _classify(*, read: RosterReadResult, items: list[str | None], fetched: list[tuple],
              clues: list[dict], as_of: date, on_outcomes: OnOutcomes,
              progress: RowProgress) -> list[o.WorkerOutcome]:
    index = classify.clue_index(clues)
    registry = classify.Registry(fetched, as_of=as_of)
    rows = read.accepted
    outcomes: list[o.WorkerOutcome] = []
    for start in range(0, len(rows), CLASSIFY_CHUNK):
        chunk = [classify.classify_row(row=row, item_code=item, clues=index, registry=registry,
                                       on_post=_on_post(row, as_of))
                 for row, item in zip(rows[start:start + CLASSIFY_CHUNK],
                                      items[start:start + CLASSIFY_CHUNK], strict=True)]
        on_outcomes(chunk)
        outcomes += chunk
        progress("classify", len(outcomes), len(rows), f"已核验 {len(outcomes)} / {len(rows)} 人")
    if read.rejected:  # accepted rows come in file order already
        rejected = [rejected_outcome(r) for r in read.rejected]
        on_outcomes(rejected)
        outcomes += rejected
        in_file_order(read, outcomes)
    return outcomes


def in_file_order(read: RosterReadResult, items: list) -> list:
    """Sort rows or outcomes (anything with ``sheet`` and ``row_no``) as the file has them:
    sheet by sheet, each in row order. Sorts in place and returns ``items``."""
    items.sort(key=attrgetter("row_no"))  # then by sheet, keeping row order (stable)
    if len(read.mappings) > 1:
        order = {m.sheet: i for i, m in enumerate(read.mappings)}
        items.sort(key=lambda x: order.get(x.sheet, 0))
    return items


def report_rows(read: RosterReadResult) -> list:
    """Accepted and rejected rows in the order the outcomes will have."""
    rows: list = list(read.accepted)
    if read.rejected:
        rows += read.rejected
        in_file_order(read, rows)
    return rows


def rejected_outcome(row) -> o.WorkerOutcome:
    """A row that was not checked: its cells, what its mapped columns say as given (the
    register lists it with what is wrong) and the reason."""
    declared = {f"given_{field}": text for field, text in getattr(row, "declared", ())}
    return o.WorkerOutcome(sheet=row.sheet, row_no=row.row_no, result=o.REJECTED,
                           values={"raw": " | ".join(c for c in row.raw if c)[:500],
                                   **declared}, reason=row.message)
