"""The one export helper: every spreadsheet and CSV the platform hands out is made here.

- Cells taken from user data are inert: a leading formula character gets an apostrophe
  (OWASP "CSV injection"), and workbooks never turn strings into formulas, links or numbers.
- Every XLSX sheet is set up to print: A4, landscape when the columns are wide, fit to the
  page width, header rows repeated on every page and frozen on screen, column widths, and row
  heights for wrapped text (LibreOffice and WPS do not grow a row whose height is unknown, so
  wrapped text would overlap the next row).
- ``download`` makes the response and its audit entry ("export") in one place.

The module imports no Django at load time: the self-check report is written by a second
process that must not start Django (``certguard.selfcheck.report_process``).
"""

from __future__ import annotations

import csv
import math
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from certguard.core.scoping import UserLike

# What Excel, WPS and LibreOffice treat as the start of a formula (CSV/formula injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")
XLSX_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False,
                "strings_to_numbers": False}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
A4 = 9  # XlsxWriter's paper code
# Column widths (in characters of the default font) that fit an A4 page at 100 %: wider
# sheets print landscape, and every sheet is fitted to the page width.
PORTRAIT_CHARS = 95
LINE_POINTS = 15.0  # one line of 11-point text
CELL_PADDING = 1.5  # characters lost to the cell's margins


def inert_text(value: object) -> str:
    """A leading formula character gets an apostrophe, so office software shows the text
    instead of running it (OWASP advice). Every exported cell taken from user data goes here."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


# --- Text measures ----------------------------------------------------------------------------

def text_width(text: str) -> int:
    """Width in character cells: Chinese characters and full-width forms take two."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def line_count(text: str, width: float) -> int:
    """Lines ``text`` wraps to in a column ``width`` characters wide (explicit breaks kept)."""
    usable = max(1.0, width - CELL_PADDING)
    return sum(max(1, math.ceil(text_width(part) / usable)) for part in text.split("\n"))


def row_height(cells: Sequence[object], widths: Sequence[float], *,
               line: float = LINE_POINTS, minimum: float = LINE_POINTS + 3) -> float:
    """The height (points) of a row whose cells wrap in columns of ``widths``."""
    lines = max((line_count(str(c), w) for c, w in zip(cells, widths, strict=False) if c),
                default=1)
    return max(minimum, lines * line + 4)


# --- Workbooks --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    header: str
    width: float
    wrap: bool = False  # long text: wraps, and the row grows to show it


def workbook(target: str | Path | IO[bytes], *, constant_memory: bool = False,
             title: str = "", author: str = "") -> Any:
    """An XlsxWriter workbook that never turns a string into a formula, link or number."""
    import xlsxwriter

    book = xlsxwriter.Workbook(target if not isinstance(target, Path) else str(target),
                               {**XLSX_OPTIONS, "constant_memory": constant_memory})
    if title or author:
        book.set_properties({"title": title, "author": author})
    return book


def print_setup(sheet: Any, *, widths: Sequence[float], header_rows: tuple[int, int] | None,
                landscape: bool | None = None, freeze: bool = True, formats: Sequence = ()
                ) -> None:
    """A4, landscape when wide (or as asked), fitted to the page width, ``header_rows``
    (first, last; 0-based) repeated on every printed page and frozen on screen, page numbers
    in the footer, and the column widths (``formats`` per column, optional)."""
    sheet.set_paper(A4)
    if landscape if landscape is not None else sum(widths) > PORTRAIT_CHARS:
        sheet.set_landscape()
    else:
        sheet.set_portrait()
    sheet.fit_to_pages(1, 0)
    sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
    sheet.center_horizontally()
    sheet.set_footer("&C第 &P 页，共 &N 页")
    for j, width in enumerate(widths):
        sheet.set_column(j, j, width, formats[j] if j < len(formats) else None)
    if header_rows is not None:
        sheet.repeat_rows(*header_rows)
        if freeze:
            sheet.freeze_panes(header_rows[1] + 1, 0)


