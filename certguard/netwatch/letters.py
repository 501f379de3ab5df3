"""The handover letter (移交函) as PDF and the evidence package as a zip with its hashes.

The PDF uses Debian's WenQuanYi font when installed (embedded), else ReportLab's built-in CID
font, like the official self-inspection tables."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table

SYSTEM_FONTS = ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
                "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")


@cache
def _font() -> str:
    for path in SYSTEM_FONTS:
        if Path(path).exists():
            pdfmetrics.registerFont(TTFont("CJK-NW", path, subfontIndex=0))
            return "CJK-NW"
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@dataclass
class Letter:
    number: str
    sender: str
    recipient_name: str
    target: str
    kind: str  # "网站" | "广告"
    facts: str
    evidence: list[tuple[str, str]]  # (file, sha256)
    date: str
    package_sha256: str


def letter_pdf(letter: Letter) -> bytes:
    font = _font()
    body = ParagraphStyle("body", fontName=font, fontSize=12, leading=20)
    title = ParagraphStyle("title", parent=body, fontSize=20, leading=30, alignment=1)
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=11)
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=25 * mm, rightMargin=25 * mm,
                            topMargin=25 * mm, bottomMargin=20 * mm,
                            title=f"移交函 {letter.number}", author=letter.sender)
    story = [Paragraph("移 交 函", title), Paragraph(_esc(letter.number), ParagraphStyle(
        "no", parent=body, alignment=1)), Spacer(1, 8 * mm),
        Paragraph(_esc(letter.recipient_name) + "：", body),
        Paragraph(_esc(f"　　我单位在网络巡查中发现下列涉嫌仿冒证书查询或售卖假证的{letter.kind}，"
                       "现将有关线索及证据材料移交你单位，请依法核查处置（关停、封堵或清理），"
                       "并将处置结果函告我单位。"), body),
        Spacer(1, 4 * mm), Paragraph(_esc(f"{letter.kind}：{letter.target}"), body),
        Paragraph(_esc("事实与理由：" + letter.facts), body), Spacer(1, 4 * mm),
        Paragraph(_esc(f"证据材料（证据包 SHA-256：{letter.package_sha256}）："), body)]
    rows = [[Paragraph("文件", small), Paragraph("SHA-256", small)]] + [
        [Paragraph(_esc(name), small), Paragraph(digest, small)] for name, digest in
        letter.evidence[:60]]
    story += [Table(rows, colWidths=[50 * mm, 110 * mm]), Spacer(1, 12 * mm),
              Paragraph(_esc(letter.sender), ParagraphStyle("sign", parent=body, alignment=2)),
              Paragraph(_esc(letter.date), ParagraphStyle("date", parent=body, alignment=2))]
    doc.build(story)
    return out.getvalue()


def evidence_zip(files: dict[str, bytes], *, about: dict) -> tuple[bytes, str]:
    """A zip of the evidence with SHA256SUMS and about.json; returns (bytes, sha256)."""
    sums = "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n"
                   for name, data in sorted(files.items()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in sorted(files.items()):
            archive.writestr(name, data)
        archive.writestr("SHA256SUMS", sums)
        archive.writestr("about.json", json.dumps(about, ensure_ascii=False, indent=1))
    data = out.getvalue()
    return data, hashlib.sha256(data).hexdigest()
