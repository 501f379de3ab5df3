"""The command-line self-check: verify a roster file against the platform's registry, without
an account and without saving anything but the audit entry of the lookup."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from certguard.core.audit import audit_query
from certguard.core.errors import AppError
from certguard.core.scoping import COMMAND_LINE
from certguard.selfcheck.check import SelfcheckRun, report_rows, selfcheck_run
from certguard.selfcheck.reader import RosterReadError, read_roster
from certguard.selfcheck.report_process import ReportProcess


@dataclass
class CliOutcome:
    run: SelfcheckRun
    seconds: dict[str, float]


def selfcheck_file(*, path: str | Path, out: str | Path | None, as_of: date) -> CliOutcome:
    """Read, verify and (when ``out`` is given) write REPORT.xlsx; AppError on a bad file.

    The report is written by a second process alongside the check (``ReportProcess``); the
    "export" figure is the wait for it after the results are known."""
    started = time.perf_counter()
    writer = ReportProcess(path=out, title=Path(path).name, as_of=as_of.isoformat()) \
        if out else None
    try:
        try:
            read = read_roster(source=path)
        except RosterReadError as exc:
            raise AppError(exc.code, exc.message) from None
        seconds = {"read": time.perf_counter() - started}
        if writer:
            writer.declared(report_rows(read))
        run = selfcheck_run(read=read, as_of=as_of,
                            on_outcomes=writer.results if writer else None)
        seconds.update(run.seconds)
        audit_query(object_type="selfcheck.roster", key=Path(path).name,
                    summary=f"命令行花名册核验 {Path(path).name}",
                    data={"rows": len(run.outcomes), "counts": run.counts()}, user=COMMAND_LINE)
        if writer:
            mark = time.perf_counter()
            writer.finish(outcomes=run.outcomes, counts=run.counts())
            seconds["export"] = time.perf_counter() - mark
    except BaseException:
        if writer:
            writer.abort()
        raise
    seconds["total"] = time.perf_counter() - started
    return CliOutcome(run=run, seconds={k: round(v, 3) for k, v in seconds.items()})


def as_json(outcome: CliOutcome, *, file: str) -> dict:
    run = outcome.run
    return {"file": file, "as_of": run.as_of.isoformat(), "counts": run.counts(),
            "certificates_fetched": run.certificates, "clues": run.clues,
            "seconds": outcome.seconds, "rows": [x.as_dict() for x in run.outcomes]}
