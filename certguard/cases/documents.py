"""Documents of the cases app: the 移送书 with its attachment list (PDF), and the typical-case
bulletins (PDF and DOCX). They state what the platform recorded; signatures and seals are left
for people to add. The DOCX is plain WordprocessingML written with the standard library."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table

SYSTEM_FONTS = ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
                "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")


def _font() -> str:
    from pathlib import Path

    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont

    if "CJK-CASES" in pdfmetrics.getRegisteredFontNames():
        return "CJK-CASES"
    for path in SYSTEM_FONTS:
        if Path(path).exists():
            pdfmetrics.registerFont(TTFont("CJK-CASES", path, subfontIndex=0))
            return "CJK-CASES"
    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def _esc(value: str) -> str:
    return escape(value or "")


@dataclass
class Section:
    heading: str
    paragraphs: list[str]


def pdf(*, title: str, number: str, sections: list[Section], sender: str, date: str,
        table: list[list[str]] | None = None) -> bytes:
    font = _font()
    body = ParagraphStyle("body", fontName=font, fontSize=12, leading=20)
    head = ParagraphStyle("head", parent=body, fontSize=13, leading=22, spaceBefore=6)
    big = ParagraphStyle("title", parent=body, fontSize=20, leading=30, alignment=1)
    centre = ParagraphStyle("no", parent=body, alignment=1)
    right = ParagraphStyle("right", parent=body, alignment=2)
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=25 * mm, rightMargin=25 * mm,
                            topMargin=25 * mm, bottomMargin=20 * mm, title=title, author=sender)
    story: list = [Paragraph(_esc(title), big)]
    if number:
        story.append(Paragraph(_esc(number), centre))
    story.append(Spacer(1, 6 * mm))
    for section in sections:
        if section.heading:
            story.append(Paragraph(_esc(section.heading), head))
        story += [Paragraph(_esc(p), body) for p in section.paragraphs]
    if table:
        small = ParagraphStyle("small", parent=body, fontSize=10, leading=14)
        story += [Spacer(1, 4 * mm), Table([[Paragraph(_esc(c), small) for c in row]
                                            for row in table],
                                           colWidths=[15 * mm, 110 * mm, 35 * mm])]
    story += [Spacer(1, 12 * mm), Paragraph(_esc(sender) + "（盖章）", right),
              Paragraph(_esc(date), right)]
    doc.build(story)
    return out.getvalue()


_CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                  '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                  '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package'
                  '.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
                  '<Override PartName="/word/document.xml" ContentType="application/vnd.'
                  'openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
         'relationships/officeDocument" Target="word/document.xml"/></Relationships>')
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _para(textvalue: str, *, size: int = 24, bold: bool = False, centre: bool = False) -> str:
    props = ('<w:pPr><w:jc w:val="center"/></w:pPr>' if centre else "")
    run = (f'<w:rPr><w:rFonts w:eastAsia="宋体"/>{"<w:b/>" if bold else ""}'
           f'<w:sz w:val="{size}"/></w:rPr>')
    return f'<w:p>{props}<w:r>{run}<w:t xml:space="preserve">{_esc(textvalue)}</w:t></w:r></w:p>'


def docx(*, title: str, number: str, sections: list[Section], sender: str, date: str) -> bytes:
    """A draft for people to edit: title, number, sections, sender and date."""
    parts = [_para(title, size=36, bold=True, centre=True)]
    if number:
        parts.append(_para(number, centre=True))
    for section in sections:
        if section.heading:
            parts.append(_para(section.heading, size=26, bold=True))
        parts += [_para(p) for p in section.paragraphs]
    parts += [_para(""), _para(sender + "（盖章）"), _para(date)]
    document = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                f'<w:document xmlns:w="{_W}"><w:body>{"".join(parts)}'
                '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1440" '
                'w:right="1440" w:bottom="1440" w:left="1440"/></w:sectPr></w:body></w:document>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("word/document.xml", document)
    return out.getvalue()


def docx_text(data: bytes) -> str:
    """The text of a DOCX written here (for tests and the masking check)."""
    import re

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    return "\n".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", xml))
