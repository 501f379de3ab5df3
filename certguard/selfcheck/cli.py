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
from certguard.selfcheck.check import SelfcheckRun, selfcheck_run
from certguard.selfcheck.reader import RosterReadError, read_roster
from certguard.selfcheck.report import write_report


@dataclass
class CliOutcome:
    run: SelfcheckRun
    seconds: dict[str, float]


def selfcheck_file(*, path: str | Path, out: str | Path | None, as_of: date) -> CliOutcome:
    """Read, verify and (when ``out`` is given) write REPORT.xlsx; AppError on a bad file."""
    started = time.perf_counter()
    try:
        read = read_roster(source=path)
    except RosterReadError as exc:
        raise AppError(exc.code, exc.message) from None
    seconds = {"read": time.perf_counter() - started}
    run = selfcheck_run(read=read, as_of=as_of)
    seconds.update(run.seconds)
    audit_query(object_type="selfcheck.roster", key=Path(path).name,
                summary=f"命令行花名册核验 {Path(path).name}",
                data={"rows": len(run.outcomes), "counts": run.counts()}, user=COMMAND_LINE)
    if out:
        mark = time.perf_counter()
        write_report(path=out, outcomes=run.outcomes, as_of=as_of.isoformat(),
                     title=Path(path).name, counts=run.counts())
        seconds["export"] = time.perf_counter() - mark
    seconds["total"] = time.perf_counter() - started
    return CliOutcome(run=run, seconds={k: round(v, 3) for k, v in seconds.items()})


def as_json(outcome: CliOutcome, *, file: str) -> dict:
    run = outcome.run
    return {"file": file, "as_of": run.as_of.isoformat(), "counts": run.counts(),
            "certificates_fetched": run.certificates, "clues": run.clues,
            "seconds": outcome.seconds, "rows": [x.as_dict() for x in run.outcomes]}
