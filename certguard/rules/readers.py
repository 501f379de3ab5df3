"""Read and validate the exchange files into typed DuckDB tables.

Every file goes through the same steps: header check (missing required column = error on line
1), a raw all-text copy that keeps the file's row order (so rowid gives the line number), one
scan that finds rows with unparseable or missing values, and the typed table the rules run on.
A bad row is either loaded or reported, never dropped silently.
"""

# ruff: noqa: S608 - SQL is built from code constants, spec column names and quoted
# literals; user text only ever reaches it through sql_str() / quote_ident().
from __future__ import annotations

import csv
import gzip
import io
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import duckdb

from certguard.rules.errors import BadRow, InputError
from certguard.rules.schema import Column, FileSpec

BadRowPolicy = Literal["error", "report"]
MAX_DETAILED = 1000  # bad rows described one by one; beyond that only counted
_LINE = re.compile(r"Line:\s*(\d+)")
_FULL_WIDTH = "０１２３４５６７８９Ｘｘ"
_ASCII = "0123456789XX"


@dataclass
class LoadReport:
    name: str
    path: str
    rows_read: int = 0
    rows_loaded: int = 0
    bad_row_count: int = 0
    bad_rows: list[BadRow] = field(default_factory=list)
    seconds: float = 0.0


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sql_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def file_format(path: Path) -> Literal["csv", "parquet"]:
    lower = path.name.lower()
    if lower.endswith((".parquet", ".pq")):
        return "parquet"
    return "csv"


def _csv_header(path: Path) -> list[str] | None:
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    with opener(path, "rb") as raw:  # type: ignore[operator]
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        for row in csv.reader(text):
            if any(cell.strip() for cell in row):
                return [cell.strip() for cell in row]
        return None


def _header(path: Path, fmt: str) -> list[str]:
    try:
        if fmt == "parquet":
            import pyarrow.parquet as pq

            return list(pq.read_schema(path).names)
        header = _csv_header(path)
    except (OSError, UnicodeDecodeError, csv.Error, ValueError) as exc:
        raise InputError(f"无法读取文件：{exc}", code="E_UNREADABLE", file=str(path)) from exc
    if header is None:
        raise InputError("文件为空（没有表头行）", code="E_EMPTY_FILE", file=str(path), line=1)
    return header


def _check_columns(spec: FileSpec, header: list[str], path: Path) -> None:
    for name in spec.required:
        if name not in header:
            raise InputError(f"缺少必填列 {name}", code="E_MISSING_COLUMN", file=str(path),
                             line=1, column=name)


_SQL_TYPES = {"date": "DATE", "timestamp": "TIMESTAMP", "number": "DOUBLE", "bool": "BOOLEAN"}


def native_columns(spec: FileSpec, path: Path, fmt: str) -> set[str]:
    """Parquet columns already stored with the contract's type: no text parsing needed."""
    if fmt != "parquet":
        return set()
    import pyarrow as pa
    import pyarrow.parquet as pq

    types = {f.name: f.type for f in pq.read_schema(path)}
    tests = {"date": pa.types.is_date, "timestamp": pa.types.is_timestamp,
             "number": lambda t: pa.types.is_floating(t) or pa.types.is_integer(t),
             "bool": pa.types.is_boolean}
    return {c.name for c in spec.columns
            if c.name in types and c.kind in tests and tests[c.kind](types[c.name])}


def _raw_source(path: Path, fmt: str, header: list[str], wanted: list[str],
                native: set[str] = frozenset()) -> str:
    cols = ", ".join(quote_ident(c) if c in native else
                     f"CAST({quote_ident(c)} AS VARCHAR) AS {quote_ident(c)}" for c in wanted)
    if fmt == "parquet":
        return (f"SELECT {cols}, file_row_number + 2 AS _line "
                f"FROM read_parquet({sql_str(str(path))}, file_row_number = true)")
    columns = "{" + ", ".join(f"{sql_str(c)}: 'VARCHAR'" for c in header) + "}"
    return (f"SELECT {cols} FROM read_csv({sql_str(str(path))}, header = true, "
            f"auto_detect = false, columns = {columns}, delim = ',', quote = '\"', "
            f"escape = '\"', strict_mode = true, encoding = 'utf-8')")


