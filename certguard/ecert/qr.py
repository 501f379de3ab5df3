"""QR rendering of a payload or of the verification URL that carries it, with segno.

Base45 was designed for the QR alphanumeric mode (same 45 characters), so a bare payload is
encoded in that mode; the printed URL (https://host/v/#payload) is bytes, which every phone
camera opens as a link. Error correction Q (25 %) as the EU DCC recommends for printed codes.
"""

from __future__ import annotations

import io

import segno

_ALPHANUMERIC = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")


def make_qr(payload: str, *, error: str = "q") -> segno.QRCode:
    mode = "alphanumeric" if set(payload) <= _ALPHANUMERIC else "byte"
    return segno.make_qr(payload, error=error, mode=mode, boost_error=False)


def render_png(payload: str, *, scale: int = 4, border: int = 4, error: str = "q") -> bytes:
    buffer = io.BytesIO()
    make_qr(payload, error=error).save(buffer, kind="png", scale=scale, border=border)
    return buffer.getvalue()


def render_svg(payload: str, *, scale: float = 4, border: int = 4, error: str = "q",
               title: str = "电子证书二维码") -> str:
    buffer = io.BytesIO()
    make_qr(payload, error=error).save(buffer, kind="svg", scale=scale, border=border,
                                       title=title, encoding="utf-8", xmldecl=False)
    return buffer.getvalue().decode("utf-8")
