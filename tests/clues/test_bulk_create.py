"""Intake of a clue file: every row becomes a clue, placed in a region and a remit."""

from __future__ import annotations

import csv
import json

import pytest

from certguard.clues.models import Clue
from certguard.clues.placement import ClueHints
from certguard.clues.services import clue_bulk_create
from certguard.core.models import AuditEntry
from certguard.core.scoping import COMMAND_LINE
from tests.conftest import COUNTY_A, COUNTY_B

COLUMNS = ["rule", "severity", "subject", "cert_no", "id_no", "name", "employer_code",
           "institution_code", "exam_center_code", "detail", "evidence"]


def _write(path, rows):
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow([row.get(c, "") for c in COLUMNS])
    return path


def test_rows_are_placed_by_employer_then_roster_then_issuer(cast, tmp_path):
    path = _write(tmp_path / "clues.csv", [
        {"rule": "R04", "severity": "high", "subject": "worker", "cert_no": "T9",
         "employer_code": cast.enterprise_x.credit_code, "detail": "姓名不符",
         "evidence": json.dumps({"declared_name": "甲", "registry_name": "乙"})},
        {"rule": "R07", "severity": "medium", "subject": "worker", "cert_no": "T8",
         "employer_code": "UNKNOWN-EMPLOYER", "detail": "过期", "evidence": "{}"},
        {"rule": "R11", "severity": "medium", "subject": "certificate", "cert_no": "T7",
         "detail": "年龄", "evidence": "{}"},
        {"rule": "R16", "severity": "low", "subject": "exam_center", "exam_center_code": "KC1",
         "detail": "通过率", "evidence": json.dumps({"item_code": "1.1"})},
    ])
    hints = ClueHints(certs={"T7": ("140522-YJ", "special_ops"),
                             "T9": ("140000-YJ", "special_ops")},
                      employers={"UNKNOWN-EMPLOYER": (COUNTY_B, "metallurgy")})
    counts = clue_bulk_create(by=COMMAND_LINE, path=path, source_kind="screening", source_id=7,
                              organisation_id=cast.department_a.pk, hints=hints).counts
    assert counts == {"R04": 1, "R07": 1, "R11": 1, "R16": 1}
    placed = {c.rule: c for c in Clue.objects.filter(source_id=7)}
    assert placed["R04"].region_id == COUNTY_A  # the employer the platform knows
    assert placed["R04"].employer_sector == "coal_mine"
    assert placed["R04"].evidence == {"declared_name": "甲", "registry_name": "乙"}
    assert (placed["R07"].region_id, placed["R07"].employer_sector) == (COUNTY_B, "metallurgy")
    assert placed["R11"].region_id == COUNTY_B and placed["R11"].family == "special_ops"
    assert placed["R16"].region_id is None and placed["R16"].family == "special_ops"
    assert placed["R04"].severity_rank == 1 and placed["R16"].severity_rank == 3


def test_every_clue_is_in_the_change_log_a_thousand_to_an_entry(cast, tmp_path):
    rows = [{"rule": "R01", "severity": "high", "subject": "worker", "cert_no": f"T{i}",
             "detail": "不存在", "evidence": "{}"} for i in range(3000)]
    before = AuditEntry.objects.count()
    clue_bulk_create(by=COMMAND_LINE, path=_write(tmp_path / "c.csv", rows),
                     source_kind="screening", source_id=8)
    assert Clue.objects.filter(source_id=8).count() == 3000
    entries = AuditEntry.objects.filter(object_type="clues.clue", action="create")
    assert AuditEntry.objects.count() == before + entries.count()
    logged = [c["after"] for e in entries if "changes" in e.data for c in e.data["changes"]]
    assert sorted(c["cert_no"] for c in logged) == sorted(f"T{i}" for i in range(3000))
    assert entries.filter(data__counts__R01=3000).count() == 1  # and the run's summary


def test_a_regulators_run_writes_only_clues_inside_its_scope(cast, tmp_path):
    """County A's analyst screens a file that also holds county B's workers: B's clues are
    refused with a reason, line by line, and never reach B's inbox from A's run."""
    rows = [{"rule": "R04", "severity": "low", "subject": "worker", "cert_no": "TA",
             "employer_code": cast.enterprise_x.credit_code, "detail": "甲", "evidence": "{}"},
            {"rule": "R04", "severity": "low", "subject": "worker", "cert_no": "TB",
             "employer_code": cast.enterprise_y.credit_code, "detail": "乙", "evidence": "{}"}]
    intake = clue_bulk_create(by=cast.inspector_a, path=_write(tmp_path / "c.csv", rows),
                              source_kind="screening", source_id=9,
                              organisation_id=cast.department_a.pk)
    assert intake.counts == {"R04": 1}
    assert [(r["line"], r["key"]) for r in intake.rejected] == [(3, "TB")]
    assert "不在发现单位的辖区" in intake.rejected[0]["reason"]
    assert set(Clue.objects.filter(source_id=9).values_list("cert_no", flat=True)) == {"TA"}
    # the contract's severity, whatever the detector wrote
    assert Clue.objects.get(source_id=9).severity == "high"


def test_an_enterprise_writes_only_clues_about_itself(cast, tmp_path):
    rows = [{"rule": "R01", "severity": "high", "subject": "certificate", "cert_no": "TX",
             "employer_code": cast.enterprise_x.credit_code, "detail": "x", "evidence": "{}"},
            {"rule": "R01", "severity": "high", "subject": "certificate", "cert_no": "TY",
             "employer_code": cast.enterprise_y.credit_code, "detail": "y", "evidence": "{}"}]
    intake = clue_bulk_create(by=cast.user_x, path=_write(tmp_path / "c.csv", rows),
                              source_kind="selfcheck", source_id=10)
    assert intake.written == 1 and intake.rejected[0]["key"] == "TY"


@pytest.mark.parametrize("who", ["inspector_a", "inspector_b", "inspector_city",
                                 "construction_inspector_a", "admin", "police", "user_x"])
def test_the_python_twin_of_the_scope_agrees_with_the_sql(cast, who):
    """Clue.row_in_scope decides intake; Clue.scope decides reads. They must never differ."""
    from itertools import product

    from certguard.core.scoping import actor_of

    actor = actor_of(getattr(cast, who))
    regions = [COUNTY_A, COUNTY_B, None]
    families = ["special_ops", "construction", ""]
    sectors = ["coal_mine", "construction", ""]
    orgs = [cast.department_a.pk, None]
    made = []
    for region, family, sector, org in product(regions, families, sectors, orgs):
        made.append(Clue.objects.create(
            source_kind="screening", rule="R01", severity="high", subject="worker",
            detail="x", region_id=region, family=family, employer_sector=sector,
            organisation_id=org))
    scope = Clue.scope(actor, "view")
    visible = set() if scope is None else set(
        Clue.objects.filter(scope).values_list("pk", flat=True))
    for clue in made:
        twin = Clue.row_in_scope(actor, region_id=clue.region_id, family=clue.family,
                                 employer_sector=clue.employer_sector,
                                 organisation_id=clue.organisation_id)
        assert twin == (clue.pk in visible), (who, clue.region_id, clue.family,
                                               clue.employer_sector, clue.organisation_id)
