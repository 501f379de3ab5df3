"""Issuing: certificate fields → CWT → COSE_Sign1 → zlib → base45 → "CG1:" text."""

from __future__ import annotations

from datetime import UTC, datetime

import cbor2

from certguard.ecert import codec, cose
from certguard.ecert.errors import EcertError
from certguard.ecert.fields import BEIJING, CertificateFields
from certguard.ecert.keys import SigningKey


def build_claims(*, fields: CertificateFields, issuer: str, issued_at: datetime,
                 expires_at: datetime) -> bytes:
    return cbor2.dumps({
        cose.CLAIM_ISS: issuer,
        cose.CLAIM_IAT: int(issued_at.timestamp()),
        cose.CLAIM_EXP: int(expires_at.timestamp()),
        cose.CLAIM_CERT: fields.to_claim(),
    })


def expiry_for(fields: CertificateFields) -> datetime:
    """The CWT expiry: end of the certificate's last valid day (UTC+8, as printed in China)."""
    until = fields.date_of("valid_until")
    assert until is not None  # REQUIRED field, validated in from_mapping
    return datetime(until.year, until.month, until.day, 23, 59, 59, tzinfo=BEIJING)


def sign_certificate(*, fields: CertificateFields, key: SigningKey,
                     issued_at: datetime | None = None, expires_at: datetime | None = None,
                     prefix: str = codec.OUR_PREFIX) -> str:
    if codec.normalise_contexts([prefix]) != {codec.OUR_CONTEXT}:
        # Verifiers bind the context to the content: our fields travel only under CG1.
        raise EcertError("bad_prefix", f"本平台的电子证书只能以 {codec.OUR_PREFIX} 为前缀，"
                                       f"不能用 {prefix}")
    issued = issued_at or datetime.now(UTC)
    claims = build_claims(fields=fields, issuer=key.authority or fields.issuer_code,
                          issued_at=issued, expires_at=expires_at or expiry_for(fields))
    signed = cose.encode_sign1(payload=claims, alg=key.alg, kid=key.kid, signer=key.sign)
    return codec.encode_payload(signed, prefix=codec.OUR_PREFIX)
