"""Read a certificates file of the exchange format in chunks, whatever its size.

The bytes decide the format, not the name (people rename files): a ZIP is a workbook, ``PAR1``
is Parquet, a gzip stream is compressed CSV, anything else is CSV text. CSV text is decoded as
the roster reader does it (UTF-8 with or without BOM, UTF-16 with BOM, else GB18030, a superset
of GBK), line by line, so a damaged line is rejected alone and never hides its neighbours.
A line is one row: the exchange format has no line breaks inside values, so a stray quote only
ever spoils its own line.

Every data row comes out either as values (one per column of the contract) or as a rejection
with its line; a file that cannot be read at all raises ``AppError`` with a code and a Chinese
message that names neither the server's paths nor a library's exception text.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from certguard.core.errors import AppError
from certguard.rules.schema import CERTIFICATES

COLUMNS = tuple(c.name for c in CERTIFICATES.columns)
REQUIRED = CERTIFICATES.required
CHUNK_ROWS = 20_000
SNIFF_BYTES = 1 << 20
# RFC 4180: a field is either quoted (quotes inside doubled) or holds no quote at all.
_FIELD = r'(?:"(?:[^"]|"")*"|[^",]*)'
_RFC4180_LINE = re.compile(f"{_FIELD}(?:,{_FIELD})*")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@dataclass
class Chunk:
    """Rows of one stretch of the file: ``rows`` are (line, values in COLUMNS order). A Parquet
    chunk comes as ``table`` instead (Arrow: line, then COLUMNS), turned into Python values
    only for the rows that need them (``python_rows``)."""

    rows: list[tuple[int, list | tuple]] = field(default_factory=list)
    rejected: list[tuple[int, str, str, str]] = field(default_factory=list)  # line, col, code, msg
    table: Any = None

    @property
    def size(self) -> int:
        return len(self.rows) if self.table is None else self.table.num_rows

    def python_rows(self, skip: Any = None) -> list[tuple[int, list | tuple]]:
        """(line, values) of the chunk's rows, but those whose line is in ``skip`` (an Arrow
        array of lines)."""
        if self.table is None:
            if skip is None or not len(skip):
                return self.rows
            done = set(skip.to_pylist())
            return [row for row in self.rows if row[0] not in done]
        import pyarrow.compute as pc

        table = self.table
        if skip is not None and len(skip):
            table = table.filter(pc.invert(pc.is_in(table.column("line"), value_set=skip)))
        if not table.num_rows:
            return []
        columns = [column.to_pylist() for column in table.columns]
        return list(zip(columns[0], zip(*columns[1:], strict=True), strict=True))


def fail(code: str, message: str) -> AppError:
    return AppError(code, message)


def sniff(path: Path) -> str:
    try:
        with open(path, "rb") as handle:
            head = handle.read(8)
    except OSError:
        raise fail("E_NO_FILE",
                   "找不到要导入的文件，或没有读取权限") from None
    if not head:
        raise fail("E_EMPTY_FILE", "文件是空的（0 字节）")
    if head.startswith(b"PK"):
        return "xlsx"
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"\x1f\x8b"):
        return "csv.gz"
    if head.startswith(b"\xd0\xcf\x11\xe0"):  # OLE2: Excel 97-2003, or an encrypted workbook
        return "xlsx"
    return "csv"


def header_map(header: list[str]) -> list[int | None]:
    """Position of each contract column in the file's header (None = optional and absent)."""
    names = [str(h).strip().lstrip("\ufeff") if h is not None else "" for h in header]
    for name in REQUIRED:
        if name not in names:
            raise fail("E_MISSING_COLUMN", f"第1行（表头）缺少必填列 {name}；表头应使用交换格式的"
                                           "英文列名（cert_no、id_no、name 等）")
    return [names.index(c) if c in names else None for c in COLUMNS]


def read_chunks(path: Path, *, chunk_rows: int = CHUNK_ROWS) -> Iterator[Chunk]:
    kind = sniff(path)
    if kind == "parquet":
        yield from _parquet_chunks(path, chunk_rows)
    elif kind == "xlsx":
        yield from _xlsx_chunks(path, chunk_rows)
    else:
        yield from _csv_chunks(path, gz=kind == "csv.gz", chunk_rows=chunk_rows)


# --- CSV -------------------------------------------------------------------------------------

def _binary(path: Path, gz: bool):
    return gzip.open(path, "rb") if gz else open(path, "rb")


