"""Read and validate the exchange files into typed DuckDB relations, set-based.

Every file goes through the same steps:

1. the header (a missing required column is an error on line 1);
2. the source: Parquet is read in place (``read_parquet`` with ``file_row_number``); a CSV is
   copied once into an all-text table whose rowid gives the line number (a CSV that DuckDB's
   strict reader refuses — stray quotes, wrong column counts, another encoding — is read line by
   line instead, so that each broken line is rejected on its own and the others are kept);
3. one scan that computes, per row, a bit mask of the checks it fails and of the columns whose
   text needs cleaning, and a 64-bit hash of the row's key (``FileSpec.key``);
4. duplicates among the good rows: hashes that repeat are candidates; their rows are compared
   exactly in SQL. Identical rows are one row (the copies are counted and reported); rows with
   the same key and different content are all rejected;
5. the relation the rules read: for Parquet whose typed columns are stored with their type, a
   view over the file (only the columns a rule needs are read, as a hand-written query would),
   cleaning only the columns that need it and leaving out the rejected lines; otherwise a typed
   table.

A row is either loaded or reported (``rows_read = rows_loaded + bad_row_count +
duplicate_count``); a file that cannot be read at all is an InputError with a code and a
Chinese message, never a library's text.
"""

# ruff: noqa: S608 - SQL is built from code constants, spec column names and quoted
# literals; user text only ever reaches it through sql_str() / quote_ident().
from __future__ import annotations

import codecs
import csv
import gzip
import io
import logging
import time
import zlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Literal

import duckdb
import numpy as np
import pyarrow as pa

from certguard.rules.errors import BadRow, InputError
from certguard.rules.schema import KEY_LABELS, Column, FileSpec

log = logging.getLogger(__name__)
BadRowPolicy = Literal["error", "report"]
MAX_DETAILED = 1000  # bad rows described one by one; beyond that only counted
_IN_LIST_MAX = 5000  # up to this many lines are filtered with a literal list (pushed into the scan)
_FALLBACK_CHUNK = 100_000
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
    duplicate_count: int = 0  # identical copies of an earlier row: loaded once
    duplicates: list[BadRow] = field(default_factory=list)
    seconds: float = 0.0
    in_place: bool = False  # the rules read the file itself (Parquet), not a copy
    encoding: str = "utf-8"
    blank_lines: int = 0  # empty lines of a CSV (not rows)

    @property
    def rows_accounted(self) -> int:
        return self.rows_loaded + self.bad_row_count + self.duplicate_count


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sql_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def file_format(path: Path) -> Literal["csv", "parquet"]:
    lower = path.name.lower()
    if lower.endswith((".parquet", ".pq")):
        return "parquet"
    return "csv"


# --- file-level problems: one code and one Chinese sentence each ----------------------------

def _gzip_error(path: Path, exc: BaseException) -> InputError:
    if isinstance(exc, EOFError):
        return InputError("压缩文件不完整（传输或保存时被截断），无法确定缺少多少行，"
                          "整个文件未采用；请重新导出或重新传输", code="E_GZIP_TRUNCATED",
                          file=str(path))
    return InputError("不是有效的 gzip 压缩文件或文件已损坏，无法解压；请重新导出或重新传输",
                      code="E_GZIP_CORRUPT", file=str(path))


def _parquet_error(path: Path) -> InputError:
    return InputError("Parquet 文件已损坏或不是 Parquet 格式，无法读取；请重新导出或重新传输",
                      code="E_PARQUET_CORRUPT", file=str(path))


_GZIP_ERRORS = (EOFError, zlib.error, gzip.BadGzipFile)


def _open_binary(path: Path) -> IO[bytes]:
    if path.name.lower().endswith(".gz"):
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return path.open("rb")


# --- header ---------------------------------------------------------------------------------

def _sniff_encoding(path: Path) -> str:
    """utf-8 (with or without BOM), utf-16 (by its BOM), else gb18030 when the start of the
    file reads as that and not as UTF-8 (a spreadsheet's "CSV" on a Chinese system)."""
    with _open_binary(path) as raw:
        head = raw.read(1 << 16)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    cut = head
    for _ in range(4):  # the sample may end inside a multi-byte character
        try:
            cut.decode("utf-8")
            return "utf-8"
        except UnicodeDecodeError as exc:
            if exc.start < len(cut) - 4:
                break
            cut = cut[:-1]
    try:
        head[: max(0, len(head) - 4)].decode("gb18030")
        return "gb18030"
    except UnicodeDecodeError:
        return "utf-8"  # neither: lines that do not decode are rejected one by one


def _csv_header(path: Path) -> list[str] | None:
    with _open_binary(path) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        for row in csv.reader(text):
            if any(cell.strip() for cell in row):
                return [cell.strip() for cell in row]
        return None


