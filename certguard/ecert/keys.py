"""Keys and key ids.

kid = first 8 bytes of SHA-256 over the SubjectPublicKeyInfo DER. The EU DCC hashes the whole
X.509 signer certificate instead; a verifier given an X.509 certificate therefore accepts both
(``PublicKey.kids``), so DCC signers and our raw keys are looked up the same way.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from certguard.ecert import algorithms
from certguard.ecert.errors import EcertError

KID_SIZE = 8


def kid_for(der: bytes) -> bytes:
    return hashlib.sha256(der).digest()[:KID_SIZE]


@dataclass(frozen=True)
class PublicKey:
    key: Any
    alg: int
    spki: bytes
    kids: tuple[bytes, ...]
    not_before: datetime | None = None  # from an X.509 certificate, when there is one
    not_after: datetime | None = None

    def __post_init__(self) -> None:
        # Bound once: key conversion for the fast Ed25519 path must not happen per payload.
        object.__setattr__(self, "_verifier", algorithms.make_verifier(self.alg, self.key))

    @property
    def kid(self) -> bytes:
        return self.kids[0]

    def verify(self, signature: bytes, data: bytes) -> bool:
        return self._verifier(signature, data)  # type: ignore[attr-defined]

    def pem(self) -> bytes:
        return spki_to_pem(self.spki)


@dataclass(frozen=True)
class SigningKey:
    key: Any
    alg: int
    kid: bytes
    authority: str = ""
    public: PublicKey = field(repr=False, default=None)  # type: ignore[assignment]

    def sign(self, data: bytes) -> bytes:
        return algorithms.sign(self.alg, self.key, data)


def generate(*, alg: int, authority: str = "") -> SigningKey:
    if alg == algorithms.ALG_EDDSA:
        key: Any = ed25519.Ed25519PrivateKey.generate()
    elif alg == algorithms.ALG_ES256:
        key = ec.generate_private_key(ec.SECP256R1())
    elif alg == algorithms.ALG_PS256:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    elif alg == algorithms.ALG_SM2_SM3:
        from tongsuopy.crypto.asymciphers import ec as sm_ec

        key = sm_ec.generate_private_key(sm_ec.SM2())
    else:
        raise EcertError("bad_key", f"unsupported alg {alg}")
    return signing_key(key, authority=authority)


def signing_key(key: Any, *, authority: str = "") -> SigningKey:
    public = public_key_from_object(key.public_key())
    return SigningKey(key=key, alg=public.alg, kid=public.kid, authority=authority, public=public)


def _spki_of(public: Any) -> bytes:
    if _is_sm2(public):
        from tongsuopy.crypto import serialization as sm_ser

        return public.public_bytes(sm_ser.Encoding.DER, sm_ser.PublicFormat.SubjectPublicKeyInfo)
    return public.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _is_sm2(key: Any) -> bool:
    return getattr(getattr(key, "curve", None), "name", None) == "SM2"


def public_key_from_object(public: Any, *, cert_der: bytes | None = None,
                           cert: x509.Certificate | None = None) -> PublicKey:
    try:
        alg = algorithms.alg_for_key(public)
    except ValueError as exc:
        raise EcertError("bad_key", str(exc)) from None
    spki = _spki_of(public)
    kids = (kid_for(spki),) if cert_der is None else (kid_for(cert_der), kid_for(spki))
    return PublicKey(
        key=public, alg=alg, spki=spki, kids=kids,
        not_before=cert.not_valid_before_utc if cert else None,
        not_after=cert.not_valid_after_utc if cert else None,
    )


def load_public_key(data: bytes | str) -> PublicKey:
    """A public key from PEM/DER: an X.509 certificate or a SubjectPublicKeyInfo (SM2 included)."""
    raw = data.encode("ascii") if isinstance(data, str) else data
    is_pem = raw.lstrip().startswith(b"-----BEGIN")
    if b"CERTIFICATE" in raw[:64] or not is_pem:
        cert = _try_certificate(raw, is_pem)
        if cert is not None:
            return public_key_from_object(
                cert.public_key(), cert_der=cert.public_bytes(serialization.Encoding.DER),
                cert=cert)
    spki_der = _pem_body(raw) if is_pem else raw
    return public_key_from_spki(spki_der)


def public_key_from_spki(spki_der: bytes) -> PublicKey:
    try:
        key: Any = serialization.load_der_public_key(spki_der)
    except Exception:
        key = _load_sm2_public(spki_der)
    return public_key_from_object(key)


def _load_sm2_public(spki_der: bytes) -> Any:
    try:
        from tongsuopy.crypto import serialization as sm_ser

        return sm_ser.load_der_public_key(spki_der)
    except Exception as exc:
        raise EcertError("bad_key", f"无法解析公钥: {exc}") from None


def _try_certificate(raw: bytes, is_pem: bool) -> x509.Certificate | None:
    try:
        if is_pem:
            return x509.load_pem_x509_certificate(raw)
        return x509.load_der_x509_certificate(raw)
    except Exception:
        return None


def _pem_body(raw: bytes) -> bytes:
    import base64

    lines = [ln for ln in raw.strip().splitlines() if not ln.startswith(b"-----")]
    try:
        return base64.b64decode(b"".join(lines), validate=True)
    except ValueError:
        raise EcertError("bad_key", "PEM 内容无法解析") from None


def spki_to_pem(spki: bytes) -> bytes:
    import base64
    import textwrap

    body = "\n".join(textwrap.wrap(base64.b64encode(spki).decode("ascii"), 64))
    return f"-----BEGIN PUBLIC KEY-----\n{body}\n-----END PUBLIC KEY-----\n".encode("ascii")


def private_key_pem(key: SigningKey) -> bytes:
    if key.alg == algorithms.ALG_SM2_SM3:
        from tongsuopy.crypto import serialization as sm_ser

        return key.key.private_bytes(sm_ser.Encoding.PEM, sm_ser.PrivateFormat.PKCS8,
                                     sm_ser.NoEncryption())
    return key.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                 serialization.NoEncryption())


def load_private_key(pem: bytes, *, authority: str = "") -> SigningKey:
    try:
        key: Any = serialization.load_pem_private_key(pem, password=None)
    except Exception:
        try:
            from tongsuopy.crypto import serialization as sm_ser

            key = sm_ser.load_pem_private_key(pem, password=None)
        except Exception as exc:
            raise EcertError("bad_key", f"无法解析私钥: {exc}") from None
    return signing_key(key, authority=authority)
