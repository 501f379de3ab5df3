"""The pipeline without the web: each crafted worker gets the result it was made for."""

from __future__ import annotations

from certguard.selfcheck.check import selfcheck_run
from certguard.selfcheck.reader import read_roster
from tests.selfcheck.cases import AS_OF, build_registry_and_rows, write_messy_roster


def test_each_crafted_worker_gets_its_result(cast, tmp_path):
    rows, expected = build_registry_and_rows(cast)
    path = write_messy_roster(tmp_path / "roster.xlsx", rows)
    read = read_roster(source=path)
    run = selfcheck_run(read=read, as_of=AS_OF)
    got = {x.values.get("worker_name"): x.result for x in run.outcomes if x.result != "rejected"}
    assert got == expected
    rejected = [x for x in run.outcomes if x.result == "rejected"]
    assert len(rejected) == 1 and "身份证" in rejected[0].reason