def _parquet_header(path: Path) -> tuple[list[str], int]:
    import pyarrow.parquet as pq

    try:
        meta = pq.ParquetFile(path).metadata
        return list(meta.schema.to_arrow_schema().names), meta.num_rows
    except Exception as exc:
        raise _parquet_error(path) from exc


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
    import pyarrow.parquet as pq

    try:
        types = {f.name: f.type for f in pq.read_schema(path)}
    except Exception as exc:
        raise _parquet_error(path) from exc
    tests = {"date": pa.types.is_date, "timestamp": pa.types.is_timestamp,
             "number": lambda t: pa.types.is_floating(t) or pa.types.is_integer(t),
             "bool": pa.types.is_boolean}
    return {c.name for c in spec.columns
            if c.name in types and c.kind in tests and tests[c.kind](types[c.name])}


# --- value checks as SQL --------------------------------------------------------------------

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


def needs_clean_expr(column: Column) -> str:
    """True for a value that clean_expr changes (so the column is read through it)."""
    x = quote_ident(column.name)
    trim = _unusual(x)
    if column.kind == "id":
        return f"({trim} OR regexp_matches({x}, '[^0-9X]'))"
    return trim


def typed_expr(column: Column, *, native: bool = False, clean: bool = True) -> str:
    if native:
        return quote_ident(column.name)
    value = clean_expr(column) if clean else quote_ident(column.name)
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
        return (f"CASE WHEN {value} IS NULL THEN false ELSE "
                f"(NOT regexp_full_match({value}, '\\d{{4}}-\\d{{2}}-\\d{{2}}')"
                f" OR TRY_CAST({value} AS DATE) IS NULL) END", "E_DATE",
                "日期格式应为 YYYY-MM-DD")
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
        x = quote_ident(column.name)
        return (f"CASE WHEN {x} IN ({allowed}) OR {x} IS NULL THEN false "
                f"ELSE {value} IS NOT NULL AND {value} NOT IN ({allowed}) END", "E_ENUM",
                "取值应为 " + " / ".join(column.choices))
    if column.kind == "id":
        x = quote_ident(column.name)
        # CASE, not AND: DuckDB evaluates both sides of an AND for every row of a projection,
        # and the regular expressions are the costly part; CASE looks only at rows with a dot
        # or an E.
        return (f"(CASE WHEN contains({x}, '.') OR contains({x}, 'E') OR contains({x}, 'e') "
                f"THEN regexp_full_match(coalesce({value}, ''), "
                f"'\\d(\\.\\d+)?[Ee]\\+?\\d+|\\d{{15,18}}\\.0+') ELSE false END)",
                "E_ID_LOST_DIGITS",
                "身份证号被表格软件存成了数字，末尾数字已丢失（如 1.10105E+17），请按文本重新导出")
    return None


def _unusual(x: str) -> str:
    """Empty, or starting or ending with a space. Written the same way everywhere, so that
    DuckDB computes it once per row when several checks of a scan use it."""
    return f"({x} = '' OR starts_with({x}, ' ') OR ends_with({x}, ' '))"


def _missing_expr(column: Column) -> str:
    x = quote_ident(column.name)
    # Cheap tests first; trim() only for values that start or end with a space.
    return (f"({x} IS NULL OR CASE WHEN {_unusual(x)} THEN coalesce(trim({x}), '') = '' "
            f"ELSE false END)")


def _checks(spec: FileSpec, present: set[str], native: set[str], not_null: set[str]
            ) -> list[tuple[str, str, str, str]]:
    """(column, bad-value SQL, code, message) for every check that applies to this file.
    ``not_null``: native columns the file's own metadata shows to hold no null."""
    checks = []
    for column in spec.columns:
        if column.name not in present:
            continue
        if column.name in native:
            if column.required and column.name not in not_null:
                checks.append((column.name, f"{quote_ident(column.name)} IS NULL", "E_REQUIRED",
                               "必填值为空"))
            continue
        if column.required:
            checks.append((column.name, _missing_expr(column), "E_REQUIRED", "必填值为空"))
        problem = problem_expr(column)
        if problem:
            checks.append((column.name, *problem))
    return checks


def plain_value_expr(column: Column, *, native: bool) -> str | None:
    """SQL that is true for a value that fails no check and needs no cleaning: the cheap test
    that most rows pass, so the costly tests (regular expressions, trim) run only on the rest.
    None when there is no such shortcut (text that must be parsed into a date or a number)."""
    x = quote_ident(column.name)
    if native:
        return f"{x} IS NOT NULL" if column.required else None
    if column.kind == "id":
        # Only digits and X: neither empty, nor padded, nor to repair, nor a lost-digits float.
        plain = f"({x} <> '' AND NOT regexp_matches({x}, '[^0-9X]'))"
    elif column.kind in ("str", "enum"):
        # Not empty, no leading space (nor a control character: those take the long way) in one
        # comparison of the string's inlined prefix; then no trailing space.
        plain = f"({x} >= '!' AND NOT ends_with({x}, ' '))"
        if column.kind == "enum":
            plain += f" AND {x} IN ({', '.join(sql_str(c) for c in column.choices)})"
    else:
        return None
    # A NULL makes the test NULL (not true): the detailed tests then look at the row.
    return plain if column.required else f"({x} IS NULL OR ({plain}))"


