"""Signed documents (trust lists, revocation lists): a CBOR map inside a COSE_Sign1."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import cbor2

from certguard.ecert import cose
from certguard.ecert.errors import EcertError
from certguard.ecert.keys import PublicKey, SigningKey


def sign_document(content: Mapping[str, Any], *, key: SigningKey) -> bytes:
    return cose.encode_sign1(payload=cbor2.dumps(dict(content)), alg=key.alg, kid=key.kid,
                             signer=key.sign)


def open_document(data: bytes, *, root: PublicKey, format_code: str,
                  signature_code: str) -> dict[str, Any]:
    """Verify ``data`` against ``root`` and return its content; raise EcertError otherwise."""
    try:
        sign1 = cose.decode_sign1(data)
    except EcertError as exc:
        raise EcertError(format_code, exc.detail) from None
    if sign1.kid not in root.kids:
        raise EcertError(signature_code, "签名密钥标识与根密钥不符")
    if sign1.alg != root.alg or not root.verify(sign1.signature, sign1.to_be_signed()):
        raise EcertError(signature_code, "根密钥签名验证失败")
    try:
        content = cbor2.loads(sign1.payload)
    except Exception:
        raise EcertError(format_code, "内容无法解码") from None
    if not isinstance(content, Mapping):
        raise EcertError(format_code, "内容不是映射")
    return dict(content)
