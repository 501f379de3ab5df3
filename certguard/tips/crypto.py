"""Encryption at rest of what identifies a reporter (identity, payee details, attachments):
Fernet (AES-128-CBC + HMAC-SHA256, the ``cryptography`` package) with the keys of the
TIPS_KEYS setting, newest first (MultiFernet: older keys still decrypt after a rotation). In
development, without keys, one is derived from SECRET_KEY; production refuses to start without.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

from certguard.core.errors import AppError


def _keys() -> list[bytes]:
    if settings.TIPS_KEYS:
        return [k.encode() for k in settings.TIPS_KEYS]
    derived = hashlib.sha256(b"certguard-tips:" + settings.SECRET_KEY.encode()).digest()
    return [base64.urlsafe_b64encode(derived)]


def _box() -> MultiFernet:
    try:
        return MultiFernet([Fernet(key) for key in _keys()])
    except ValueError:
        raise AppError("tips_key_invalid", "举报加密密钥 TIPS_KEYS 格式错误（应为 Fernet 密钥）",
                       status=500) from None


def seal(data: bytes) -> bytes:
    return _box().encrypt(data)


def unseal(token: bytes) -> bytes:
    try:
        return _box().decrypt(bytes(token))
    except InvalidToken:
        raise AppError("tips_undecryptable", "无法解密（加密密钥不匹配），请联系系统管理员",
                       status=500) from None


def receipt_digest(receipt: str) -> str:
    """The stored form of a receipt: keyed, so a copy of the database alone cannot test
    guesses offline."""
    key = hashlib.sha256(b"certguard-receipt:" + _keys()[-1]).digest()
    return hmac.new(key, receipt.encode(), hashlib.sha256).hexdigest()


def source_digest(address: str) -> str:
    """A client address as a rate-limit key: never stored or logged in the clear."""
    return hmac.new(_keys()[0], address.encode(), hashlib.sha256).hexdigest()[:32]
