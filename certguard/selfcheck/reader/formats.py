"""Open a roster file whatever it really is: the bytes decide the format, not the file name.

Employers rename files freely (a .xls that is really .xlsx, a .csv saved by WPS in GBK), so the
format comes from the leading bytes; calamine reads workbooks, the csv module reads text.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from certguard.selfcheck.reader import errors

DEFAULT_MAX_BYTES = 200 * 1024 * 1024

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
# An encrypted OOXML workbook is an OLE2 container with this stream (MS-OFFCRYPTO 2.3.4.4);
# directory entry names are UTF-16LE, so the name is found in the raw bytes.
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_CSV_DELIMITERS = (",", "\t", ";", "|")

Cell = object  # str | float | int | bool | date | datetime | timedelta, as calamine gives them
MergedRange = tuple[tuple[int, int], tuple[int, int]]


@dataclass(slots=True)
class SheetGrid:
    """One sheet as rows of cells; index i is spreadsheet row i + 1, column j is column j + 1."""

    name: str
    rows: list[list[Cell]]
    merged: list[MergedRange] = field(default_factory=list)


@dataclass(slots=True)
class OpenedFile:
    kind: str  # "xlsx" | "xls" | "csv"
    encoding: str | None  # CSV only
    sheets: Iterator[SheetGrid]


def open_roster_file(*, source: str | os.PathLike[str] | bytes, max_bytes: int) -> OpenedFile:
    """Detect the format and return lazily loaded sheets; raise ``RosterReadError`` on failure."""
    data = _read_bytes(source=source, max_bytes=max_bytes)
    if data.startswith(_OLE2_MAGIC):
        if _ENCRYPTED_STREAM in data:
            raise errors.file_encrypted()
        return OpenedFile(kind="xls", encoding=None, sheets=_workbook_sheets(data=data, kind="xls"))
    if data.startswith(_ZIP_MAGIC):
        return OpenedFile(kind="xlsx", encoding=None,
                          sheets=_workbook_sheets(data=data, kind="xlsx"))
    text, encoding = decode_text(data=data)
    name = Path(source).stem if not isinstance(source, bytes) else "CSV"
    return OpenedFile(kind="csv", encoding=encoding,
                      sheets=iter([SheetGrid(name=name or "CSV", rows=_csv_rows(text=text))]))


def _read_bytes(*, source: str | os.PathLike[str] | bytes, max_bytes: int) -> bytes:
    if isinstance(source, bytes):
        size = len(source)
    else:
        try:
            size = os.stat(source).st_size
        except FileNotFoundError:
            raise errors.file_not_found(name=Path(source).name) from None
    # Checked before reading, so an oversized upload never sits in memory.
    if size > max_bytes:
        raise errors.file_too_large(size=size, limit=max_bytes)
    if size == 0:
        raise errors.file_empty()
    if isinstance(source, bytes):
        return source
    return Path(source).read_bytes()


def _workbook_sheets(*, data: bytes, kind: str) -> Iterator[SheetGrid]:
    """Open the workbook now (so a corrupt file fails before anything is read) and yield sheets."""
    import python_calamine as calamine  # heavy native module: only when a workbook comes

    try:
        book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except calamine.PasswordError:
        raise errors.file_encrypted() from None
    except BaseException as exc:
        raise _as_corrupt(exc, kind=kind) from None
    return _iter_book(book=book, kind=kind)


def _as_corrupt(exc: BaseException, *, kind: str) -> BaseException:
    """Broken input makes calamine raise several unrelated types, or even panic: a Rust panic
    arrives as pyo3's PanicException, a BaseException, which ``except Exception`` misses."""
    if isinstance(exc, Exception) or type(exc).__name__ == "PanicException":
        return errors.file_corrupt(kind=kind.upper())
    return exc  # KeyboardInterrupt, SystemExit: not ours to swallow


def _iter_book(*, book: object, kind: str) -> Iterator[SheetGrid]:
    import python_calamine as calamine

    for meta in book.sheets_metadata:  # type: ignore[attr-defined]
        if meta.typ != calamine.SheetTypeEnum.WorkSheet:
            continue
        try:
            sheet = book.get_sheet_by_name(meta.name)  # type: ignore[attr-defined]
            rows = sheet.to_python(skip_empty_area=False)
            merged = sheet.merged_cell_ranges or []
        except calamine.PasswordError:
            raise errors.file_encrypted() from None
        except BaseException as exc:
            raise _as_corrupt(exc, kind=kind) from None
        yield SheetGrid(name=meta.name, rows=rows, merged=list(merged))


def decode_text(*, data: bytes) -> tuple[str, str]:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (a superset of GBK)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _decode(data=data, encoding="utf-16"), "utf-16"
    if b"\x00" in data[:4096]:
        raise errors.file_unsupported()
    try:
        encoding = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
        return data.decode(encoding), encoding
    except UnicodeDecodeError:
        pass
    # Valid UTF-8 is almost never valid-looking GBK by accident and vice versa, so order matters
    # only for pure ASCII, which both read the same.
    return _decode(data=data, encoding="gb18030"), "gb18030"


def _decode(*, data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise errors.file_encoding() from None


def _csv_rows(*, text: str) -> list[list[Cell]]:
    sample = text[:8192]
    delimiter = max(_CSV_DELIMITERS, key=sample.count)
    if sample.count(delimiter) == 0:
        delimiter = ","
    text = text.removeprefix("\ufeff")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))  # type: ignore[arg-type]