def write_table(book: Any, sheet: Any, *, columns: Sequence[Column],
                rows: Iterable[Sequence[object]], start: int = 0,
                landscape: bool | None = None) -> int:
    """A header row and data rows from user data (every cell inert text), printable; the
    rows of wrapped columns get their height. Returns the number of data rows written."""
    widths = [c.width for c in columns]
    head = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "border": 1,
                            "bg_color": "#F2F2F2"})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    print_setup(sheet, widths=widths, header_rows=(start, start), landscape=landscape,
                formats=[wrap if c.wrap else None for c in columns])
    sheet.set_row(start, row_height([c.header for c in columns], widths))
    for j, column in enumerate(columns):
        sheet.write_string(start, j, column.header, head)
    wrapped = [j for j, c in enumerate(columns) if c.wrap]
    count = 0
    for count, values in enumerate(rows, start=1):
        texts = [inert_text(v) for v in values]
        at = start + count
        if wrapped:
            height = row_height([texts[j] for j in wrapped], [widths[j] for j in wrapped])
            if height > LINE_POINTS + 3:
                sheet.set_row(at, height)
        for j, text in enumerate(texts):
            if text:
                sheet.write_string(at, j, text)
    if count:
        sheet.autofilter(start, 0, start + count, len(columns) - 1)
    return count


def xlsx_table_file(*, sheet_name: str, columns: Sequence[Column],
                    rows: Iterable[Sequence[object]], title: str = "") -> IO[bytes]:
    """One table as an XLSX in a temporary file (constant memory), positioned at its start."""
    handle = tempfile.TemporaryFile()
    book = workbook(handle, constant_memory=True, title=title)
    write_table(book, book.add_worksheet(sheet_name[:31]), columns=columns, rows=rows)
    book.close()
    handle.seek(0)
    return handle


# --- CSV --------------------------------------------------------------------------------------

class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_chunks(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """CSV text in chunks for a streaming response: UTF-8 with a BOM (so Excel and WPS read
    the Chinese text), every cell inert."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(list(header))
    for row in rows:
        yield writer.writerow([inert_text(v) for v in row])


class CsvFile:
    """A CSV file written row by row (a report that grows while a job runs): UTF-8 with a
    BOM, every cell inert. Use as a context manager or call ``close``."""

    def __init__(self, path: str | Path, header: Sequence[str]) -> None:
        self.handle = open(path, "w", newline="", encoding="utf-8-sig")
        self.writer = csv.writer(self.handle)
        self.writer.writerow(list(header))

    def write(self, row: Sequence[object]) -> None:
        self.writer.writerow([inert_text(v) for v in row])

    def close(self) -> None:
        self.handle.close()

    def __enter__(self) -> CsvFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def csv_records(path: str | Path) -> Iterator[list[str]]:
    """Rows of a CSV file the platform wrote itself (UTF-8, BOM or not), header first."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        yield from csv.reader(handle)


# --- The download -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Export:
    """What the audit entry of a download says."""

    object_type: str
    object_id: object
    summary: str
    data: dict | None = None


def download(*, user: UserLike, filename: str, export: Export, file: IO[bytes] | None = None,
             path: str | Path | None = None, chunks: Iterable[str] | None = None,
             content_type: str | None = None) -> Any:
    """The response of a download (an open file, a file on disk, or CSV chunks streamed) and
    its audit entry, written before anything leaves. The caller has asked the policy (its
    ``@requires`` and scoped selector); this is where every download goes out."""
    from django.http import FileResponse, StreamingHttpResponse

    from certguard.core.audit import audit_record

    audit_record(action="export", object_type=export.object_type, object_id=export.object_id,
                 summary=export.summary, data=export.data or {}, user=user)
    kind = content_type or (CSV_TYPE if filename.endswith(".csv") else None)
    if chunks is not None:
        response = StreamingHttpResponse(chunks, content_type=kind or CSV_TYPE)
        response["Content-Disposition"] = _disposition(filename)
        return response
    if file is not None:
        handle = file
    elif path is not None:
        handle = open(path, "rb")
    else:
        raise ValueError("download needs file, path or chunks")
    response = FileResponse(handle, as_attachment=True, filename=filename)
    if kind:
        response["Content-Type"] = kind
    return response


def _disposition(filename: str) -> str:
    from django.utils.http import content_disposition_header

    return content_disposition_header(True, filename)


def temporary_copy(writer: Any, *, suffix: str) -> IO[bytes]:
    """Run ``writer(path)`` on a temporary path and hand back the open file (the name is gone
    from the disk at once; the handle keeps the data until the response is sent)."""
    handle = tempfile.NamedTemporaryFile(suffix=suffix, delete=False)
    path = Path(handle.name)
    handle.close()
    try:
        writer(path)
        return open(path, "rb")
    finally:
        path.unlink(missing_ok=True)
