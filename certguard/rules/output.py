"""Writing the clue set: one sorted file, written to a temporary name and renamed when complete."""

# ruff: noqa: S608 - SQL is built from code constants, spec column names and quoted
# literals; user text only ever reaches it through sql_str() / quote_ident().
from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pyarrow as pa

from certguard.rules.errors import BadRow
from certguard.rules.readers import sql_str
from certguard.rules.schema import CLUE_COLUMNS, CLUE_SORT

CLUE_SCHEMA = pa.schema([(c, pa.string()) for c in CLUE_COLUMNS])


def out_format(path: Path) -> str:
    return "parquet" if path.name.lower().endswith((".parquet", ".pq")) else "csv"


def partial_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.partial")


def _copy_atomic(con: duckdb.DuckDBPyConnection, *, query: str, path: Path) -> None:
    fmt = out_format(path)
    options = "FORMAT parquet" if fmt == "parquet" else "FORMAT csv, HEADER true"
    partial = partial_path(path)
    try:
        con.execute(f"COPY ({query}) TO {sql_str(str(partial))} ({options})").fetchall()
        os.replace(partial, path)  # the complete file appears at once, or not at all
    finally:
        partial.unlink(missing_ok=True)


def write_clues(con: duckdb.DuckDBPyConnection, *, tables: list[pa.Table], path: Path) -> int:
    """Union the rules' clue tables, sort by rule then keys, write atomically; returns rows."""
    clues = pa.concat_tables([t.select(list(CLUE_COLUMNS)).cast(CLUE_SCHEMA) for t in tables]) \
        if tables else CLUE_SCHEMA.empty_table()
    con.register("_clues_out", clues)
    try:
        order = ", ".join(f"{c} NULLS FIRST" for c in CLUE_SORT)
        _copy_atomic(con, query=f"SELECT DISTINCT * FROM _clues_out ORDER BY {order}", path=path)
        count = "SELECT count(*) FROM (SELECT DISTINCT * FROM _clues_out)"
        return con.execute(count).fetchall()[0][0]
    finally:
        con.unregister("_clues_out")


def rejects_path(path: Path) -> Path:
    return path.with_name(path.name.split(".")[0] + ".rejects.csv")


def write_rejects(con: duckdb.DuckDBPyConnection, *, rows: list[BadRow], path: Path) -> None:
    table = pa.table({
        "file": [r.file for r in rows], "line": [r.line for r in rows],
        "column": [r.column for r in rows], "code": [r.code for r in rows],
        "message": [r.message for r in rows], "value": [r.value for r in rows],
    })
    con.register("_rejects_out", table)
    try:
        _copy_atomic(con, query="SELECT * FROM _rejects_out", path=path)
    finally:
        con.unregister("_rejects_out")