def _load_raw(con: duckdb.DuckDBPyConnection, *, raw: str, path: Path, fmt: str,
              header: list[str], wanted: list[str], native: set[str]) -> None:
    source = _raw_source(path, fmt, header, wanted, native)
    try:
        if fmt == "parquet":
            con.execute(f"CREATE OR REPLACE VIEW {raw} AS {source}")
        else:
            # rowid follows the file's order (insertion order is preserved), header = line 1.
            con.execute(f"CREATE OR REPLACE TABLE {raw}_t AS {source}")
            con.execute(f"CREATE OR REPLACE VIEW {raw} AS "
                        f"SELECT *, rowid + 2 AS _line FROM {raw}_t")
    except duckdb.OutOfMemoryException:
        raise  # not a format problem: screen() reports the file as too large
    except duckdb.Error as exc:
        message = str(exc)
        found = _LINE.search(message)
        first = message.split("\n", 1)[0]
        detail = message.split("\n")[3] if message.count("\n") > 3 else ""
        raise InputError(f"CSV 格式错误（引号不配对或列数不符）：{first} {detail}".strip(),
                         code="E_CSV_PARSE", file=str(path),
                         line=int(found.group(1)) if found else None) from exc


def clean_expr(column: Column) -> str:
    """SQL for the cleaned text of a column: trimmed, empty = NULL, ID numbers normalised.

    The common case (nothing to trim, plain digits) is tested first because trim() and
    translate() cost a second per million rows, which matters at national scale."""
    x = quote_ident(column.name)
    text = (f"(CASE WHEN {x} = '' THEN NULL WHEN starts_with({x}, ' ') OR ends_with({x}, ' ') "
            f"THEN NULLIF(trim({x}), '') ELSE {x} END)")
    if column.kind == "id":
        # Same harmless repairs as ids.normalise_id_no: full-width digits, spaces, quotes, lower x.
        repaired = (f"NULLIF(upper(regexp_replace(translate({text}, '{_FULL_WIDTH}', '{_ASCII}'), "
                    f"'[\\s''\"\\x{{200b}}]', '', 'g')), '')")
        return f"(CASE WHEN regexp_matches({x}, '[^0-9X]') THEN {repaired} ELSE {text} END)"
    return text


def typed_expr(column: Column, *, native: bool = False) -> str:
    if native:
        return quote_ident(column.name)
    value = clean_expr(column)
    if column.kind == "date":
        return f"TRY_CAST({value} AS DATE)"
    if column.kind == "timestamp":
        return f"TRY_CAST({value} AS TIMESTAMP)"
    if column.kind == "number":
        return f"TRY_CAST({value} AS DOUBLE)"
    if column.kind == "bool":
        return (f"CASE lower({value}) WHEN 'true' THEN true WHEN '1' THEN true "
                f"WHEN 'false' THEN false WHEN '0' THEN false END")
    return value


