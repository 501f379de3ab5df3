"""Attachments of a report: images and PDF only, judged by their content (never the file
name: an executable renamed .jpg is refused), within the size limit, and stripped of
metadata before they are stored (EXIF with GPS position and camera serial, PDF author and
XMP) — by re-encoding the pixels (Pillow) or rewriting the pages (pypdf)."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.conf import settings

from certguard.core.errors import AppError

IMAGE_FORMATS = {"JPEG": "jpeg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}
MAX_PIXELS = 40_000_000


@dataclass
class Clean:
    kind: str
    data: bytes


def _refuse(name: str, why: str) -> AppError:
    return AppError("attachment_refused", f"附件“{name[:60]}”{why}，未接收；其余内容已保留，"
                    "请删除或更换该附件后再提交", fields={"attachments": [why]})


def clean_attachment(name: str, data: bytes) -> Clean:
    limit = settings.TIPS_ATTACHMENT_MAX_BYTES
    if len(data) > limit:
        raise _refuse(name, f"超过 {limit // (1024 * 1024)} MB")
    if not data:
        raise _refuse(name, "是空文件")
    if data.startswith(b"%PDF-"):
        return Clean("pdf", _clean_pdf(name, data))
    return _clean_image(name, data)


def _clean_image(name: str, data: bytes) -> Clean:
    from PIL import Image, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            kind = IMAGE_FORMATS.get(image.format or "")
            if kind is None:
                raise _refuse(name, "不是允许的图片格式（JPEG、PNG、GIF、WebP）")
            image.load()
            pixels = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            Image.DecompressionBombError):
        raise _refuse(name, "不是图片或 PDF 文件（按文件内容判断，扩展名不可信）") from None
    # A fresh image of the same pixels carries no EXIF, XMP, ICC comments or text chunks.
    out = io.BytesIO()
    fresh = Image.new(pixels.mode, pixels.size)
    fresh.paste(pixels)
    if kind == "jpeg":
        fresh.convert("RGB").save(out, "JPEG", quality=92)
    else:
        fresh.save(out, "PNG" if kind != "webp" else "WEBP")
        kind = "png" if kind == "gif" else kind
    return Clean(kind, out.getvalue())


def _clean_pdf(name: str, data: bytes) -> bytes:
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise _refuse(name, "是加密的 PDF，无法检查")
        writer = PdfWriter()
        for page in reader.pages:
            writer.add_page(page)
        writer._info = None  # no document information dictionary (author, creator, dates)
        if "/Metadata" in writer._root_object:
            del writer._root_object["/Metadata"]
        out = io.BytesIO()
        writer.write(out)
    except AppError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError):
        raise _refuse(name, "不是完好的 PDF 文件") from None
    return out.getvalue()