def mask_expr(bits: list[tuple[Column, str]], *, native: set[str]) -> str:
    """SQL for a row's bit mask: bit i is set when the condition of ``bits[i]`` (a column and
    SQL that is true for a bad value, or for a value that needs cleaning) holds. The conditions
    are grouped by column behind plain_value_expr, so a plain value costs one cheap test."""
    by_column: dict[str, list[tuple[int, str]]] = {}
    columns: dict[str, Column] = {}
    for at, (column, sql) in enumerate(bits):
        by_column.setdefault(column.name, []).append((at, sql))
        columns[column.name] = column
    parts = []
    for name, conditions in by_column.items():
        detail = " + ".join(f"(CASE WHEN {sql} THEN CAST({1 << at} AS BIGINT) ELSE 0 END)"
                            for at, sql in conditions)
        plain = plain_value_expr(columns[name], native=name in native)
        parts.append(f"(CASE WHEN {plain} THEN 0 ELSE {detail} END)" if plain else
                     f"({detail})")
    return "CAST(" + (" + ".join(parts) or "0") + " AS BIGINT)"


# --- sources --------------------------------------------------------------------------------

@dataclass
class _Source:
    """Where a file's rows come from, as SQL: ``relation(where)`` selects the wanted columns as
    text (native Parquet columns as they are) plus ``_line``, optionally filtered by line."""

    fmt: str
    path: Path
    wanted: list[str]
    native: set[str]
    table: str = ""  # CSV: the all-text copy (with _line)
    by_line: bool = False  # CSV read line by line: ``table`` is a table, else a view

    def relation(self, lines: str = "") -> str:
        """``lines``: a condition from lines_condition(), written with ``{line}``."""
        cols = ", ".join(quote_ident(c) if c in self.native else
                         f"CAST({quote_ident(c)} AS VARCHAR) AS {quote_ident(c)}"
                         for c in self.wanted)
        if self.fmt == "parquet":
            # On file_row_number itself (line - 2), so that DuckDB reads only the row groups
            # that hold the wanted lines.
            where = f" WHERE {lines.format(line='file_row_number', offset=2)}" if lines else ""
            return (f"(SELECT {cols}, file_row_number + 2 AS _line FROM "
                    f"read_parquet({sql_str(str(self.path))}, file_row_number = true){where})")
        where = f" WHERE {lines.format(line='_line', offset=0)}" if lines else ""
        return f"(SELECT {cols}, _line FROM {self.table}{where})"


def _lines_condition(con: duckdb.DuckDBPyConnection, lines: np.ndarray, *, table: str,
                     negate: bool = False) -> str:
    """A condition on ``{line}`` (minus ``{offset}``): a literal list when short (DuckDB then
    reads only the row groups holding those lines), else a join with a table of the lines."""
    op = "NOT IN" if negate else "IN"
    if not len(lines):
        return "true" if negate else "false"
    if len(lines) <= _IN_LIST_MAX:
        listed = ", ".join(f"{int(v)} - {{offset}}" for v in lines)
        return f"{{line}} {op} ({listed})"
    con.register(f"{table}_in", pa.table({"_line": pa.array(lines, type=pa.int64())}))
    con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT _line FROM {table}_in")
    con.unregister(f"{table}_in")
    return f"{{line}} {op} (SELECT _line - {{offset}} FROM {table})"


def _csv_fast(con: duckdb.DuckDBPyConnection, *, src: _Source, header: list[str]) -> bool:
    """DuckDB's strict reader: the file's rows into an all-text table, rowid = line - 2.
    False when the reader refuses the file (the line-by-line reader then takes over)."""
    columns = "{" + ", ".join(f"{sql_str(c)}: 'VARCHAR'" for c in header) + "}"
    cols = ", ".join(quote_ident(c) for c in src.wanted)
    try:
        con.execute(f"CREATE OR REPLACE TABLE {src.table}_t AS SELECT {cols} FROM read_csv("
                    f"{sql_str(str(src.path))}, header = true, auto_detect = false, "
                    f"columns = {columns}, delim = ',', quote = '\"', escape = '\"', "
                    f"strict_mode = true, encoding = 'utf-8')")
    except duckdb.OutOfMemoryException:
        raise
    except duckdb.Error:
        return False
    # rowid + 2 is the line number only when every line is one row: DuckDB skips empty lines
    # and a quoted value may span lines. Otherwise the line-by-line reader numbers them.
    rows = con.execute(f"SELECT count(*) FROM {src.table}_t").fetchall()[0][0]
    if rows + 1 != _physical_lines(src.path):
        con.execute(f"DROP TABLE {src.table}_t")
        return False
    con.execute(f"CREATE OR REPLACE VIEW {src.table} AS SELECT *, rowid + 2 AS _line "
                f"FROM {src.table}_t")
    return True