def problem_expr(column: Column) -> tuple[str, str, str] | None:
    """(SQL that is true for a bad value, code, message), or None when any value is fine."""
    value = clean_expr(column)
    if column.kind == "date":
        return (f"{value} IS NOT NULL AND "
                f"(NOT regexp_full_match({value}, '\\d{{4}}-\\d{{2}}-\\d{{2}}')"
                f" OR TRY_CAST({value} AS DATE) IS NULL)", "E_DATE", "日期格式应为 YYYY-MM-DD")
    if column.kind == "timestamp":
        return (f"{value} IS NOT NULL AND TRY_CAST({value} AS TIMESTAMP) IS NULL",
                "E_TIMESTAMP", "时间格式应为 ISO 8601（如 2024-08-21T09:30:00）")
    if column.kind == "number":
        return (f"{value} IS NOT NULL AND TRY_CAST({value} AS DOUBLE) IS NULL",
                "E_NUMBER", "应为数字")
    if column.kind == "bool":
        return (f"{value} IS NOT NULL AND lower({value}) NOT IN ('true', 'false', '1', '0')",
                "E_BOOL", "应为 true 或 false")
    if column.kind == "enum":
        allowed = ", ".join(sql_str(c) for c in column.choices)
        return (f"{value} IS NOT NULL AND {value} NOT IN ({allowed})", "E_ENUM",
                "取值应为 " + " / ".join(column.choices))
    if column.kind == "id":
        x = quote_ident(column.name)
        return (f"((contains({x}, '.') OR contains({x}, 'E') OR contains({x}, 'e')) "
                f"AND regexp_full_match(coalesce({value}, ''), "
                f"'\\d(\\.\\d+)?[Ee]\\+?\\d+|\\d{{15,18}}\\.0+'))",
                "E_ID_LOST_DIGITS",
                "身份证号被表格软件存成了数字，末尾数字已丢失（如 1.10105E+17），请按文本重新导出")
    return None


def _missing_expr(column: Column) -> str:
    x = quote_ident(column.name)
    # Cheap tests first; trim() only for values that start or end with a space.
    return (f"({x} IS NULL OR {x} = '' OR ((starts_with({x}, ' ') OR ends_with({x}, ' ')) "
            f"AND trim({x}) = ''))")


def _checks(spec: FileSpec, present: set[str], native: set[str]
            ) -> list[tuple[str, str, str, str]]:
    """(column, bad-value SQL, code, message) for every check that applies to this file."""
    checks = []
    for column in spec.columns:
        if column.name not in present:
            continue
        if column.name in native:
            if column.required:
                checks.append((column.name, f"{quote_ident(column.name)} IS NULL", "E_REQUIRED",
                               "必填值为空"))
            continue
        if column.required:
            checks.append((column.name, _missing_expr(column), "E_REQUIRED", "必填值为空"))
        problem = problem_expr(column)
        if problem:
            checks.append((column.name, *problem))
    return checks


def _typed(con: duckdb.DuckDBPyConnection, *, raw: str, spec: FileSpec, present: set[str],
           native: set[str]) -> None:
    """One pass over the file: the typed table the rules read, plus ``_bad`` (a check failed).
    Scanning once matters: at 20 M rows each pass over the file costs seconds."""
    checks = _checks(spec, present, native)
    any_bad = " OR ".join(f"({sql})" for _, sql, _, _ in checks) or "false"
    exprs = []
    for column in spec.columns:
        expr = typed_expr(column, native=column.name in native) if column.name in present \
            else "NULL"  # optional column absent from the file
        sql_type = _SQL_TYPES.get(column.kind, "VARCHAR")
        exprs.append(f"CAST({expr} AS {sql_type}) AS {quote_ident(column.name)}")
    con.execute(f"CREATE OR REPLACE TABLE {spec.name} AS SELECT {', '.join(exprs)}, _line, "
                f"coalesce({any_bad}, false) AS _bad FROM {raw}")


def _describe_bad(con: duckdb.DuckDBPyConnection, *, raw: str, spec: FileSpec, path: Path,
                  present: set[str], native: set[str]) -> list[BadRow]:
    """Bad rows column by column, from the original text (only the flagged rows are read)."""
    bad = f"{raw}_bad"
    cols = ", ".join(quote_ident(c) for c in sorted(present))
    con.execute(f"CREATE OR REPLACE TABLE {bad} AS SELECT _line, {cols} FROM {raw} "
                f"WHERE _line IN (SELECT _line FROM {spec.name} WHERE _bad)")
    rows: list[BadRow] = []
    for column, sql, code, message in _checks(spec, present, native):
        found = con.execute(f"SELECT _line, {quote_ident(column)} FROM {bad} WHERE {sql} "
                            f"ORDER BY _line LIMIT {MAX_DETAILED}").fetchall()
        rows += [BadRow(str(path), line, column, code, message, value) for line, value in found]
    return rows


