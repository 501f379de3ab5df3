"""Tiny hand-made exchange files: a clean baseline that each test bends into a case."""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from certguard import ids
from certguard.rules import screen

AS_OF = date(2024, 6, 1)
ID_A = ids.make_id_no("110105", date(1980, 5, 1), 11)  # 张伟, man
ID_B = ids.make_id_no("440305", date(1985, 5, 1), 22)  # 李娜, woman
EMP_1 = ids.make_credit_code("110105", 1)
EMP_2 = ids.make_credit_code("440305", 2)
INST_1 = ids.make_credit_code("110105", 11, kind="52")
INST_2 = ids.make_credit_code("440305", 12, kind="52")


def cert(**changes: str) -> dict[str, str]:
    row = {"cert_no": "T" + ID_A, "id_no": ID_A, "name": "张伟", "sex": "男", "birth_date": "",
           "family": "special_ops", "item_code": "1.2", "issuer_code": "110000-YJ",
           "first_issued": "2020-01-01", "valid_from": "2020-01-01", "valid_until": "2026-01-01",
           "review_due": "2026-01-01", "last_review": "", "status": "valid", "source": "mem"}
    return row | changes


def worker(**changes: str) -> dict[str, str]:
    row = {"employer_code": EMP_1, "employer_name": "某某机电有限公司", "region_code": "110105",
           "sector": "other", "worker_id_no": ID_A, "worker_name": "张伟", "post": "电工",
           "required_item_code": "1.2", "cert_no": "T" + ID_A, "on_post_from": "2021-01-01",
           "on_post_to": ""}
    return row | changes


def lesson(**changes: str) -> dict[str, str]:
    row = {"institution_code": INST_1, "class_id": "C1", "trainee_id_no": ID_A,
           "trainee_name": "张伟", "item_code": "1.2", "start_date": "2019-10-01",
           "end_date": "2019-11-15", "hours": "80"}
    return row | changes


def sitting(**changes: str) -> dict[str, str]:
    row = {"exam_center_code": "KC01", "candidate_id_no": ID_A, "candidate_name": "张伟",
           "item_code": "1.2", "exam_date": "2019-12-01", "start_time": "2019-12-01T09:00:00",
           "end_time": "2019-12-01T10:00:00", "theory_score": "90", "practical_score": "85",
           "passed": "true"}
    return row | changes


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.DictWriter(handle, fieldnames=list(rows[0]))
        out.writeheader()
        out.writerows(rows)
    return path


def read_clues(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


Run = Callable[..., list[dict[str, str]]]


@pytest.fixture
def run(tmp_path: Path) -> Run:
    """run(rules=["R01"], certificates=[...], roster=[...], ...) -> clue rows as dicts."""

    def _run(*, rules: list[str], params: list[str] | None = None, minimums=None,
             **tables: list[dict[str, str]]) -> list[dict[str, str]]:
        inputs = {name: write_csv(tmp_path / f"{name}.csv", rows) for name, rows in tables.items()}
        out = tmp_path / "clues.csv"
        screen(inputs, out=out, as_of=AS_OF, rules=rules, params=params,
               catalogue_min_hours=minimums if minimums is not None else {"1.2": 80})
        return read_clues(out)

    return _run