def _physical_lines(path: Path) -> int:
    """Lines of the file (a last line without a line break counts), read in blocks."""
    count, last = 0, b"\n"
    with _open_binary(path) as raw:
        while block := raw.read(1 << 22):
            count += block.count(b"\n")
            last = block[-1:]
    return count + (last != b"\n")


def split_csv_line(line: str) -> list[str] | None:
    """The fields of one CSV line (RFC 4180 quoting), or None when its quoting is broken: an
    unterminated quote, text after a closing quote, or a quote inside an unquoted field."""
    fields: list[str] = []
    i, n = 0, len(line)
    while True:
        if i < n and line[i] == '"':
            parts, j = [], i + 1
            while True:
                k = line.find('"', j)
                if k < 0:
                    return None  # unterminated: the value would swallow the lines after it
                parts.append(line[j:k])
                if k + 1 < n and line[k + 1] == '"':
                    parts.append('"')
                    j = k + 2
                    continue
                i = k + 1
                break
            if i < n and line[i] != ",":
                return None
            fields.append("".join(parts))
        else:
            k = line.find(",", i)
            end = n if k < 0 else k
            value = line[i:end]
            if '"' in value:
                return None
            fields.append(value)
            i = end
        if i >= n:
            return fields
        i += 1  # the comma
        if i == n:
            fields.append("")
            return fields


def _text_lines(path: Path, encoding: str) -> Iterator[str]:
    with _open_binary(path) as raw:
        text = io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline="")
        for line in text:
            yield line.rstrip("\r\n")


_BROKEN = {
    "E_CSV_QUOTE": "引号不配对（如值中多了一个英文双引号），该行无法拆分成列，未采用；"
                   "其他行不受影响",
    "E_ENCODING": "该行含有无法识别的字符（文件编码应为 UTF-8），未采用",
}


def _csv_by_line(con: duckdb.DuckDBPyConnection, *, src: _Source, spec: FileSpec,
                 report: LoadReport) -> list[BadRow]:
    """Each physical line on its own: lines whose quoting, column count or encoding is broken
    are rejected with their line number, every other line is kept (nothing is swallowed)."""
    path = src.path
    encoding = _sniff_encoding(path)
    report.encoding = {"utf-8-sig": "utf-8"}.get(encoding, encoding)
    broken: list[BadRow] = []
    broken_count = 0
    header: list[str] | None = None
    index: list[int] = []
    chunk: dict[str, list] = {"_line": []}
    created = False

    def flush() -> None:
        nonlocal created
        table = pa.table({c: pa.array(v, type=pa.int64() if c == "_line" else pa.string())
                          for c, v in chunk.items()})
        con.register("_csv_chunk", table)
        if created:
            con.execute(f"INSERT INTO {src.table} SELECT * FROM _csv_chunk")
        else:
            con.execute(f"CREATE OR REPLACE TABLE {src.table} AS SELECT * FROM _csv_chunk")
            created = True
        con.unregister("_csv_chunk")
        for values in chunk.values():
            values.clear()

    try:
        for number, line in enumerate(_text_lines(path, encoding), start=1):
            if number == 1:
                line = line.lstrip("\ufeff")
            if not line.strip(" \t"):
                if header is not None:
                    report.blank_lines += 1
                continue
            if header is None:
                fields = split_csv_line(line)
                if fields is None:
                    raise InputError("表头行的引号不配对，无法识别列名", code="E_CSV_QUOTE",
                                     file=str(path), line=number)
                header = [f.strip() for f in fields]
                _check_columns(spec, header, path)
                src.wanted = [c.name for c in spec.columns if c.name in header]
                index = [header.index(c) for c in src.wanted]
                chunk = {c: [] for c in [*src.wanted, "_line"]}
                continue
            report.rows_read += 1
            code = ""
            fields = split_csv_line(line) if "\ufffd" not in line else None
            if "\ufffd" in line:
                code, message = "E_ENCODING", _BROKEN["E_ENCODING"]
            elif fields is None:
                code, message = "E_CSV_QUOTE", _BROKEN["E_CSV_QUOTE"]
            elif len(fields) != len(header):
                code = "E_CSV_COLUMNS"
                message = f"该行有 {len(fields)} 列，表头有 {len(header)} 列，未采用"
            if code:
                broken_count += 1
                if len(broken) < MAX_DETAILED:
                    broken.append(BadRow(str(path), number, "*", code, message, line[:200]))
                continue
            assert fields is not None
            for column, at in zip(src.wanted, index, strict=True):
                chunk[column].append(fields[at])
            chunk["_line"].append(number)
            if len(chunk["_line"]) >= _FALLBACK_CHUNK:
                flush()
    except _GZIP_ERRORS as exc:
        raise _gzip_error(path, exc) from exc
    if header is None:
        raise InputError("文件为空（没有表头行）", code="E_EMPTY_FILE", file=str(path), line=1)
    if chunk["_line"] or not created:
        flush()
    report.bad_row_count += broken_count
    return broken


