"""The edge semantics of spec/exchange-format.md, one test per point (issue 11, item 6)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from certguard import ids
from certguard.rules import InputError, screen
from tests.rules.conftest import (
    AS_OF,
    ID_A,
    Run,
    cert,
    lesson,
    read_clues,
    sitting,
    worker,
    write_csv,
)

LEGACY = "110105650301123"  # 15-digit number of a man born 1965-03-01
UPGRADED = ids.upgrade_legacy_id(LEGACY)


def _rules(clues: list[dict[str, str]]) -> list[tuple[str, str]]:
    return [(c["rule"], c["subject"]) for c in clues]


def test_r02_code_valid_up_to_and_including_its_abolition_year(run: Run) -> None:
    born_2010 = "110103201003150014"  # 崇文区, merged into 东城区 in July 2010
    assert ids.check_id_no(born_2010, as_of=date(2024, 6, 1)).ok
    born_2011 = ids.make_id_no("110103", date(2011, 3, 15), 1)
    certs = [cert(cert_no="A1", id_no=born_2010, family="construction", review_due=""),
             cert(cert_no="A2", id_no=born_2011, family="construction", review_due="")]
    roster = [worker(worker_id_no=born_2010, cert_no=""), worker(worker_id_no=born_2011,
                                                               cert_no="")]
    clues = run(rules=["R02"], certificates=certs, roster=roster)
    assert sorted((c["subject"], c["id_no"]) for c in clues) == [("certificate", born_2011),
                                                               ("worker", born_2011)]
    assert all(json.loads(c["evidence"])["reason"] == "id_region" for c in clues)


def test_r02_accepts_residence_permit_numbers_as_ids_does(run: Run) -> None:
    permit = ids.make_id_no("810000", date(1990, 1, 1), 11)
    assert ids.check_id_no(permit).ok
    assert run(rules=["R02"], roster=[worker(worker_id_no=permit, cert_no="")]) == []


def _aged(born: date, *, seq: int = 11) -> dict[str, str]:
    id_no = ids.make_id_no("110105", born, seq)
    return cert(cert_no=f"AQ{born:%Y%m%d}{seq}", id_no=id_no, family="safety_manager",
                item_code="M1", first_issued="2010-01-01", valid_from="2020-01-01",
                review_due="")


def test_r11_fires_only_when_older_than_the_retirement_age(run: Run) -> None:
    exactly_60 = _aged(date(1960, 1, 1))  # 60 on the first day of validity
    almost_61 = _aged(date(1959, 1, 2))  # 60 years and 364 days: still 60
    aged_61 = _aged(date(1959, 1, 1))
    exactly_50_woman = _aged(date(1970, 1, 1), seq=22)
    aged_51_woman = _aged(date(1969, 1, 1), seq=22)
    clues = run(rules=["R11"], certificates=[exactly_60, almost_61, aged_61, exactly_50_woman,
                                             aged_51_woman])
    assert sorted(c["cert_no"] for c in clues) == sorted([aged_61["cert_no"],
                                                         aged_51_woman["cert_no"]])
    by_cert = {c["cert_no"]: c for c in clues}
    assert "时年 61 周岁，上限 60 周岁" in by_cert[aged_61["cert_no"]]["detail"]
    assert "时年 51 周岁，上限 50 周岁" in by_cert[aged_51_woman["cert_no"]]["detail"]
    assert run(rules=["R11"], certificates=[aged_61],
               params=["retirement_age_male=61"]) == []


def test_r03_legacy_15_digit_holder_is_the_same_person_as_the_18_digit_worker(
        run: Run) -> None:
    holder = cert(cert_no="T" + UPGRADED, id_no=LEGACY, name="王建国")
    same = worker(worker_id_no=UPGRADED, worker_name="王建国", cert_no="T" + UPGRADED)
    assert run(rules=["R03", "R04"], certificates=[holder], roster=[same]) == []
    # and the other way round: the roster keeps the old number, the registry the new one
    holder18 = cert(cert_no="T" + UPGRADED, id_no=UPGRADED, name="王建国")
    old_roster = worker(worker_id_no=LEGACY, worker_name="王建国", cert_no="T" + UPGRADED)
    assert run(rules=["R03", "R04"], certificates=[holder18], roster=[old_roster]) == []
    # a different person is still caught, and a legacy holder's other name still is R04
    other = worker(cert_no="T" + UPGRADED)  # ID_A, 张伟
    assert _rules(run(rules=["R03"], certificates=[holder], roster=[other])) == [
        ("R03", "worker")]
    renamed = worker(worker_id_no=UPGRADED, worker_name="王建", cert_no="T" + UPGRADED)
    assert _rules(run(rules=["R03", "R04"], certificates=[holder], roster=[renamed])) == [
        ("R04", "worker")]


def test_r10_counts_a_legacy_numbered_certificate_for_the_worker(run: Run) -> None:
    holder = cert(cert_no="T" + UPGRADED, id_no=LEGACY, name="王建国")
    same = worker(worker_id_no=UPGRADED, worker_name="王建国", cert_no="T" + UPGRADED)
    assert run(rules=["R10"], certificates=[holder], roster=[same]) == []


def test_r04_middle_dot_variants_compare_equal(run: Run) -> None:
    registry = cert(name="阿依古丽·买买提")  # U+00B7
    variants = ["阿依古丽•买买提", "阿依古丽・买买提", "阿依古丽‧买买提", "阿依古丽∙买买提",
                "阿依古丽･买买提", "阿依古丽·买买提"]
    roster = [worker(worker_name=name, employer_code=f"E{i}") for i, name in enumerate(variants)]
    assert run(rules=["R04"], certificates=[registry], roster=roster) == []
    other = worker(worker_name="阿依古丽·买买提江")
    clues = run(rules=["R04"], certificates=[registry], roster=[other])
    assert [c["name"] for c in clues] == ["阿依古丽·买买提江"]


def test_r17_middle_dot_variants_are_not_a_conflict(run: Run) -> None:
    mem = cert(name="阿依古丽·买买提")
    samr = cert(cert_no="TS1", family="special_equipment", item_code="N1", source="samr",
                name="阿依古丽•买买提", review_due="")
    assert run(rules=["R17"], certificates=[mem, samr]) == []


def test_r15_says_minutes_and_seconds_and_compares_exact_seconds(run: Run) -> None:
    just_under = sitting(end_time="2019-12-01T09:19:59")
    clues = run(rules=["R15"], exams=[just_under])
    assert len(clues) == 1
    detail = clues[0]["detail"]
    assert "仅用时 19 分 59 秒" in detail and "最短合理用时 20 分钟" in detail
    assert "20.0" not in detail
    assert json.loads(clues[0]["evidence"])["seconds"] == 1199
    exactly = sitting(end_time="2019-12-01T09:20:00")  # 1200 s is not below 20 minutes
    assert run(rules=["R15"], exams=[exactly]) == []
    assert ID_A in clues[0]["id_no"]


# --- duplicates: one policy for every input file -------------------------------------------

_TABLES = {
    "certificates": (cert, {"name": "张卫"}),
    "roster": (worker, {"worker_name": "张卫"}),
    "training": (lesson, {"trainee_name": "张卫"}),
    "exams": (sitting, {"passed": "false"}),
}


@pytest.mark.parametrize("table", sorted(_TABLES))
def test_identical_rows_are_counted_once_and_do_not_stop_the_run(tmp_path: Path,
                                                                 table: str) -> None:
    make, _ = _TABLES[table]
    path = write_csv(tmp_path / f"{table}.csv", [make(), make(), make()])
    result = screen({table: path}, out=tmp_path / "clues.csv", as_of=AS_OF)  # stop on errors
    load = result.loads[0]
    assert (load.rows_read, load.rows_loaded, load.bad_row_count, load.duplicate_count) == (
        3, 1, 0, 2)
    assert [(d.line, d.code, d.message) for d in load.duplicates] == [
        (3, "E_DUPLICATE", "与第2行完全相同，只计一次"),
        (4, "E_DUPLICATE", "与第2行完全相同，只计一次")]
    assert result.rejects is not None
    listed = read_clues(result.rejects)
    assert [(r["line"], r["code"]) for r in listed] == [("3", "E_DUPLICATE"), ("4", "E_DUPLICATE")]


@pytest.mark.parametrize("table", sorted(_TABLES))
def test_conflicting_rows_are_rejected_row_by_row(tmp_path: Path, table: str) -> None:
    make, change = _TABLES[table]
    path = write_csv(tmp_path / f"{table}.csv", [make(), make(**change), make()])
    with pytest.raises(InputError) as caught:
        screen({table: path}, out=tmp_path / "clues.csv", as_of=AS_OF)
    assert [(b.line, b.code) for b in caught.value.bad_rows] == [
        (2, "E_DUPLICATE_CONFLICT"), (3, "E_DUPLICATE_CONFLICT"), (4, "E_DUPLICATE_CONFLICT")]
    result = screen({table: path}, out=tmp_path / "clues.csv", as_of=AS_OF,
                    on_bad_rows="report")
    load = result.loads[0]
    assert (load.rows_read, load.rows_loaded, load.bad_row_count) == (3, 0, 3)


def test_duplicates_in_parquet_read_in_place(tmp_path: Path) -> None:
    rows = [cert(), cert(cert_no="T2"), cert(), cert(cert_no="T3"), cert(cert_no="T3", name="李")]
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "c.parquet")
    result = screen({"certificates": tmp_path / "c.parquet"}, out=tmp_path / "clues.csv",
                    as_of=AS_OF, on_bad_rows="report")
    load = result.loads[0]
    assert (load.rows_read, load.rows_loaded, load.bad_row_count, load.duplicate_count) == (
        5, 2, 2, 1)
    assert [(b.line, b.code) for b in load.bad_rows] == [(5, "E_DUPLICATE_CONFLICT"),
                                                         (6, "E_DUPLICATE_CONFLICT")]
