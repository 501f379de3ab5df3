"""Intake of a clue file: every row becomes a clue, placed in a region and a remit."""

from __future__ import annotations

import csv
import json

from certguard.clues.models import Clue
from certguard.clues.placement import ClueHints
from certguard.clues.services import clue_bulk_create
from certguard.core.models import AuditEntry
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
    counts = clue_bulk_create(path=path, source_kind="screening", source_id=7,
                              organisation_id=cast.department_a.pk, hints=hints)
    assert counts == {"R04": 1, "R07": 1, "R11": 1, "R16": 1}
    placed = {c.rule: c for c in Clue.objects.filter(source_id=7)}
    assert placed["R04"].region_id == COUNTY_A  # the employer the platform knows
    assert placed["R04"].employer_sector == "coal_mine"
    assert placed["R04"].evidence == {"declared_name": "甲", "registry_name": "乙"}
    assert (placed["R07"].region_id, placed["R07"].employer_sector) == (COUNTY_B, "metallurgy")
    assert placed["R11"].region_id == COUNTY_B and placed["R11"].family == "special_ops"
    assert placed["R16"].region_id is None and placed["R16"].family == "special_ops"
    assert placed["R04"].severity_rank == 1 and placed["R16"].severity_rank == 3


def test_one_audit_entry_for_the_whole_set(cast, tmp_path):
    rows = [{"rule": "R01", "severity": "high", "subject": "worker", "cert_no": f"T{i}",
             "detail": "不存在", "evidence": "{}"} for i in range(3000)]
    before = AuditEntry.objects.count()
    clue_bulk_create(path=_write(tmp_path / "c.csv", rows), source_kind="screening",
                     source_id=8)
    assert Clue.objects.filter(source_id=8).count() == 3000
    assert AuditEntry.objects.count() == before + 1
