"""Offline verifier: prefix → base45 → zlib → COSE → signature → expiry → revocation → registry.

Every step records its outcome, so a failure says exactly which layer broke. Nothing here touches
the network or Django; ``registry_lookup`` is how an online caller adds the registry check.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Mapping
from datetime import UTC, date, datetime, time
from typing import Any

from certguard.ecert import codec, cose
from certguard.ecert.algorithms import ALG_NAMES
from certguard.ecert.errors import EcertError
from certguard.ecert.fields import BEIJING, FIELD_KEYS, CertificateFields, from_claim
from certguard.ecert.keys import PublicKey, load_public_key
from certguard.ecert.result import VerificationResult
from certguard.ecert.revocation import RevocationList
from certguard.ecert.trustlist import TrustList, from_public_key

logger = logging.getLogger(__name__)
Trust = TrustList | PublicKey | bytes | str
RegistryLookup = Callable[[CertificateFields], Mapping[str, Any] | None]
REVOKED_STATUSES = frozenset({"revoked", "cancelled", "suspended", "吊销", "注销", "撤销",
                              "暂扣"})


def as_trust_list(trust: Trust) -> TrustList:
    """A TrustList from a TrustList, a PublicKey or PEM/DER bytes of a key or certificate."""
    if isinstance(trust, TrustList):
        return trust
    if isinstance(trust, PublicKey):
        return from_public_key(trust)
    return from_public_key(load_public_key(trust))


def as_moment(at: datetime | date | None) -> datetime:
    if at is None:
        return datetime.now(UTC)
    if not isinstance(at, datetime):
        at = datetime.combine(at, time(12, 0))
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def verify_payload(text: str, *, trust: Trust, revocations: RevocationList | None = None,
                   at: datetime | date | None = None,
                   registry_lookup: RegistryLookup | None = None,
                   prefixes: Collection[str] | None = None) -> VerificationResult:
    """Verify a scanned payload: ``CG1:`` or the DCC's ``HC1:``; ``prefixes`` narrows that."""
    result = VerificationResult()
    trust_list = as_trust_list(trust)
    unwrapped = _unwrap(codec.clean_scanned(text), result, prefixes)
    if unwrapped is None:
        return result
    context, cose_bytes = unwrapped
    return _verify_cose(cose_bytes, result, trust_list, revocations, as_moment(at),
                        registry_lookup, context=context)


def verify_cose(data: bytes, *, trust: Trust, revocations: RevocationList | None = None,
                at: datetime | date | None = None,
                registry_lookup: RegistryLookup | None = None) -> VerificationResult:
    """Verify a bare COSE_Sign1 (the transport layers are marked skipped)."""
    result = VerificationResult()
    for step in ("prefix", "base45", "zlib"):
        result.skipped(step)
    return _verify_cose(data, result, as_trust_list(trust), revocations, as_moment(at),
                        registry_lookup)


def _unwrap(text: str, result: VerificationResult,
            prefixes: Collection[str] | None) -> tuple[str, bytes] | None:
    step = "prefix"
    try:
        context, body = codec.split_prefix(text, accept=prefixes)
        result.passed(step)
        step = "base45"
        compressed = codec.b45decode(body)
        result.passed(step)
        step = "zlib"
        inflated = codec.inflate(compressed)
        result.passed(step)
        return context, inflated
    except EcertError as exc:
        result.fail(step, exc.code, exc.detail)
        return None


def _verify_cose(data: bytes, result: VerificationResult, trust: TrustList,
                 revocations: RevocationList | None, moment: datetime,
                 registry_lookup: RegistryLookup | None, *,
                 context: str | None = None) -> VerificationResult:
    try:
        sign1 = cose.decode_sign1(data)
        claims = cose.decode_claims(sign1.payload)
        fields = from_claim(claims[cose.CLAIM_CERT]) if cose.CLAIM_CERT in claims else None
    except EcertError as exc:
        return result.fail("cose", exc.code, exc.detail)
    result.passed("cose")
    _describe(result, sign1, claims, fields)
    mismatch = context_mismatch(context, has_fields=cose.CLAIM_CERT in claims)
    if mismatch is not None:
        return result.fail("prefix", "bad_prefix", mismatch)
    if not _check_signature(result, sign1, trust, claims, moment):
        return result
    if not _check_expiry(result, claims, fields, moment):
        return result
    if not _check_revocation(result, fields, revocations):
        return result
    if not _check_registry(result, fields, registry_lookup):
        return result
    return result.succeed()


def context_mismatch(context: str | None, *, has_fields: bool) -> str | None:
    """The prefix is not signed, so it must agree with what the signed content is: a CG1
    payload carries our certificate fields, a DCC (HC1) payload does not."""
    if context == codec.OUR_CONTEXT and not has_fields:
        return "前缀 CG1: 与内容不符：载荷不含本平台的证书字段"
    if context == codec.DCC_CONTEXT and has_fields:
        return "前缀 HC1: 与内容不符：这是本平台的电子证书，应以 CG1: 开头"
    return None


