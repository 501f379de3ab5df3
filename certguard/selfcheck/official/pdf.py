"""Official tables as PDF ready to stamp (ReportLab). Chinese text uses a CJK font from
Debian's fonts-wqy-microhei when installed (embedded), else ReportLab's built-in CID font.

Signature fields are ruled spaces of fixed width (a run of spaces in a paragraph collapses),
with room under the last line for the seal; a long register is set compact (smaller type,
single-line cells where the text fits) with the header repeated on every page.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from certguard.selfcheck.official.data import SelfCheckData
from certguard.selfcheck.official.layout import LAYOUTS, Document, Grid, Sign

SYSTEM_FONTS = ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
                "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
SIGN_WIDTH = 45 * mm  # the ruled space for a signature or a date written by hand
SIGN_HEIGHT = 11 * mm
SEAL_HEIGHT = 28 * mm


@cache
def _font() -> str:
    for path in SYSTEM_FONTS:
        if Path(path).exists():
            pdfmetrics.registerFont(TTFont("CJK", path, subfontIndex=0))
            return "CJK"
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def _escape(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\n", "<br/>"))


class _Styles:
    def __init__(self, font: str) -> None:
        self.font = font
        self.title = ParagraphStyle("title", fontName=font, fontSize=16, leading=22,
                                    alignment=1, spaceAfter=6)
        self.text = ParagraphStyle("text", fontName=font, fontSize=10, leading=15)
        self.cell = ParagraphStyle("cell", fontName=font, fontSize=8.5, leading=11)
        self.small = ParagraphStyle("small", fontName=font, fontSize=7, leading=8.5)

    def grid_cell(self, text: str, width: float, style: ParagraphStyle) -> object:
        """A paragraph (wraps) when the text is wider than its column, else the plain text:
        a single line costs less room and time."""
        padding = 4 if style is self.small else 6
        if "\n" not in text and pdfmetrics.stringWidth(text, self.font,
                                                       style.fontSize) <= width - padding:
            return text
        return Paragraph(_escape(text), style)


def _grid(block: Grid, widths: list[float], s: _Styles) -> Table:
    style = s.small if block.compact else s.cell
    head = ParagraphStyle("head", parent=style, alignment=1)
    rows = [[Paragraph(_escape(h), head) for h in block.headers]]
    rows += [[s.grid_cell(v, w, style) for v, w in zip(r, widths, strict=False)]
             for r in block.rows]
    pad = 1.2 if block.compact else 3
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#F2F2F2")),
        ("FONT", (0, 0), (-1, -1), s.font, style.fontSize, style.leading),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), pad), ("BOTTOMPADDING", (0, 0), (-1, -1), pad),
        ("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 2)]))
    return table


def _sign(block: Sign, width: float, s: _Styles) -> list:
    """Labels with ruled spaces of fixed width: ``label：________``; a filled value sits on
    its rule."""
    cells, widths, ruled = [], [], []
    for label, value in block.fields:
        cells += [f"{label}：", value]
        widths += [pdfmetrics.stringWidth(f"{label}：", s.font, 10) + 4,
                   max(SIGN_WIDTH, pdfmetrics.stringWidth(value, s.font, 10) + 8)]
        ruled.append(len(cells) - 1)
    gap = width - sum(widths)
    if gap > 0:
        cells.append("")
        widths.append(gap)
    table = Table([cells], colWidths=widths, rowHeights=[SIGN_HEIGHT], hAlign="LEFT")
    style: list[tuple] = [("FONT", (0, 0), (-1, -1), s.font, 10),
                          ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                          ("LEFTPADDING", (0, 0), (-1, -1), 1),
                          ("RIGHTPADDING", (0, 0), (-1, -1), 1)]
    style += [("LINEBELOW", (i, 0), (i, 0), 0.6, colors.black) for i in ruled]
    table.setStyle(TableStyle(style))
    story: list = [table]
    if block.seal:
        seal = Table([["", "（单位公章）"]], colWidths=[width - 40 * mm, 40 * mm],
                     rowHeights=[SEAL_HEIGHT])
        seal.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), s.font, 10),
                                  ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
        story.append(seal)
    return story


def _story(doc: Document, width: float) -> list:
    s = _Styles(_font())
    story: list = [Paragraph(_escape(doc.title), s.title)]
    for block in doc.blocks:
        if isinstance(block, Grid):
            relative = block.widths or _spanned(doc.widths, block.spans)
            story.append(_grid(block, [width * w / sum(relative) for w in relative], s))
            story.append(Spacer(1, 2 * mm))
        elif isinstance(block, Sign):
            story += _sign(block, width, s)
        elif block is None:
            story.append(Spacer(1, 3 * mm))
        else:
            story.append(Paragraph(_escape(block), s.text))
    return story


def _spanned(widths: list[int], spans: list[int] | None) -> list[int]:
    if not spans:
        return widths
    starts = [sum(spans[:i]) for i in range(len(spans))]
    return [sum(widths[a:a + n]) for a, n in zip(starts, spans, strict=True)]


def write_pdf(data: SelfCheckData, path: str | Path, *, table: str) -> Path:
    """Write one official table (a key of LAYOUTS) as an A4 PDF."""
    doc = LAYOUTS[table](data)
    page = landscape(A4) if doc.landscape else A4
    path = Path(path)
    pdf = SimpleDocTemplate(str(path), pagesize=page, title=doc.title, author=data.employer.name,
                            leftMargin=10 * mm, rightMargin=10 * mm, topMargin=10 * mm,
                            bottomMargin=10 * mm)
    pdf.build(_story(doc, page[0] - 20 * mm), onFirstPage=_page_number,
              onLaterPages=_page_number)
    return path


def _page_number(canvas, doc) -> None:
    canvas.saveState()
    canvas.setFont(_font(), 8)
    canvas.drawCentredString(doc.pagesize[0] / 2, 5 * mm, f"第 {doc.page} 页")
    canvas.restoreState()