# --- the scan and the duplicates -----------------------------------------------------------

def _repeated(hashes: np.ndarray) -> np.ndarray:
    """Boolean mask of the entries whose hash occurs more than once.

    Sorting is the cost (a third of a second for 5 M hashes): the hashes are split by their top
    bit, so equal hashes land in the same half, and the halves are sorted on two threads (numpy
    releases the GIL while it sorts)."""
    if len(hashes) < 2:
        return np.zeros(len(hashes), dtype=bool)
    high = hashes >= np.uint64(1 << 63)
    with ThreadPoolExecutor(max_workers=2) as pool:
        twice = np.concatenate(list(pool.map(_twice, (hashes[~high], hashes[high]))))
    if not len(twice):
        return np.zeros(len(hashes), dtype=bool)
    return np.isin(hashes, twice)


def _twice(hashes: np.ndarray) -> np.ndarray:
    """The values that occur more than once, each once."""
    ordered = np.sort(hashes)
    return np.unique(ordered[1:][ordered[1:] == ordered[:-1]])


def _fetch_columns(con: duckdb.DuckDBPyConnection, sql: str) -> dict[str, np.ndarray]:
    """The result's columns (integers, never NULL) as numpy arrays, by way of Arrow: DuckDB
    builds Arrow batches on every core, where fetchnumpy converts on one (at 5 M rows of three
    columns, 0.15 CPU s against 0.27)."""
    table = con.sql(sql).to_arrow_table()
    found = {}
    for name in table.column_names:
        column = table.column(name)
        if column.null_count:
            raise ValueError(f"unexpected NULL in {name}")  # the scan's SQL never yields one
        found[name] = column.to_numpy()
    return found


