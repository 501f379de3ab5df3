"""screen()'s own steps (certguard/rules/screen.py): the shared steps made once per run."""

from __future__ import annotations

import duckdb

from certguard.rules.screen import _shared_steps


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
