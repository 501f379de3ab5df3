"""Official tables as XLSX (XlsxWriter, through core.exports): every cell text from user data
made inert, every row that wraps given its height (office software does not grow rows whose
height is unknown), A4 print set-up with the table header repeated on each page, and ruled
spaces to sign and seal."""

from __future__ import annotations

from pathlib import Path

from certguard.core import exports
from certguard.core.exports import inert_text, row_height
from certguard.selfcheck.official.data import SelfCheckData
from certguard.selfcheck.official.layout import LAYOUTS, Document, Grid, Sign

TABLES = dict(LAYOUTS)
SIGN_POINTS = 30.0  # a signature needs room: about 10 mm
SEAL_POINTS = 70.0  # and a seal about 25 mm


def _formats(book) -> dict:
    base = {"font_name": "宋体", "valign": "vcenter", "font_size": 11}
    small = {**base, "font_size": 9}
    return {
        "title": book.add_format({**base, "bold": True, "font_size": 16, "align": "center"}),
        "text": book.add_format({**base, "text_wrap": True}),
        "head": book.add_format({**base, "bold": True, "border": 1, "align": "center",
                                 "text_wrap": True, "bg_color": "#F2F2F2"}),
        "cell": book.add_format({**base, "border": 1, "text_wrap": True}),
        "head_small": book.add_format({**small, "bold": True, "border": 1, "align": "center",
                                       "text_wrap": True, "bg_color": "#F2F2F2"}),
        "cell_small": book.add_format({**small, "border": 1, "text_wrap": True}),
        "label": book.add_format({**base, "align": "right", "valign": "bottom"}),
        "blank": book.add_format({**base, "bottom": 1, "valign": "bottom"}),
    }


class _Sheet:
    def __init__(self, book, doc: Document) -> None:
        self.ws = book.add_worksheet(doc.sheet)
        self.doc, self.f, self.row = doc, _formats(book), 0
        self.widths = doc.widths
        self.last = len(doc.widths) - 1

    def title(self) -> None:
        self.ws.merge_range(0, 0, 0, self.last, self.doc.title, self.f["title"])
        self.ws.set_row(0, 30)
        self.row = 1

    def text(self, block: str) -> None:
        text = inert_text(block)
        self.ws.merge_range(self.row, 0, self.row, self.last, text, self.f["text"])
        self.ws.set_row(self.row, row_height([text], [sum(self.widths)]))
        self.row += 1

    def grid(self, block: Grid) -> tuple[int, int] | None:
        """The table; a long list (compact) returns its header row, repeated on every page."""
        small = "_small" if block.compact else ""
        line = 12.0 if block.compact else exports.LINE_POINTS
        scale = 11 / 9 if block.compact else 1
        spans = block.spans or [1] * len(block.headers)
        starts = [sum(spans[:i]) for i in range(len(spans))]
        widths = [sum(self.widths[a:a + n]) * scale for a, n in zip(starts, spans, strict=True)]
        header = self.row
        self._cells(block.headers, starts, spans, self.f["head" + small])
        self.ws.set_row(header, row_height(block.headers, widths, line=line))
        self.row += 1
        for values in block.rows:
            texts = [inert_text(v) for v in values]
            self._cells(texts, starts, spans, self.f["cell" + small])
            height = row_height(texts, widths, line=line, minimum=0)
            if height > line + 4:  # one line fits the default height (and LibreOffice's own)
                self.ws.set_row(self.row, height)
            self.row += 1
        return (header, header) if block.compact else None

    def _cells(self, texts: list[str], starts: list[int], spans: list[int], fmt) -> None:
        for text, col, span in zip(texts, starts, spans, strict=True):
            if span > 1:
                self.ws.merge_range(self.row, col, self.row, col + span - 1, text, fmt)
            else:
                self.ws.write_string(self.row, col, text, fmt)

    def sign(self, block: Sign) -> None:
        """Each field on its own row: the label, then a ruled space (or the value) wide
        enough to sign on; room for the seal under the last one when asked."""
        for label, value in block.fields:
            split = self._label_columns(label)
            self.ws.merge_range(self.row, 0, self.row, split, f"{label}：", self.f["label"])
            self.ws.merge_range(self.row, split + 1, self.row, self.last, inert_text(value),
                                self.f["blank"])
            self.ws.set_row(self.row, SIGN_POINTS)
            self.row += 1
        if block.seal:
            self.ws.merge_range(self.row, 0, self.row, self.last, "（单位公章）",
                                self.f["label"])
            self.ws.set_row(self.row, SEAL_POINTS)
            self.row += 1

    def _label_columns(self, label: str) -> int:
        """The last column of the label's cells: the label fits, and at least a third of the
        width is left to sign on."""
        need, total, width = exports.text_width(label) + 3, sum(self.widths), 0.0
        for col, w in enumerate(self.widths[:-1]):
            width += w
            if width >= need or total - width < total / 3:
                return col
        return self.last - 1


def _render(book, doc: Document) -> None:
    sheet = _Sheet(book, doc)
    sheet.title()
    header: tuple[int, int] | None = None
    for block in doc.blocks:
        if isinstance(block, Grid):
            header = sheet.grid(block) or header
        elif isinstance(block, Sign):
            sheet.sign(block)
        elif block is not None:
            sheet.text(block)
        else:
            sheet.row += 1
    exports.print_setup(sheet.ws, widths=doc.widths, header_rows=header,
                        landscape=doc.landscape, freeze=False)


def write_xlsx(data: SelfCheckData, path: str | Path, *, table: str) -> Path:
    """Write one official table (a key of TABLES) as an XLSX workbook."""
    doc = TABLES[table](data)
    path = Path(path)
    book = exports.workbook(path, title=doc.title, author=data.employer.name)
    _render(book, doc)
    book.close()
    return path
