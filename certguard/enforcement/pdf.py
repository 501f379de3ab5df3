"""The official documents as PDF (A4, Chinese): what the platform checked is filled in; what
a person must write (signatures, seal, date of delivery) is left as ruled blanks."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

SYSTEM_FONTS = ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
                "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
BLANK = "＿＿＿＿＿＿＿＿＿＿"


@cache
def _font() -> str:
    for path in SYSTEM_FONTS:
        if Path(path).exists():
            pdfmetrics.registerFont(TTFont("CJK-EN", path, subfontIndex=0))
            return "CJK-EN"
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def _esc(value: object) -> str:
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") \
        .replace("\n", "<br/>")


def render(*, title: str, number: str, authority: str, sections: list[tuple[str, str]],
           table: list[list[str]] | None = None, signatures: list[str] | None = None,
           closing: str = "") -> bytes:
    """One document: title, number, labelled sections, an optional table, signature lines."""
    font = _font()
    body = ParagraphStyle("body", fontName=font, fontSize=11.5, leading=19)
    head = ParagraphStyle("head", parent=body, fontSize=20, leading=30, alignment=1)
    centre = ParagraphStyle("centre", parent=body, alignment=1)
    small = ParagraphStyle("small", parent=body, fontSize=9, leading=13)
    right = ParagraphStyle("right", parent=body, alignment=2)
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=25 * mm, rightMargin=22 * mm,
                            topMargin=22 * mm, bottomMargin=20 * mm, title=f"{title} {number}",
                            author=authority)
    story: list = [Paragraph(_esc(authority), centre), Paragraph(_esc(title), head),
                   Paragraph(_esc(number), centre), Spacer(1, 6 * mm)]
    for label, value in sections:
        story.append(Paragraph(f"<b>{_esc(label)}</b>：{_esc(value) if value else BLANK}", body))
        story.append(Spacer(1, 2 * mm))
    if table:
        width = (A4[0] - 47 * mm) / len(table[0])
        cells = [[Paragraph(_esc(c), small) for c in row] for row in table]
        grid = Table(cells, colWidths=[width] * len(table[0]), repeatRows=1)
        grid.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "#444444"),
                                  ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        story += [Spacer(1, 2 * mm), grid, Spacer(1, 4 * mm)]
    if closing:
        story += [Paragraph(_esc(closing), body), Spacer(1, 4 * mm)]
    for line in signatures or []:
        story += [Spacer(1, 5 * mm), Paragraph(f"{_esc(line)}：{BLANK}　　日期：{BLANK}", body)]
    story += [Spacer(1, 10 * mm), Paragraph(_esc(authority) + "（印章）", right),
              Paragraph("年　　月　　日", right)]
    doc.build(story)
    return out.getvalue()