@dataclass
class _Loader:
    con: duckdb.DuckDBPyConnection
    spec: FileSpec
    path: Path
    source: _Source
    present: set[str]
    native: set[str]
    report: LoadReport

    @property
    def columns(self) -> list[Column]:
        return [c for c in self.spec.columns if c.name in self.present]

    @property
    def in_place(self) -> bool:
        """Parquet whose typed columns are stored with their type: the rules read the file."""
        return self.source.fmt == "parquet" and all(
            c.name in self.native for c in self.columns if c.kind in _SQL_TYPES)

    def typed_select(self, clean: set[str] | None = None) -> str:
        """The contract's columns, typed; ``clean``: the text columns read through clean_expr
        (None: all of them)."""
        exprs = []
        for column in self.spec.columns:
            if column.name in self.present:
                expr = typed_expr(column, native=column.name in self.native,
                                  clean=clean is None or column.name in clean)
            else:
                expr = "NULL"  # optional column absent from the file
            sql_type = _SQL_TYPES.get(column.kind, "VARCHAR")
            exprs.append(f"CAST({expr} AS {sql_type}) AS {quote_ident(column.name)}")
        return ", ".join(exprs)

    def scan(self, checks: list[tuple[str, str, str, str]], text: list[Column],
             settled: set[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Read in place, one pass: per row its line, a mask (bit i: check i failed; bit
        len(checks) + j: text column j needs cleaning) and the hash of its (cleaned) key."""
        by_name = {c.name: c for c in self.spec.columns}
        bits = [(by_name[name], sql) for name, sql, _, _ in checks]
        bits += [(c, needs_clean_expr(c)) for c in text]
        mask = mask_expr(bits, native=self.native)
        keys = [typed_expr(by_name[k], native=k in self.native or k in settled)
                if k in self.present else "NULL" for k in self.spec.key]
        key_hash = f"hash({', '.join(keys)})" if keys else "CAST(0 AS UBIGINT)"
        found = _fetch_columns(self.con, f"SELECT _line, {mask} AS m, {key_hash} AS hk "
                                         f"FROM {self.source.relation()} s")
        return found["_line"], found["m"], found["hk"]

    def load(self, checks: list[tuple[str, str, str, str]]
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """One pass over the source (the Parquet file itself, or the CSV's text copy): the
        typed table, with ``_m``, the bit mask of the checks each row fails (bit i: check i).
        Then per row its line, mask and the hash of its key, read back from the typed table."""
        by_name = {c.name: c for c in self.spec.columns}
        mask = mask_expr([(by_name[name], sql) for name, sql, _, _ in checks],
                         native=self.native)
        name = self.spec.name
        # Rows carry their line number: the table need not keep the file's order, which
        # makes the copy cheaper (the CSV's text copy, numbered by rowid, keeps it).
        self.con.execute("SET preserve_insertion_order = false")
        try:
            self.con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT {self.typed_select()}, "
                             f"_line, {mask} AS _m FROM {self.source.relation()} s")
        finally:
            self.con.execute("SET preserve_insertion_order = true")
        keys = ", ".join(quote_ident(k) for k in self.spec.key)
        key_hash = f"hash({keys})" if keys else "CAST(0 AS UBIGINT)"
        found = _fetch_columns(self.con, f"SELECT _line, _m, {key_hash} AS hk FROM {name}")
        return found["_line"], found["_m"], found["hk"]

    def describe_bad(self, lines: np.ndarray, checks: list[tuple[str, str, str, str]]
                     ) -> list[BadRow]:
        """Bad rows column by column, from the original text (only the first flagged rows)."""
        first = np.sort(lines)[:MAX_DETAILED]
        where = _lines_condition(self.con, first, table=f"_badlines_{self.spec.name}")
        bad = f"_bad_{self.spec.name}"
        self.con.execute(f"CREATE OR REPLACE TABLE {bad} AS "
                         f"SELECT * FROM {self.source.relation(where)}")
        rows: list[BadRow] = []
        for column, sql, code, message in checks:
            found = self.con.execute(f"SELECT _line, CAST({quote_ident(column)} AS VARCHAR) "
                                     f"FROM {bad} WHERE {sql} ORDER BY _line "
                                     f"LIMIT {MAX_DETAILED}").fetchall()
            rows += [BadRow(str(self.path), line, column, code, message, value)
                     for line, value in found]
        self.con.execute(f"DROP TABLE IF EXISTS {bad}")
        return rows

    def duplicates(self, candidates: np.ndarray) -> tuple[list[BadRow], np.ndarray,
                                                          list[BadRow], np.ndarray]:
        """Exact comparison of the rows whose key hashes repeat: (copies reported, their
        lines, conflicting rows rejected, their lines)."""
        name = self.spec.name
        where = _lines_condition(self.con, candidates, table=f"_cand_{name}")
        if self.in_place:
            rows = f"(SELECT {self.typed_select()}, _line FROM {self.source.relation(where)} s)"
        else:
            rows = f"(SELECT * FROM {name} WHERE {where.format(line='_line', offset=0)})"
        key = ", ".join(quote_ident(k) for k in self.spec.key)
        every = ", ".join(quote_ident(c.name) for c in self.spec.columns)
        found = self.con.execute(f"""
            SELECT _line, key_n, row_first, max(version) OVER (PARTITION BY {key}),
              CASE WHEN _line = key_first THEN min(CASE WHEN _line <> key_first THEN _line END)
                OVER (PARTITION BY {key}) ELSE key_first END
            FROM (SELECT *, count(*) OVER (PARTITION BY {key}) AS key_n,
                    min(_line) OVER (PARTITION BY {key}) AS key_first,
                    min(_line) OVER (PARTITION BY {every}) AS row_first,
                    dense_rank() OVER (PARTITION BY {key} ORDER BY {every}) AS version
                  FROM {rows} r) g
            ORDER BY _line""").fetchall()
        copies, conflicts = [], []
        copy_lines, conflict_lines = [], []
        what = KEY_LABELS.get(name, "关键列")
        for line, key_n, row_first, versions, other in found:
            if key_n < 2:
                continue  # two different keys with the same hash
            if versions > 1:
                conflict_lines.append(line)
                if len(conflicts) < MAX_DETAILED:
                    conflicts.append(BadRow(
                        str(self.path), line, "*", "E_DUPLICATE_CONFLICT",
                        f"与第{other}行的{what}相同但其他内容不同，无法判断哪一行正确，均未采用"))
            elif line > row_first:
                copy_lines.append(line)
                if len(copies) < MAX_DETAILED:
                    copies.append(BadRow(str(self.path), line, "*", "E_DUPLICATE",
                                         f"与第{row_first}行完全相同，只计一次"))
        return (copies, np.asarray(copy_lines, dtype=np.int64), conflicts,
                np.asarray(conflict_lines, dtype=np.int64))


def settled_by_dictionary(con: duckdb.DuckDBPyConnection, path: Path, spec: FileSpec,
                          present: set[str], native: set[str]) -> set[str]:
    """Dictionary-encoded Parquet text columns (codes, enums) whose every value is plain
    (plain_value_expr: passes the checks, needs no cleaning): their rows need no look.

    DuckDB keeps such columns as dictionary vectors, so their distinct values and null counts
    cost next to nothing on every core (a third of decoding the columns with pyarrow on one
    thread); the few distinct values are then put to the same test as the scan's."""
    import pyarrow.parquet as pq

    try:
        schema = pq.read_schema(path)
    except Exception:
        return set()
    columns = [c for c in spec.columns if c.name in present and c.name not in native
               and c.kind in ("str", "enum")
               and pa.types.is_dictionary(schema.field(c.name).type)]
    if not columns:
        return set()
    # Per column: its distinct values (the dictionary vectors make this cheap), then how many
    # of them fail the plain test, and how many nulls (not allowed in a required column).
    distinct = ", ".join(f"list(DISTINCT {quote_ident(c.name)}) AS v{at}, "
                         f"count(*) - count({quote_ident(c.name)}) AS n{at}"
                         for at, c in enumerate(columns))
    unusual = ", ".join(
        f"(SELECT count(*) FROM (SELECT unnest(d.v{at}) AS {quote_ident(c.name)}) u "
        f"WHERE NOT coalesce({plain_value_expr(c, native=False)}, false)) "
        f"+ {'d.n' + str(at) if c.required else '0'}" for at, c in enumerate(columns))
    try:
        found = con.execute(f"SELECT {unusual} FROM (SELECT {distinct} FROM "
                            f"read_parquet({sql_str(str(path))})) d").fetchall()[0]
    except duckdb.OutOfMemoryException:
        raise
    except duckdb.Error:
        return set()  # a damaged page: the checking scan reports it
    return {c.name for c, count in zip(columns, found, strict=True) if count == 0}


def _not_null_by_metadata(path: Path, native: set[str]) -> set[str]:
    """Native columns whose row-group statistics show no null (no need to look at them)."""
    import pyarrow.parquet as pq

    meta = pq.ParquetFile(path).metadata
    schema = meta.schema.to_arrow_schema()
    names = schema.names
    # A column the file declares REQUIRED cannot hold a null (writers often skip statistics).
    result = {name for name in native if name in names and not schema.field(name).nullable}
    for name in native:
        if name not in names:
            continue
        at = names.index(name)
        clean = True
        for group in range(meta.num_row_groups):
            column = meta.row_group(group).column(at)
            stats = column.statistics
            if stats is None or not stats.has_null_count or stats.null_count:
                clean = False
                break
        if clean:
            result.add(name)
    return result


def load_file(con: duckdb.DuckDBPyConnection, *, spec: FileSpec, path: str | Path,
              on_bad_rows: BadRowPolicy = "error", duplicates: bool = True) -> LoadReport:
    """Validate one exchange file and make it relation ``spec.name`` (plus ``_line``).
    ``duplicates=False``: no duplicate policy, for a caller whose every row must be checked on
    its own (the employer self-check gives each roster row its own result)."""
    started = time.perf_counter()
    path = Path(path)
    if not path.is_file():
        raise InputError("文件不存在", code="E_NO_FILE", file=str(path))
    fmt = file_format(path)
    report = LoadReport(spec.name, str(path))
    try:
        loader = _prepare(con, spec=spec, path=path, fmt=fmt, report=report)
        _validate(loader, on_bad_rows=on_bad_rows, duplicates=duplicates)
    except (InputError, duckdb.OutOfMemoryException):
        raise  # out of memory is not a format problem: screen() reports the file as too large
    except _GZIP_ERRORS as exc:
        raise _gzip_error(path, exc) from exc
    except duckdb.Error as exc:
        # A damaged page found while scanning (the footer was readable).
        if fmt == "parquet":
            raise _parquet_error(path) from exc
        raise InputError("文件无法按 CSV 读取，请检查文件内容", code="E_UNREADABLE",
                         file=str(path)) from exc
    except Exception as exc:
        # Whatever else a damaged file provokes in a library: a coded Chinese message for the
        # user, the details in the log for the operator.
        log.exception("reading %s failed", path)
        raise InputError("文件已损坏或格式无法识别，无法读取", code="E_UNREADABLE",
                         file=str(path)) from exc
    report.seconds = time.perf_counter() - started
    return report


def _prepare(con: duckdb.DuckDBPyConnection, *, spec: FileSpec, path: Path, fmt: str,
             report: LoadReport) -> _Loader:
    if fmt == "parquet":
        header, report.rows_read = _parquet_header(path)
    else:
        try:
            header_or_none = _csv_header(path)
        except _GZIP_ERRORS as exc:
            raise _gzip_error(path, exc) from exc
        except (UnicodeDecodeError, csv.Error):
            header_or_none = ["?"]  # read line by line below (other encoding, broken quoting)
        except OSError as exc:
            raise InputError("文件无法读取", code="E_UNREADABLE", file=str(path)) from exc
        if header_or_none is None:
            raise InputError("文件为空（没有表头行）", code="E_EMPTY_FILE", file=str(path),
                             line=1)
        header = header_or_none
    native = native_columns(spec, path, fmt)
    if header != ["?"]:
        _check_columns(spec, header, path)
    present = {c.name for c in spec.columns if c.name in header}
    wanted = [c.name for c in spec.columns if c.name in present]
    source = _Source(fmt, path, wanted, native, table=f"_raw_{spec.name}")
    loader = _Loader(con, spec, path, source, present, native, report)
    if fmt == "csv":
        fast = header != ["?"] and _csv_fast(con, src=source, header=header)
        if fast:
            report.rows_read = con.execute(f"SELECT count(*) FROM {source.table}"
                                           ).fetchall()[0][0]
        else:
            report.bad_rows += _csv_by_line(con, src=source, spec=spec, report=report)
            loader.present = set(source.wanted)
            source.by_line = True
    return loader


def _validate(loader: _Loader, *, on_bad_rows: BadRowPolicy, duplicates: bool) -> None:
    con, spec, path, report = loader.con, loader.spec, loader.path, loader.report
    source = loader.source
    not_null = _not_null_by_metadata(path, loader.native) if source.fmt == "parquet" else set()
    checks = _checks(spec, loader.present, loader.native, not_null)
    text = [c for c in loader.columns if c.kind in ("str", "id", "enum")
            and c.name not in loader.native]
    expected = report.rows_read - report.bad_row_count  # less the lines already rejected
    if loader.in_place:
        settled = settled_by_dictionary(con, path, spec, loader.present, loader.native)
        checks = [c for c in checks if c[0] not in settled]
        text = [c for c in text if c.name not in settled]
        lines, mask, hashes = loader.scan(checks, text, settled)
        seen = int(np.bitwise_or.reduce(mask)) if len(mask) else 0
        clean = {c.name for j, c in enumerate(text) if (seen >> (len(checks) + j)) & 1}
        mask = mask & ((1 << len(checks)) - 1)
    else:
        lines, mask, hashes = loader.load(checks)
    if len(lines) != expected:
        # A damaged file can claim more rows than it yields: never load part of it silently.
        raise InputError(f"文件声明有 {expected} 行，实际只能读出 {len(lines)} 行，文件已损坏，"
                         "整个文件未采用", code="E_ROWS_MISMATCH", file=str(path))
    flagged = mask != 0
    bad_lines = lines[flagged]
    report.bad_row_count += int(flagged.sum())
    if len(bad_lines):
        report.bad_rows += loader.describe_bad(bad_lines, checks)
    if source.fmt == "csv":
        kind = "TABLE" if source.by_line else "VIEW"
        con.execute(f"DROP {kind} IF EXISTS {source.table}")
        con.execute(f"DROP TABLE IF EXISTS {source.table}_t")
    good = ~flagged
    repeated = _repeated(hashes[good]) if spec.key and duplicates \
        else np.zeros(int(good.sum()), dtype=bool)
    copy_lines = conflict_lines = np.zeros(0, dtype=np.int64)
    if repeated.any():
        copies, copy_lines, conflicts, conflict_lines = loader.duplicates(lines[good][repeated])
        report.duplicates = copies[:MAX_DETAILED]
        report.duplicate_count = len(copy_lines)
        report.bad_rows += conflicts
        report.bad_row_count += len(conflict_lines)
    report.bad_rows = sorted(report.bad_rows, key=lambda r: (r.line, r.column))[:MAX_DETAILED]
    if report.bad_row_count and on_bad_rows == "error":
        first = report.bad_rows[0]
        listing = "\n".join(r.describe() for r in report.bad_rows[:20])
        raise InputError(f"{report.bad_row_count} 行数据有误（前20行）：\n{listing}",
                         code="E_BAD_ROWS", file=str(path), line=first.line,
                         column=first.column, bad_rows=tuple(report.bad_rows))
    excluded = np.sort(np.concatenate([bad_lines, copy_lines, conflict_lines]))
    where = _lines_condition(con, excluded, table=f"_excluded_{spec.name}",
                             negate=loader.in_place) if len(excluded) else ""
    if loader.in_place:
        # A view over the file: each rule reads only the columns it needs, cleaning only the
        # columns where some value needs it, and never the rejected lines.
        con.execute(f"CREATE OR REPLACE VIEW {spec.name} AS SELECT {loader.typed_select(clean)}, "
                    f"_line FROM {source.relation(where)} s")
    elif where:
        con.execute(f"DELETE FROM {spec.name} WHERE {where.format(line='_line', offset=0)}")
    report.in_place = loader.in_place
    report.rows_loaded = report.rows_read - report.bad_row_count - report.duplicate_count