def _duplicates(con: duckdb.DuckDBPyConnection, *, spec: FileSpec, path: Path
                ) -> tuple[int, list[BadRow]]:
    """Exact duplicate rows: every copy after the first is reported (pre-filtered by cert_no)."""
    table, dups = spec.name, f"{spec.name}_dups"
    cols = ", ".join(quote_ident(c.name) for c in spec.columns)
    con.execute(f"""CREATE OR REPLACE TABLE {dups} AS SELECT _line, _first FROM (
            SELECT _line, min(_line) OVER (PARTITION BY {cols}) AS _first FROM {table}
            WHERE NOT _bad AND cert_no IN
              (SELECT cert_no FROM {table} GROUP BY cert_no HAVING count(*) > 1)
        ) WHERE _line > _first""")
    count = con.execute(f"SELECT count(*) FROM {dups}").fetchall()[0][0]
    found = con.execute(f"SELECT _line, _first FROM {dups} ORDER BY _line "
                        f"LIMIT {MAX_DETAILED}").fetchall()
    return count, [BadRow(str(path), line, "*", "E_DUPLICATE", f"与第{first}行完全重复")
                   for line, first in found]


def _drop_raw(con: duckdb.DuckDBPyConnection, *, raw: str) -> None:
    con.execute(f"DROP VIEW IF EXISTS {raw}")
    con.execute(f"DROP TABLE IF EXISTS {raw}_bad")
    con.execute(f"DROP TABLE IF EXISTS {raw}_t")


def load_file(con: duckdb.DuckDBPyConnection, *, spec: FileSpec, path: str | Path,
              on_bad_rows: BadRowPolicy = "error") -> LoadReport:
    """Validate one exchange file and load it as table ``spec.name`` (plus ``_line``)."""
    started = time.perf_counter()
    path = Path(path)
    if not path.is_file():
        raise InputError("文件不存在", code="E_NO_FILE", file=str(path))
    fmt = file_format(path)
    header = _header(path, fmt)
    _check_columns(spec, header, path)
    present = {c.name for c in spec.columns if c.name in header}
    wanted = [c.name for c in spec.columns if c.name in present]
    raw = f"_raw_{spec.name}"
    native = native_columns(spec, path, fmt)
    _load_raw(con, raw=raw, path=path, fmt=fmt, header=header, wanted=wanted, native=native)
    _typed(con, raw=raw, spec=spec, present=present, native=native)
    report = LoadReport(spec.name, str(path))
    report.rows_read, flagged = con.execute(
        f"SELECT count(*), count(*) FILTER (WHERE _bad) FROM {spec.name}").fetchall()[0]
    if flagged:
        report.bad_rows = _describe_bad(con, raw=raw, spec=spec, path=path, present=present,
                                        native=native)
    dup_count = 0
    if spec.unique_rows:
        dup_count, dup_rows = _duplicates(con, spec=spec, path=path)
        report.bad_rows += dup_rows
    report.bad_rows = sorted(report.bad_rows, key=lambda r: (r.line, r.column))[:MAX_DETAILED]
    report.bad_row_count = flagged + dup_count
    if report.bad_row_count and on_bad_rows == "error":
        first = report.bad_rows[0]
        listing = "\n".join(r.describe() for r in report.bad_rows[:20])
        raise InputError(f"{report.bad_row_count} 行数据有误（前20行）：\n{listing}",
                         code="E_BAD_ROWS", file=str(path), line=first.line,
                         column=first.column, bad_rows=tuple(report.bad_rows))
    if report.bad_row_count:
        dups = f"OR _line IN (SELECT _line FROM {spec.name}_dups)" if dup_count else ""
        con.execute(f"DELETE FROM {spec.name} WHERE _bad {dups}")
    con.execute(f"DROP TABLE IF EXISTS {spec.name}_dups")
    report.rows_loaded = report.rows_read - report.bad_row_count
    _drop_raw(con, raw=raw)
    report.seconds = time.perf_counter() - started
    return report
