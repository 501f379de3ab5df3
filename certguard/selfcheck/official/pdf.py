"""Official tables as PDF ready to stamp (ReportLab). Chinese text uses a CJK font from
Debian's fonts-wqy-microhei when installed (embedded), else ReportLab's built-in CID font."""

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
from certguard.selfcheck.official.layout import LAYOUTS, Document, Grid

SYSTEM_FONTS = ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
                "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")


@cache
def _font() -> str:
    for path in SYSTEM_FONTS:
        if Path(path).exists():
            pdfmetrics.registerFont(TTFont("CJK", path, subfontIndex=0))
            return "CJK"
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _grid(block: Grid, widths: list[float], font: str) -> Table:
    cell = ParagraphStyle("cell", fontName=font, fontSize=8, leading=10)
    head = ParagraphStyle("head", parent=cell, alignment=1)
    rows = [[Paragraph(_escape(h), head) for h in block.headers]]
    rows += [[Paragraph(_escape(v), cell) for v in r] for r in block.rows]
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#F2F2F2")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    return table


def _story(doc: Document, width: float) -> list:
    font = _font()
    title = ParagraphStyle("title", fontName=font, fontSize=16, leading=22, alignment=1,
                           spaceAfter=8)
    text = ParagraphStyle("text", fontName=font, fontSize=10, leading=15)
    story: list = [Paragraph(_escape(doc.title), title)]
    for block in doc.blocks:
        if isinstance(block, Grid):
            relative = block.widths or doc.widths
            story.append(_grid(block, [width * w / sum(relative) for w in relative], font))
        elif block is None:
            story.append(Spacer(1, 4 * mm))
        else:
            story.append(Paragraph(_escape(block), text))
    return story


def write_pdf(data: SelfCheckData, path: str | Path, *, table: str) -> Path:
    """Write one official table (a key of LAYOUTS) as an A4 PDF."""
    doc = LAYOUTS[table](data)
    page = landscape(A4) if doc.landscape else A4
    path = Path(path)
    pdf = SimpleDocTemplate(str(path), pagesize=page, title=doc.title, author=data.employer.name,
                            leftMargin=12 * mm, rightMargin=12 * mm, topMargin=14 * mm,
                            bottomMargin=14 * mm)
    pdf.build(_story(doc, page[0] - 24 * mm))
    return path