def _encoding(path: Path, gz: bool) -> str:
    """UTF-16 by its BOM; UTF-8 when a line with Chinese text decodes as UTF-8 (GBK text almost
    never does); GB18030, a superset of GBK, otherwise. Lines that do not decode in the chosen
    encoding are rejected one by one later."""
    try:
        with _binary(path, gz) as raw:
            sample = raw.read(SNIFF_BYTES)
    except (OSError, EOFError, zlib.error):
        raise _gzip_broken(0) from None
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if sample.count(b"\x00") > max(8, len(sample) // 100):
        raise fail("E_BINARY", "文件含有大量空字符（NUL），不是 CSV 文本文件；"
                               "请从原系统重新导出为 UTF-8 编码的 CSV")
    lines = sample.split(b"\n")[:-1] or [sample]
    wide = [line for line in lines if not line.isascii()]
    if not wide or any(_decodes(line, "utf-8") for line in wide):
        return "utf-8-sig" if sample.startswith(b"\xef\xbb\xbf") else "utf-8"
    return "gb18030"


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _gzip_broken(line: int) -> AppError:
    where = f"（第{line}行之后）" if line else ""
    return fail("E_GZIP_CORRUPT", f"压缩文件（.csv.gz）不完整或已损坏{where}，无法解压；"
                                  "请重新压缩或直接上传 CSV。本次导入未写入任何数据")


def _lines(path: Path, gz: bool, encoding: str) -> Iterator[tuple[int, str | None]]:
    """(line number, text) per physical line; text None when the line does not decode."""
    number = 0
    try:
        with _binary(path, gz) as raw:
            if encoding == "utf-16":
                text_io = io.TextIOWrapper(raw, encoding="utf-16", errors="replace", newline="\n")
                for number, text in enumerate(text_io, start=1):
                    yield number, None if "\ufffd" in text else text
                return
            for number, data in enumerate(raw, start=1):
                try:
                    yield number, data.decode(encoding)
                except UnicodeDecodeError:
                    yield number, None
    except (EOFError, zlib.error, gzip.BadGzipFile):
        raise _gzip_broken(number) from None
    except OSError:
        if gz:
            raise _gzip_broken(number) from None
        raise fail("E_READ", f"读取文件时出错（第{number}行之后），请检查文件是否完整") from None


def _split(text: str) -> list[str] | None:
    """Fields of one line; None when its quoting is broken (a quote left open or stray)."""
    text = text.rstrip("\r\n")
    if '"' not in text:
        return text.split(",")
    if not _RFC4180_LINE.fullmatch(text):
        return None
    try:
        return next(csv.reader([text], strict=True))
    except (csv.Error, StopIteration):
        return None


def _csv_chunks(path: Path, *, gz: bool, chunk_rows: int) -> Iterator[Chunk]:
    encoding = _encoding(path, gz)
    lines = _lines(path, gz, encoding)
    positions, header_width = _csv_header(lines)
    width = (max(p for p in positions if p is not None) + 1, header_width)
    chunk = Chunk()
    for number, text in lines:
        row = _csv_row(number, text, positions, width, chunk)
        if row is not None:
            chunk.rows.append((number, row))
        if len(chunk.rows) + len(chunk.rejected) >= chunk_rows:
            yield chunk
            chunk = Chunk()
    if chunk.rows or chunk.rejected:
        yield chunk


def _csv_header(lines: Iterator[tuple[int, str | None]]) -> tuple[list[int | None], int]:
    for _number, text in lines:
        if text is None:
            raise fail("E_ENCODING", "无法识别表头行的文字编码（支持 UTF-8、UTF-16 与 "
                                     "GBK/GB18030），请另存为 UTF-8 编码的 CSV 后再导入")
        if not text.strip():
            continue
        fields = _split(text.lstrip("\ufeff"))
        if fields is None:
            raise fail("E_CSV_QUOTE", "第1行（表头）引号不配对，请检查文件格式")
        return header_map(fields), len(fields)
    raise fail("E_EMPTY_FILE", "文件没有表头行（文件为空）")


def _csv_row(number: int, text: str | None, positions: list[int | None], width: tuple[int, int],
             chunk: Chunk) -> list | None:
    if text is None:
        chunk.rejected.append((number, "*", "E_ENCODING",
                               "本行含有无法识别的字符（文件应为 UTF-8 或 GBK 编码），整行未导入"))
        return None
    if not text.strip():
        return None  # a blank line holds no row
    if "\x00" in text:
        chunk.rejected.append((number, "*", "E_NUL",
                               "本行含有空字符（NUL），文件可能已损坏，整行未导入"))
        return None
    fields = _split(text)
    if fields is None:
        chunk.rejected.append((number, "*", "E_CSV_QUOTE",
                               "本行引号不配对（值中有多余的双引号），整行未导入；请检查该行"))
        return None
    if len(fields) < width[0]:
        chunk.rejected.append((number, "*", "E_COLUMNS",
                               f"本行只有{len(fields)}列，少于表头的列数，整行未导入"))
        return None
    if len(fields) > width[1] and any(f.strip() for f in fields[width[1]:]):
        # A comma inside an unquoted value shifts every later column: never guess.
        chunk.rejected.append((number, "*", "E_COLUMNS",
                               f"本行有{len(fields)}列，多于表头的{width[1]}列（值中可能有未加引号的"
                               "逗号），整行未导入"))
        return None
    return [fields[p] if p is not None else None for p in positions]


# --- Parquet ---------------------------------------------------------------------------------

def _parquet_broken(line: int | None = None) -> AppError:
    where = f"（第{line}行附近）" if line else ""
    return fail("E_PARQUET_CORRUPT", f"Parquet 文件已损坏或不完整{where}，无法读取；请重新导出。"
                                     "本次导入未写入任何数据")


def _plain(column):
    """Dictionary and date columns as text first: Arrow casts in C, while converting them
    value by value to Python objects costs twenty times as much."""
    import pyarrow as pa

    if pa.types.is_dictionary(column.type) or pa.types.is_date(column.type) \
            or pa.types.is_timestamp(column.type):
        try:
            if pa.types.is_timestamp(column.type):  # a date written as midnight
                column = column.cast(pa.date32(), safe=False)
            return column.cast(pa.string())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return column
    return column


def _parquet_chunks(path: Path, chunk_rows: int) -> Iterator[Chunk]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        source = pq.ParquetFile(path)
        names = list(source.schema_arrow.names)
    except Exception:  # pyarrow raises ArrowInvalid, OSError, TypeError … for damaged files
        raise _parquet_broken() from None
    positions = header_map(names)
    wanted = [names[p] for p in positions if p is not None]
    line = 2
    try:
        for batch in source.iter_batches(batch_size=chunk_rows, columns=wanted):
            values = {name: _plain(batch.column(i)) for i, name in enumerate(wanted)}
            count = batch.num_rows
            columns = [values[names[p]] if p is not None else pa.nulls(count)
                       for p in positions]
            lines = pa.array(range(line, line + count), pa.int64())
            line += count
            yield Chunk(table=pa.table([lines, *columns], names=["line", *COLUMNS]))
    except AppError:
        raise
    except Exception:  # a damaged page or row group surfaces only when it is decoded
        raise _parquet_broken(line) from None


# --- XLSX ------------------------------------------------------------------------------------

def _cell(value: object) -> object:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def _xlsx_broken() -> AppError:
    return fail("E_XLSX_CORRUPT", "文件不是有效的 Excel 工作簿（.xlsx 或 .xls）：可能已损坏，"
                                  "或是改了扩展名的其他文件（如 Word 文档）；请用 Excel 或 WPS "
                                  "另存为 .xlsx 后再导入")


def _xlsx_chunks(path: Path, chunk_rows: int) -> Iterator[Chunk]:
    import python_calamine as calamine

    try:
        with open(path, "rb") as handle:  # by content: .xlsx, or .xls saved by Excel 97-2003
            book = calamine.CalamineWorkbook.from_filelike(handle)
        rows = book.get_sheet_by_index(0).iter_rows()
        header = next(rows, None)
    except calamine.PasswordError:
        raise fail("E_XLSX_ENCRYPTED",
                   "工作簿设置了打开密码，请取消密码后再导入") from None
    except BaseException as exc:  # calamine raises many types, a Rust panic even a BaseException
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        raise _xlsx_broken() from None
    if header is None:
        raise fail("E_EMPTY_FILE", "工作表是空的（没有表头行）")
    positions = header_map([str(_cell(h) or "") for h in header])
    chunk = Chunk()
    try:
        for number, row in enumerate(rows, start=2):
            if not any(v not in (None, "") for v in row):
                continue
            chunk.rows.append((number, [_cell(row[p]) if p is not None and p < len(row) else None
                                        for p in positions]))
            if len(chunk.rows) >= chunk_rows:
                yield chunk
                chunk = Chunk()
    except BaseException as exc:
        if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit)):
            raise
        raise _xlsx_broken() from None
    if chunk.rows:
        yield chunk


def has_control(text: str) -> bool:
    """C0 and C1 control characters (tab, CR and LF excepted: trimming removes them)."""
    return _CONTROL.search(text) is not None
