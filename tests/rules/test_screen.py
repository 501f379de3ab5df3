"""screen()'s own steps (certguard/rules/screen.py): the inputs loaded side by side, the shared
steps made once per run."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from certguard.rules import InputError, screen
from certguard.rules.schema import CERTIFICATES, ROSTER, FileSpec
from certguard.rules.screen import _shared_steps
from tests.rules.conftest import AS_OF, cert, read_clues, worker, write_csv


def _inputs() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("CREATE TABLE certificates AS SELECT cert_no, 'id' AS id_no, name, "
                "DATE '2026-01-01' AS valid_until, NULL AS review_due, NULL AS last_review, "
                "'valid' AS status, 'special_ops' AS family "
                "FROM (VALUES ('T1', 'a'), ('T2', 'b'), ('T3', 'c')) v(cert_no, name)")
    con.execute("CREATE TABLE roster AS SELECT * FROM (VALUES ('T1'), ('T9'), (NULL)) "
                "v(cert_no)")
    return con


def test_declared_certificates_are_the_registry_rows_of_the_roster_numbers() -> None:
    con = _inputs()
    made = _shared_steps(con, codes=["R01", "R04", "R07"],
                         available=frozenset({"certificates", "roster"}))
    assert made == ["declared_certificates"]
    assert con.execute("SELECT cert_no, name FROM declared_certificates").fetchall() \
        == [("T1", "a")]


def test_no_step_without_a_rule_that_reads_it_or_its_inputs() -> None:
    con = _inputs()
    assert _shared_steps(con, codes=["R06"], available=frozenset({"certificates", "roster"})) \
        == []
    # R03 reads the step only for its roster part: without a roster nothing is made.
    assert _shared_steps(con, codes=["R03"], available=frozenset({"certificates"})) == []
    tables = {t for (t,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    assert "declared_certificates" not in tables


def _as_parquet(path: Path, spec: FileSpec) -> Path:
    """The CSV as Parquet with its dates stored as dates (so it is read in place)."""
    columns = ", ".join(f"TRY_CAST(NULLIF({c.name}, '') AS DATE) AS {c.name}" if c.kind == "date"
                        else c.name for c in spec.columns)
    target = path.with_suffix(".parquet")
    duckdb.execute(f"COPY (SELECT {columns} FROM read_csv('{path}', all_varchar = true)) "
                   f"TO '{target}' (FORMAT parquet)")
    return target


def _inputs_csv(tmp_path: Path) -> dict[str, Path]:
    certs = write_csv(tmp_path / "certs.csv", [cert(), cert(cert_no="T2", name="李娜")])
    roster = write_csv(tmp_path / "roster.csv", [worker(), worker(worker_name=" "),
                                                 worker(cert_no="T9"), worker(cert_no="T9")])
    return {"certificates": certs, "roster": roster}


def test_parquet_inputs_checked_side_by_side_report_as_csv_read_one_by_one(
        tmp_path: Path) -> None:
    as_csv = _inputs_csv(tmp_path)
    as_parquet = {"certificates": _as_parquet(as_csv["certificates"], CERTIFICATES),
                  "roster": _as_parquet(as_csv["roster"], ROSTER)}
    events: list[str] = []
    results = [screen(files, out=tmp_path / f"clues-{n}.csv", as_of=AS_OF, on_bad_rows="report",
                      progress=lambda e: events.append(e.message) if e.stage == "load" else None)
               for n, files in enumerate((as_csv, as_parquet))]
    assert [load.in_place for load in results[1].loads] == [True, True]
    assert events[2:] == events[:2] == ["certificates: 2 行", "roster: 2 行"]
    loads, rows = [], []
    for result in results:
        loads.append([(x.name, x.rows_read, x.rows_loaded, x.bad_row_count, x.duplicate_count)
                      for x in result.loads])
        rows.append([(Path(r.file).stem, r.line, r.column, r.code)
                     for r in result.bad_rows + result.duplicates])
    assert loads[0] == loads[1] == [("certificates", 2, 2, 0, 0), ("roster", 4, 2, 1, 1)]
    assert rows[0] == rows[1] == [("roster", 3, "worker_name", "E_REQUIRED"),
                                  ("roster", 5, "*", "E_DUPLICATE")]
    assert read_clues(results[0].out) == read_clues(results[1].out)


def test_a_bad_row_in_a_parquet_input_checked_side_by_side_names_its_file(
        tmp_path: Path) -> None:
    as_csv = _inputs_csv(tmp_path)
    roster = _as_parquet(as_csv["roster"], ROSTER)
    with pytest.raises(InputError) as caught:
        screen({"certificates": _as_parquet(as_csv["certificates"], CERTIFICATES),
                "roster": roster}, out=tmp_path / "clues.csv", as_of=AS_OF)
    assert (caught.value.code, caught.value.file, caught.value.line) == ("E_BAD_ROWS",
                                                                         str(roster), 3)
    assert not (tmp_path / "clues.csv").exists()
