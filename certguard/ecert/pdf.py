"""The printed electronic certificate as a PDF (ReportLab): the holder's own document, so
every number is printed in full, with the holder's photo (a marked placeholder when the
registry has none), sex, the issuing authority's seal and the QR code that opens the
platform's verification page (the full address is printed under it).

Pure: no Django. The caller passes what to print (``Sheet``); Chinese text uses Debian's
WenQuanYi font when installed (embedded), else ReportLab's built-in CID font."""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reportlab.lib.colors import Color, black, white
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from certguard.ecert.qr import make_qr

SYSTEM_FONTS = ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
                "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
SEAL_RED = Color(0.80, 0.08, 0.10)
PHOTO_W, PHOTO_H = 33 * mm, 44 * mm  # a 2-inch ID photo
QR_SIZE = 48 * mm
SEAL_RADIUS = 21 * mm


@dataclass(frozen=True)
class Sheet:
    title: str  # the certificate family, e.g. 特种作业操作证
    fields: list[tuple[str, str]]  # (label, value) in print order, never masked
    authority: str  # the issuing authority's name (seal and signature line)
    qr_text: str  # the verification URL
    verify_address: str  # printed under the QR: https://host/v/
    photo: bytes | None = None  # JPEG; None prints a placeholder
    status_note: str = ""


@cache
def _font() -> str:
    for path in SYSTEM_FONTS:
        if Path(path).exists():
            pdfmetrics.registerFont(TTFont("CJK-EC", path, subfontIndex=0))
            return "CJK-EC"
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def _photo(canvas: Canvas, font: str, x: float, y: float, photo: bytes | None) -> None:
    canvas.setStrokeColor(black)
    canvas.setLineWidth(0.6)
    if photo:
        canvas.drawImage(ImageReader(io.BytesIO(photo)), x, y, PHOTO_W, PHOTO_H,
                         preserveAspectRatio=True, anchor="c")
        canvas.rect(x, y, PHOTO_W, PHOTO_H)
        return
    canvas.setDash(3, 2)
    canvas.rect(x, y, PHOTO_W, PHOTO_H)
    canvas.setDash()
    canvas.setFont(font, 10)
    canvas.drawCentredString(x + PHOTO_W / 2, y + PHOTO_H / 2 + 2 * mm, "照片")
    canvas.setFont(font, 7)
    canvas.drawCentredString(x + PHOTO_W / 2, y + PHOTO_H / 2 - 3 * mm, "证书库未存照片")


def _qr(canvas: Canvas, x: float, y: float, text: str) -> None:
    code = make_qr(text)
    rows = list(code.matrix_iter(border=2))
    cell = QR_SIZE / len(rows)
    canvas.setFillColor(white)
    canvas.rect(x, y, QR_SIZE, QR_SIZE, stroke=0, fill=1)
    canvas.setFillColor(black)
    for r, row in enumerate(rows):
        for c, dark in enumerate(row):
            if dark:
                canvas.rect(x + c * cell, y + QR_SIZE - (r + 1) * cell, cell + 0.05, cell + 0.05,
                            stroke=0, fill=1)


def _star(canvas: Canvas, cx: float, cy: float, radius: float) -> None:
    path = canvas.beginPath()
    for i in range(10):
        r = radius if i % 2 == 0 else radius * 0.38
        angle = math.pi / 2 + i * math.pi / 5
        point = (cx + r * math.cos(angle), cy + r * math.sin(angle))
        if i == 0:
            path.moveTo(*point)
        else:
            path.lineTo(*point)
    path.close()
    canvas.drawPath(path, stroke=0, fill=1)


def _seal(canvas: Canvas, font: str, cx: float, cy: float, authority: str) -> None:
    """The authority's seal: red ring, star, the name along the upper arc."""
    canvas.saveState()
    canvas.setStrokeColor(SEAL_RED)
    canvas.setFillColor(SEAL_RED)
    canvas.setLineWidth(1.6)
    canvas.circle(cx, cy, SEAL_RADIUS, stroke=1, fill=0)
    _star(canvas, cx, cy, SEAL_RADIUS * 0.32)
    name = authority[:20]
    size = 9.5 if len(name) <= 12 else 8
    span = math.radians(min(250, 18 * len(name)))
    start = math.pi / 2 + span / 2
    step = span / max(len(name) - 1, 1)
    for i, char in enumerate(name):
        angle = start - i * step
        x = cx + (SEAL_RADIUS - 5 * mm) * math.cos(angle)
        y = cy + (SEAL_RADIUS - 5 * mm) * math.sin(angle)
        canvas.saveState()
        canvas.translate(x, y)
        canvas.rotate(math.degrees(angle) - 90)
        canvas.setFont(font, size)
        canvas.drawCentredString(0, -size / 3, char)
        canvas.restoreState()
    canvas.setFont(font, 7)
    canvas.drawCentredString(cx, cy - SEAL_RADIUS * 0.62, "电子证书专用章")
    canvas.restoreState()


def render(sheet: Sheet) -> bytes:
    font = _font()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(f"{sheet.title}（电子证书）")
    width, height = A4
    left, top = 22 * mm, height - 22 * mm
    canvas.setLineWidth(1.2)
    canvas.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    canvas.setFont(font, 12)
    canvas.drawCentredString(width / 2, top - 4 * mm, "中华人民共和国")
    canvas.setFont(font, 22)
    canvas.drawCentredString(width / 2, top - 16 * mm, sheet.title)
    canvas.setFont(font, 11)
    canvas.drawCentredString(width / 2, top - 24 * mm, "电 子 证 书")
    _photo(canvas, font, width - left - PHOTO_W, top - 34 * mm - PHOTO_H, sheet.photo)
    y = top - 40 * mm
    label_w = 26 * mm
    for label, value in sheet.fields:
        canvas.setFont(font, 10.5)
        canvas.drawString(left, y, label)
        canvas.setFont(font, 12)
        canvas.drawString(left + label_w, y, value or "—")
        y -= 9.5 * mm
    if sheet.status_note:
        canvas.setFont(font, 10)
        canvas.setFillColor(SEAL_RED)
        canvas.drawString(left, y, sheet.status_note)
        canvas.setFillColor(black)
        y -= 9 * mm
    bottom = 24 * mm
    _qr(canvas, left, bottom + 10 * mm, sheet.qr_text)
    canvas.setFont(font, 9)
    canvas.drawString(left, bottom + 4 * mm, f"扫码核验：{sheet.verify_address}")
    canvas.setFont(font, 7.5)
    canvas.drawString(left, bottom - 1 * mm,
                      "用手机相机或微信扫描二维码，在平台官方核验页查看签名与证书状态。")
    seal_x, seal_y = width - left - SEAL_RADIUS - 8 * mm, bottom + 30 * mm
    canvas.setFont(font, 11)
    canvas.drawRightString(width - left, bottom + 4 * mm, f"发证机关：{sheet.authority}")
    _seal(canvas, font, seal_x, seal_y, sheet.authority)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