def _describe(result: VerificationResult, sign1: cose.Sign1, claims: Mapping[Any, Any],
              fields: CertificateFields | None) -> None:
    kid = sign1.kid
    result.kid = kid.hex() if isinstance(kid, bytes) else None
    result.alg = ALG_NAMES.get(sign1.alg, str(sign1.alg))  # type: ignore[arg-type]
    result.issued_at = _int_or_none(claims.get(cose.CLAIM_IAT))
    result.expires_at = _int_or_none(claims.get(cose.CLAIM_EXP))
    result.certificate = fields.to_dict() if fields else None


def _int_or_none(value: Any) -> int | None:
    return int(value) if isinstance(value, (int, float)) else None


def _check_signature(result: VerificationResult, sign1: cose.Sign1, trust: TrustList,
                     claims: Mapping[Any, Any], moment: datetime) -> bool:
    candidates = trust.candidates(sign1.kid)
    if not candidates:
        result.fail("signature", "unknown_key", f"密钥标识 {result.kid} 不在信任列表中")
        return False
    signed_at = _signed_at(claims, moment)
    in_window = [e for e in candidates if e.valid_at(signed_at)]
    if not in_window:
        result.fail("signature", "unknown_key", f"密钥 {result.kid} 在签发时间不在有效期内")
        return False
    tbs = sign1.to_be_signed()
    entry = next((e for e in in_window if e.public.alg == sign1.alg
                  and e.public.verify(sign1.signature, tbs)), None)
    if entry is None:
        result.fail("signature", "bad_signature")
        return False
    result.authority = entry.authority or None
    result.passed("signature")
    return True


def _signed_at(claims: Mapping[Any, Any], moment: datetime) -> datetime:
    iat = claims.get(cose.CLAIM_IAT)
    return datetime.fromtimestamp(iat, UTC) if isinstance(iat, (int, float)) else moment


def check_expiry(*, claims: Mapping[Any, Any], fields: CertificateFields | None,
                 at: datetime) -> tuple[str, str] | None:
    """None when ``at`` lies inside every validity bound, else (reason, detail)."""
    stamp = at.timestamp()
    iat, exp = claims.get(cose.CLAIM_IAT), claims.get(cose.CLAIM_EXP)
    if isinstance(iat, (int, float)) and stamp < iat:
        return "not_yet_valid", "验证时间早于签发时间"
    if isinstance(exp, (int, float)) and stamp > exp:
        return "expired", "超过电子证书有效期"
    if fields is not None:
        # Printed validity dates are Beijing dates; ISO dates compare correctly as text.
        today = at.astimezone(BEIJING).date().isoformat()
        if fields.valid_from and today < fields.valid_from:
            return "not_yet_valid", f"证书有效期自 {fields.valid_from} 起"
        if fields.valid_until and today > fields.valid_until:
            return "expired", f"证书有效期至 {fields.valid_until}"
    return None


def _check_expiry(result: VerificationResult, claims: Mapping[Any, Any],
                  fields: CertificateFields | None, moment: datetime) -> bool:
    problem = check_expiry(claims=claims, fields=fields, at=moment)
    if problem is not None:
        result.fail("expiry", *problem)
        return False
    result.passed("expiry")
    return True


def _check_revocation(result: VerificationResult, fields: CertificateFields | None,
                      revocations: RevocationList | None) -> bool:
    if revocations is None:
        result.skipped("revocation", "未提供吊销列表")
        return True
    if fields is None:
        result.skipped("revocation", "载荷不含本平台证书字段")
        return True
    if revocations.is_revoked(issuer_code=fields.issuer_code, cert_no=fields.cert_no,
                              item_code=fields.item_code):
        result.fail("revocation", "revoked", f"吊销列表版本 {revocations.sequence}")
        return False
    result.passed("revocation")
    return True


def _check_registry(result: VerificationResult, fields: CertificateFields | None,
                    registry_lookup: RegistryLookup | None) -> bool:
    if registry_lookup is None or fields is None:
        result.skipped("registry", "离线验证，未查询证书库")
        return True
    try:
        record = registry_lookup(fields)
    except Exception:
        # An unreachable registry does not void a signature; the operator gets the cause.
        logger.warning("ecert registry lookup failed", exc_info=True)
        result.skipped("registry", "证书库暂不可用，未比对")
        return True
    if record is None:
        result.fail("registry", "not_in_registry", f"证书编号 {fields.cert_no}")
        return False
    if str(record.get("status", "")).strip().lower() in REVOKED_STATUSES:
        result.fail("registry", "revoked", f"证书库状态：{record.get('status')}")
        return False
    differing = registry_differences(fields, record)
    if differing:
        result.fail("registry", "differs_from_registry", "不一致字段: " + ", ".join(differing))
        return False
    result.passed("registry")
    return True


def registry_differences(fields: CertificateFields, record: Mapping[str, Any]) -> list[str]:
    """Field names whose registry value (when the registry has one) differs from the payload."""
    ours = fields.to_dict()
    return [name for name in FIELD_KEYS
            if record.get(name) not in (None, "") and str(record[name]).strip() != ours[name]]


