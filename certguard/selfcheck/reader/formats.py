"""Open a roster file whatever it really is: the bytes decide the format, not the file name.

Employers rename files freely (a .xls that is really .xlsx, a .csv saved by WPS in GBK), so the
format comes from the leading bytes; calamine reads workbooks, the csv module reads text.
"""

from __future__ import annotations

import csv
import io
import os
import zipfile
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
        _check_not_document(data)
        return OpenedFile(kind="xlsx", encoding=None,
                          sheets=_workbook_sheets(data=data, kind="xlsx"))
    for magic, what in _OTHER_FILES:
        if data.startswith(magic):
            raise errors.file_not_spreadsheet(what=what)
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
        except OSError:
            raise errors.file_unreadable(name=Path(source).name) from None
    # Checked before reading, so an oversized upload never sits in memory.
    if size > max_bytes:
        raise errors.file_too_large(size=size, limit=max_bytes)
    if size == 0:
        raise errors.file_empty()
    if isinstance(source, bytes):
        return source
    try:
        return Path(source).read_bytes()
    except OSError:  # a folder, no permission: never the system's own text
        raise errors.file_unreadable(name=Path(source).name) from None


_OTHER_FILES = ((b"%PDF", "PDF 文件"), (b"\x89PNG", "图片（PNG）"),
                (b"\xff\xd8\xff", "图片（JPEG）"), (b"Rar!", "压缩包（RAR）"),
                (b"7z\xbc\xaf", "压缩包（7z）"))
# Office Open XML packages that are not workbooks, by the part each one must have.
_OTHER_PACKAGES = (("word/", "Word 文档（.docx）"), ("ppt/", "PowerPoint 演示文稿（.pptx）"),
                   ("content.xml", "OpenDocument 文档"))


def _check_not_document(data: bytes) -> None:
    """A .docx renamed .xlsx is a valid zip: name what it is instead of "corrupt"."""
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError):
        return  # a broken zip (a damaged version field too): calamine reports it as corrupt
    if any(n.startswith("xl/") for n in names):
        return
    for part, what in _OTHER_PACKAGES:
        if any(n.startswith(part) for n in names):
            raise errors.file_not_spreadsheet(what=what)
    raise errors.file_not_spreadsheet(what="压缩包（.zip）")


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
    if b"\x00" in data:
        encoding = _utf16_without_bom(data)
        if encoding is None:
            raise errors.file_binary()
        return _decode(data=data, encoding=encoding), encoding
    try:
        encoding = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
        return data.decode(encoding), encoding
    except UnicodeDecodeError:
        pass
    # Valid UTF-8 is almost never valid-looking GBK by accident and vice versa, so order matters
    # only for pure ASCII, which both read the same.
    return _decode(data=data, encoding="gb18030"), "gb18030"


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 saved without its byte-order mark: Chinese and ASCII text puts a zero byte in
    most even (big-endian) or odd (little-endian) positions, and nowhere else."""
    sample = data[:4096]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    if len(data) % 2 or not half:
        return None
    if odd > half * 0.3 and even == 0:
        return "utf-16-le"
    if even > half * 0.3 and odd == 0:
        return "utf-16-be"
    return None


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
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[Cell]] = []
    physical: list[str] | None = None
    try:
        before = 0
        for record in reader:
            if reader.line_num - before > 1 and _swallowed(record, delimiter):
                # A stray quote joined the lines up to the next quote into one field: each of
                # them is rejected on its own line, none is silently taken into another.
                if physical is None:
                    physical = io.StringIO(text, newline="").readlines()
                rows.extend(QuoteBrokenRow(line.rstrip("\r\n").split(delimiter))
                            for line in physical[before:reader.line_num])
            else:
                rows.append(list(record))
            before = reader.line_num
    except csv.Error:  # a field over the csv module's limit: an unclosed quote, or garbage
        raise errors.csv_malformed(line=reader.line_num) from None
    return rows


class QuoteBrokenRow(list):
    """The cells of one physical CSV line that an unpaired quote joined to other lines."""


def _swallowed(record: list[str], delimiter: str) -> bool:
    """A quoted field spanning lines that hold delimiters: rows joined by a stray quote (a
    cell with a line break of its own, as spreadsheet programs write it, holds none)."""
    return any(delimiter in part for value in record if "\n" in value or "\r" in value
               for part in value.replace("\r", "\n").split("\n")[1:])
