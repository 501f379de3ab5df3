"""What a run's own inputs say about where its clues belong (see clues.placement)."""

# ruff: noqa: S608 - SQL is built from constants and file paths the server chose, quoted.

from __future__ import annotations

from pathlib import Path

import duckdb

from certguard.clues.placement import ClueHints


def _source(path: Path) -> str:
    """A DuckDB table function over one exchange file, every column as text."""
    name = str(path).replace("'", "''")
    if name.lower().endswith(".parquet"):
        return f"read_parquet('{name}')"
    return f"read_csv('{name}', header = true, all_varchar = true)"


def _pairs(con: duckdb.DuckDBPyConnection, sql: str) -> dict[str, tuple[str, str]]:
    return {key: (a or "", b or "") for key, a, b in con.execute(sql).fetchall() if key}


def _column(con: duckdb.DuckDBPyConnection, source: str, alias: str, name: str) -> str:
    names = {row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()}
    return f"CAST({alias}.{name} AS VARCHAR)" if name in names else "NULL"


def clue_hints(*, clues: Path, inputs: dict[str, Path]) -> ClueHints:
    """Issuer and family of each certificate a clue names (from the certificates file), and
    region and sector of each employer a clue names (from the roster)."""
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"CREATE TABLE clues AS SELECT cert_no, employer_code FROM {_source(clues)}")
        hints = ClueHints()
        if "certificates" in inputs:
            hints.certs = _pairs(con, f"""
                SELECT c.cert_no, min(CAST(c.issuer_code AS VARCHAR)),
                       min(CAST(c.family AS VARCHAR))
                FROM {_source(inputs['certificates'])} c
                WHERE c.cert_no IN (SELECT cert_no FROM clues) GROUP BY c.cert_no""")
        if "roster" in inputs:
            roster = _source(inputs["roster"])
            region, sector = (_column(con, roster, "r", c) for c in ("region_code", "sector"))
            hints.employers = _pairs(con, f"""
                SELECT r.employer_code, min({region}), min({sector})
                FROM {roster} r
                WHERE r.employer_code IN (SELECT employer_code FROM clues)
                GROUP BY r.employer_code""")
        return hints
    finally:
        con.close()
