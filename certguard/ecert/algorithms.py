"""COSE signature algorithms: Ed25519, ES256, PS256 (``cryptography``) and SM2/SM3 (``tongsuopy``).

SM2 has no IANA COSE registration, so we use ALG_SM2_SM3 = -65537, the first value of the
private-use range (< -65536) of the COSE Algorithms registry. Signatures of ES256 and SM2 are the
raw r||s form COSE requires (RFC 9053 §2.1), not the DER form the libraries produce. SM2 signing
uses the GB/T 32918 default user id "1234567812345678" (tongsuo's default for SM2 keys).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

ALG_EDDSA = -8
ALG_ES256 = -7
ALG_PS256 = -37
ALG_SM2_SM3 = -65537

ALG_NAMES = {ALG_EDDSA: "Ed25519", ALG_ES256: "ES256", ALG_PS256: "PS256", ALG_SM2_SM3: "SM2"}
NAME_TO_ALG = {name.lower(): alg for alg, name in ALG_NAMES.items()} | {"eddsa": ALG_EDDSA}

_PSS = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.DIGEST_LENGTH)


def alg_from_name(name: str) -> int:
    try:
        return NAME_TO_ALG[name.strip().lower()]
    except KeyError:
        raise ValueError(f"unknown algorithm {name!r}; use one of {sorted(NAME_TO_ALG)}") from None


def _raw_to_der(signature: bytes, size: int) -> bytes:
    if len(signature) != 2 * size:
        raise InvalidSignature
    r = int.from_bytes(signature[:size], "big")
    s = int.from_bytes(signature[size:], "big")
    return encode_dss_signature(r, s)


def _der_to_raw(signature: bytes, size: int) -> bytes:
    r, s = decode_dss_signature(signature)
    return r.to_bytes(size, "big") + s.to_bytes(size, "big")


def _sm2_modules() -> tuple[Any, Any]:
    # Imported lazily: a verifier that never sees SM2 need not load the Tongsuo library.
    from tongsuopy.crypto import hashes as sm_hashes
    from tongsuopy.crypto.asymciphers import ec as sm_ec

    return sm_hashes, sm_ec


def sign(alg: int, private_key: Any, data: bytes) -> bytes:
    if alg == ALG_EDDSA:
        return private_key.sign(data)
    if alg == ALG_ES256:
        return _der_to_raw(private_key.sign(data, ec.ECDSA(hashes.SHA256())), 32)
    if alg == ALG_PS256:
        return private_key.sign(data, _PSS, hashes.SHA256())
    if alg == ALG_SM2_SM3:
        sm_hashes, sm_ec = _sm2_modules()
        return _der_to_raw(private_key.sign(data, sm_ec.ECDSA(sm_hashes.SM3())), 32)
    raise ValueError(f"unsupported COSE alg {alg}")


def verify(alg: int, public_key: Any, signature: bytes, data: bytes) -> bool:
    """True when ``signature`` is valid; never raises for a bad signature."""
    try:
        _verify_or_raise(alg, public_key, signature, data)
    except Exception:
        return False
    return True


def _verify_or_raise(alg: int, public_key: Any, signature: bytes, data: bytes) -> None:
    if alg == ALG_EDDSA:
        public_key.verify(signature, data)
    elif alg == ALG_ES256:
        public_key.verify(_raw_to_der(signature, 32), data, ec.ECDSA(hashes.SHA256()))
    elif alg == ALG_PS256:
        public_key.verify(signature, data, _PSS, hashes.SHA256())
    elif alg == ALG_SM2_SM3:
        sm_hashes, sm_ec = _sm2_modules()
        public_key.verify(_raw_to_der(signature, 32), data, sm_ec.ECDSA(sm_hashes.SM3()))
    else:
        raise InvalidSignature


Verifier = Callable[[bytes, bytes], bool]


def make_verifier(alg: int, public_key: Any) -> Verifier:
    """A ``(signature, data) -> bool`` bound to one key, built once per trusted key.

    Ed25519 goes through libsodium (PyNaCl) when installed: ~80 µs per verification here against
    ~150 µs for OpenSSL's, which is what lets the full payload path pass 5,000/s on one core.
    libsodium is also the stricter of the two (it rejects non-canonical and small-order inputs).
    """
    if alg == ALG_EDDSA and isinstance(public_key, ed25519.Ed25519PublicKey):
        fast = _sodium_verifier(public_key)
        if fast is not None:
            return fast
    return lambda signature, data: verify(alg, public_key, signature, data)


def _sodium_verifier(public_key: ed25519.Ed25519PublicKey) -> Verifier | None:
    try:
        from nacl.exceptions import BadSignatureError
        from nacl.signing import VerifyKey
    except ImportError:
        return None
    from cryptography.hazmat.primitives import serialization

    verify_key = VerifyKey(public_key.public_bytes(serialization.Encoding.Raw,
                                                   serialization.PublicFormat.Raw))

    def check(signature: bytes, data: bytes) -> bool:
        try:
            verify_key.verify(data, signature)
        except (BadSignatureError, ValueError, TypeError):
            return False
        return True

    return check


def ed25519_backend() -> str:
    try:
        import nacl.signing  # noqa: F401
    except ImportError:
        return "cryptography"
    return "libsodium"


def alg_for_key(key: Any) -> int:
    """The COSE alg a public or private key object signs with."""
    if isinstance(key, (ed25519.Ed25519PublicKey, ed25519.Ed25519PrivateKey)):
        return ALG_EDDSA
    if isinstance(key, (ec.EllipticCurvePublicKey, ec.EllipticCurvePrivateKey)):
        if key.curve.name != "secp256r1":
            raise ValueError(f"EC curve {key.curve.name} is not supported (use P-256 or SM2)")
        return ALG_ES256
    if isinstance(key, (rsa.RSAPublicKey, rsa.RSAPrivateKey)):
        return ALG_PS256
    if getattr(getattr(key, "curve", None), "name", None) == "SM2":
        return ALG_SM2_SM3
    raise ValueError(f"unsupported key type {type(key).__name__}")
