"""Private signing keys encrypted at rest (Fernet: AES-128-CBC + HMAC-SHA256).

The Fernet key is derived with HKDF from ``settings.ECERT_KEY_SECRET`` when set, else from
``SECRET_KEY``: a database dump alone never yields a usable signing key. Rotating the secret
makes stored keys unreadable, so production should set ECERT_KEY_SECRET and keep it.
"""

from __future__ import annotations

import base64
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from certguard.core.errors import AppError


@lru_cache(maxsize=4)
def _fernet(secret: str) -> Fernet:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"certguard-ecert",
                   info=b"signing-key-encryption").derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def _secret() -> str:
    return getattr(settings, "ECERT_KEY_SECRET", "") or settings.SECRET_KEY


def encrypt_private_pem(pem: bytes) -> str:
    return _fernet(_secret()).encrypt(pem).decode("ascii")


def decrypt_private_pem(token: str) -> bytes:
    try:
        return _fernet(_secret()).decrypt(token.encode("ascii"))
    except InvalidToken:
        raise AppError("ecert_key_unreadable", "签名私钥无法解密：平台密钥已更换或数据被篡改，"
                       "请联系管理员", status=500) from None
