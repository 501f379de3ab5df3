"""Official tables as XLSX (XlsxWriter). Every cell is written as text through ``inert_text``:
an exported sheet never carries a live formula taken from user data."""

from __future__ import annotations

from pathlib import Path

import xlsxwriter

from certguard.core.exports import inert_text
from certguard.selfcheck.official.data import SelfCheckData
from certguard.selfcheck.official.layout import LAYOUTS, Document, Grid

TABLES = {key: layout for key, layout in LAYOUTS.items()}


def _formats(book: xlsxwriter.Workbook) -> dict:
    base = {"font_name": "宋体", "valign": "vcenter"}
    return {
        "title": book.add_format({**base, "bold": True, "font_size": 16, "align": "center"}),
        "text": book.add_format({**base, "font_size": 11}),
        "head": book.add_format({**base, "bold": True, "border": 1, "align": "center",
                                 "text_wrap": True, "bg_color": "#F2F2F2"}),
        "cell": book.add_format({**base, "border": 1, "text_wrap": True}),
    }


def _render(book: xlsxwriter.Workbook, doc: Document) -> None:
    ws = book.add_worksheet(doc.sheet)
    ws.set_paper(9)  # A4
    if doc.landscape:
        ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    for col, width in enumerate(doc.widths):
        ws.set_column(col, col, width)
    f, last, row = _formats(book), len(doc.widths) - 1, 0
    ws.merge_range(row, 0, row, last, doc.title, f["title"])
    ws.set_row(row, 30)
    row += 1
    for block in doc.blocks:
        if isinstance(block, Grid):
            ws.write_row(row, 0, block.headers, f["head"])
            ws.set_row(row, 32)
            row += 1
            for values in block.rows:
                for col, value in enumerate(values):
                    ws.write_string(row, col, inert_text(value), f["cell"])
                row += 1
        elif block is not None:
            ws.merge_range(row, 0, row, last, inert_text(block), f["text"])
            row += 1
        else:
            row += 1


def write_xlsx(data: SelfCheckData, path: str | Path, *, table: str) -> Path:
    """Write one official table (a key of TABLES) as an XLSX workbook."""
    doc = TABLES[table](data)
    path = Path(path)
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False,
                                           "strings_to_urls": False})
    book.set_properties({"title": doc.title, "author": data.employer.name})
    _render(book, doc)
    book.close()
    return path
