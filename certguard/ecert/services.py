"""Platform workflows over the pure ecert core: keys per authority, signing a registry row,
the signed trust list and revocation list, and verifying a scanned payload online."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from certguard.core.audit import audit_query, audit_record
from certguard.core.errors import AppError, Forbidden
from certguard.core.policy import require
from certguard.core.scoping import UserLike, account_of
from certguard.ecert import algorithms, codec, keys, revocation, trustlist, urlcheck
from certguard.ecert.fields import CertificateFields
from certguard.ecert.issue import sign_certificate
from certguard.ecert.keystore import decrypt_private_pem, encrypt_private_pem
from certguard.ecert.models import (
    ROOT_AUTHORITY,
    EcertKey,
    HolderLink,
    HolderPhoto,
    RevocationVersion,
    SignedPayload,
)
from certguard.ecert.revocation import RevocationList, revocation_hash
from certguard.ecert.verifier import verify_payload
from certguard.orgs.models import Organisation, User
from certguard.registry.lifecycle import status_on
from certguard.registry.models import Certificate, Holder
from certguard.registry.services import ecert_registry_lookup, today

ROOT_ALG = "ed25519"
REVOKED_RECORD_STATUSES = ("revoked", "cancelled", "suspended")


def _now() -> datetime:
    # Whole seconds: CWT iat and trust-list windows are integer timestamps, and a key whose
    # window starts 0.4 s after the payload's truncated iat would reject its own payload.
    return timezone.now().astimezone(UTC).replace(microsecond=0)


# --- keys ---------------------------------------------------------------------------------

def _may_manage_keys(by: UserLike, authority: Organisation) -> None:
    actor = require(by, "ecert.keys_manage")
    if actor.is_admin:
        return
    if actor.organisation_id != authority.pk:
        raise Forbidden("not_key_manager", "只有本发证机关的发证人员或系统管理员可以管理签名密钥")


def _alg_of(name: str) -> int:
    try:
        return algorithms.alg_from_name(name)
    except ValueError:
        raise AppError("bad_alg", f"不支持的签名算法：{name}（可选 ed25519、es256、ps256、sm2）",
                       fields={"alg": ["不支持的算法"]}) from None


def _store(*, role: str, code: str, alg: int, authority: Organisation | None) -> EcertKey:
    generated = keys.generate(alg=alg, authority=code)
    return EcertKey.objects.create(
        role=role, authority=authority, authority_code=code, kid=generated.kid.hex(),
        alg=alg, public_key_pem=generated.public.pem().decode("ascii"),
        private_key_encrypted=encrypt_private_pem(keys.private_key_pem(generated)),
        not_before=_now(), active=True)


@transaction.atomic
def key_generate(*, by: UserLike, authority: Organisation, alg: str) -> EcertKey:
    """The first signing key of an issuing authority; later ones come from ``key_rotate``."""
    _may_manage_keys(by, authority)
    if not authority.issuer_code:
        raise AppError("not_an_issuer", f"{authority.name} 不是发证机关，不能签发电子证书")
    if EcertKey.objects.filter(authority_code=authority.issuer_code, active=True).exists():
        raise AppError("key_exists", "该发证机关已有在用签名密钥，请使用“轮换密钥”")
    return _store(role=EcertKey.Role.ISSUER, code=authority.issuer_code, alg=_alg_of(alg),
                  authority=authority)


@transaction.atomic
def key_rotate(*, by: UserLike, authority: Organisation, alg: str = "") -> EcertKey:
    """Retire the active key (it stays in the trust list for what it signed) and make a new
    one, by default with the same algorithm."""
    _may_manage_keys(by, authority)
    old = (EcertKey.objects.select_for_update()
           .filter(authority_code=authority.issuer_code, active=True).first())
    if old is None:
        return key_generate(by=by, authority=authority, alg=alg or ROOT_ALG)
    old.active, old.not_after = False, _now()
    old.save(update_fields=["active", "not_after", "updated_at"])
    return _store(role=EcertKey.Role.ISSUER, code=authority.issuer_code,
                  alg=_alg_of(alg) if alg else old.alg, authority=authority)


def root_key_ensure() -> EcertKey:
    """The platform root key, created on first use."""
    root = EcertKey.objects.filter(role=EcertKey.Role.ROOT, active=True).first()
    if root is not None:
        return root
    try:
        with transaction.atomic():
            return _store(role=EcertKey.Role.ROOT, code=ROOT_AUTHORITY,
                          alg=_alg_of(ROOT_ALG), authority=None)
    except IntegrityError:  # another worker made it first
        return EcertKey.objects.get(role=EcertKey.Role.ROOT, active=True)


def signing_key_of(record: EcertKey) -> keys.SigningKey:
    return keys.load_private_key(decrypt_private_pem(record.private_key_encrypted),
                                 authority=record.authority_code)


def root_public_key() -> keys.PublicKey:
    return keys.load_public_key(root_key_ensure().public_key_pem)


# --- signing ------------------------------------------------------------------------------

def certificate_fields(certificate: Certificate) -> CertificateFields:
    """What the paper says, from the registry row (the claim the payload carries)."""
    iso = lambda d: d.isoformat() if d else ""  # noqa: E731
    return CertificateFields(
        cert_no=certificate.cert_no, id_no=certificate.holder.id_no,
        name=certificate.holder.name, family=certificate.family_id,
        item_code=certificate.item_code, issuer_code=certificate.issuer_code,
        valid_from=iso(certificate.valid_from), valid_until=iso(certificate.valid_until),
        review_due=iso(certificate.review_due), status=certificate.status)


def _digest(fields: CertificateFields) -> str:
    return hashlib.sha256(json.dumps(fields.to_dict(), sort_keys=True).encode()).hexdigest()


def _signable(by: UserLike, certificate: Certificate) -> Certificate:
    cert = (Certificate.objects.restrict(by, "ecert.print").select_related("holder")
            .filter(pk=certificate.pk).first())
    if cert is None:
        raise Forbidden("not_your_certificate", "只有发证机关的发证人员可以签发该证书的电子证书")
    _state_allows_signing(cert)
    return cert


def _state_allows_signing(cert: Certificate) -> None:
    state = status_on(on=today(), record_status=cert.status, valid_from=cert.valid_from,
                      valid_until=cert.valid_until, review_due=cert.review_due,
                      last_review=cert.last_review, status_reason=cert.status_reason)
    if state.code not in ("valid", "not_yet_valid"):
        raise AppError("certificate_not_valid",
                       f"证书{state.label}（{state.reason}），不能签发电子证书")


@transaction.atomic
def certificate_sign(*, by: UserLike, certificate: Certificate) -> SignedPayload:
    """The certificate's payload: the stored one while fields and key are unchanged, else a
    new one signed with the authority's active key (expiry = end of valid_until)."""
    return _sign(by, _signable(by, certificate))


@transaction.atomic
def certificate_sign_for_holder(*, by: UserLike, certificate: Certificate) -> SignedPayload:
    """The holder's own e-certificate (我的证书): the same payload the authority prints, for
    a worker whose account is bound to the certificate's holder."""
    actor = require(by, "ecert.mine")
    linked = HolderLink.objects.restrict(by, "ecert.mine").filter(
        holder_id=certificate.holder_id).exists()
    if not linked or actor.is_anonymous:
        raise Forbidden("not_your_certificate", "只能查看本人的证书")
    cert = Certificate.objects.select_related("holder").get(pk=certificate.pk)
    _state_allows_signing(cert)
    return _sign(by, cert)


def _sign(by: UserLike, cert: Certificate) -> SignedPayload:
    record = EcertKey.objects.filter(authority_code=cert.issuer_code, active=True,
                                     role=EcertKey.Role.ISSUER).first()
    if record is None:
        raise AppError("no_signing_key", f"发证机关 {cert.issuer_code} 尚未生成签名密钥")
    fields = certificate_fields(cert)
    digest = _digest(fields)
    existing = (SignedPayload.objects.filter(certificate=cert, digest=digest, key=record)
                .order_by("-signed_at").first())
    if existing is not None:
        return existing
    signed_at = _now()
    text = sign_certificate(fields=fields, key=signing_key_of(record), issued_at=signed_at)
    payload = SignedPayload.objects.create(certificate=cert, key=record, payload=text,
                                           digest=digest, signed_at=signed_at,
                                           by=account_of(by))
    audit_record(action="create", object_type="ecert.signedpayload", object_id=payload.pk,
                 summary=f"签发电子证书 {cert.cert_no}", data={"kid": record.kid}, user=by)
    return payload


def platform_host() -> str:
    """The platform's public host name (setting PLATFORM_HOST), printed in every QR."""
    from django.conf import settings

    return settings.PLATFORM_HOST


def authority_names() -> dict[str, str]:
    """Issuing authorities by code, so the verification page names them (not 140000-YJ)."""
    rows = Organisation.objects.exclude(issuer_code="").values_list("issuer_code", "name")
    return dict(rows)


def certificate_url(payload: str) -> str:
    """What the printed QR encodes: the verification page with the payload in the fragment."""
    return codec.verification_url(payload, host=platform_host())


# --- trust list ---------------------------------------------------------------------------

def _trust_entries() -> list[trustlist.TrustEntry]:
    rows = EcertKey.objects.filter(role=EcertKey.Role.ISSUER).order_by("authority_code", "pk")
    return [trustlist.TrustEntry(public=keys.load_public_key(row.public_key_pem),
                                 authority=row.authority_code, not_before=row.not_before,
                                 not_after=row.not_after) for row in rows]


def trust_sequence() -> int:
    """Changes whenever a key is added or retired (seconds of the latest key change)."""
    latest = EcertKey.objects.filter(role=EcertKey.Role.ISSUER).order_by("-updated_at").first()
    return int(latest.updated_at.timestamp()) if latest else 0


def trust_list_current() -> trustlist.TrustList:
    return trustlist.TrustList(entries=tuple(_trust_entries()), sequence=trust_sequence())


def trust_list_build_signed() -> bytes:
    content = trustlist.build(_trust_entries(), sequence=trust_sequence(), issued_at=_now())
    return trustlist.sign(content, root=signing_key_of(root_key_ensure()))


# --- revocations --------------------------------------------------------------------------

def _revoked_hashes() -> frozenset[bytes]:
    rows = (Certificate.objects.filter(status__in=REVOKED_RECORD_STATUSES)
            .values_list("issuer_code", "cert_no", "item_code").distinct())
    return frozenset(revocation_hash(issuer_code=i, cert_no=c, item_code=t) for i, c, t in rows)


def _as_list(version: RevocationVersion) -> RevocationList:
    blob = bytes(version.hashes)
    return RevocationList(sequence=version.seq, hashes=frozenset(
        blob[i:i + revocation.HASH_SIZE] for i in range(0, len(blob), revocation.HASH_SIZE)),
        issued_at=version.created_at)


def revocation_list_current() -> RevocationList:
    """The current list; a new version is recorded whenever the registry's set changed."""
    hashes = _revoked_hashes()
    latest = RevocationVersion.objects.order_by("-seq").first()
    if latest is not None and _as_list(latest).hashes == hashes:
        return _as_list(latest)
    try:
        with transaction.atomic():
            version = RevocationVersion.objects.create(
                seq=(latest.seq if latest else 0) + 1, hashes=b"".join(sorted(hashes)),
                count=len(hashes))
    except IntegrityError:  # a concurrent request recorded the same change
        recorded = RevocationVersion.objects.order_by("-seq").first()
        assert recorded is not None  # the conflicting row exists
        return _as_list(recorded)
    return _as_list(version)


def revocation_list_at(seq: int) -> RevocationList:
    version = RevocationVersion.objects.filter(seq=seq).first()
    if version is None:
        raise AppError("revocation_version_unknown", f"没有版本 {seq}，请下载完整列表",
                       status=404)
    return _as_list(version)


def revocation_list_build(*, since: int | None = None) -> bytes | None:
    """The signed full list, or the signed change since version ``since`` (None: the
    caller already holds the current version)."""
    current = revocation_list_current()
    root = signing_key_of(root_key_ensure())
    if since is None:
        return revocation.sign_full(current, key=root)
    if since == current.sequence:
        return None
    return revocation.sign_delta(old=revocation_list_at(since), new=current, key=root)


class _OnlineRevocations(RevocationList):
    """The platform's own check asks the registry for just the scanned certificate
    (authority, number and item) instead of loading the whole list per request."""

    def is_revoked(self, *, issuer_code: str, cert_no: str, item_code: str = "") -> bool:
        return Certificate.objects.filter(
            issuer_code=issuer_code.strip(), cert_no=cert_no.strip(), item_code=item_code.strip(),
            status__in=REVOKED_RECORD_STATUSES).exists()


def revocation_list_online() -> RevocationList:
    latest = RevocationVersion.objects.order_by("-seq").values_list("seq", flat=True).first()
    return _OnlineRevocations(sequence=latest or 0)


# --- verification -------------------------------------------------------------------------

def payload_verify(*, text: str, user: UserLike = None, at: datetime | None = None,
                   channel: str = "api") -> dict:
    """Verify scanned text online: signature against the platform trust list, the
    revocation list, then the registry row. The CLI's JSON shape."""
    result = verify_payload(text, trust=trust_list_current(), at=at,
                            revocations=revocation_list_online(),
                            registry_lookup=ecert_registry_lookup)
    cert = result.certificate or {}
    audit_query(object_type="ecert.payload", key=cert.get("cert_no", "")[:100], user=user,
                summary=f"{channel}核验电子证书：{result.reason}",
                data={"channel": channel, "valid": result.valid, "reason": result.reason,
                      "kid": result.kid})
    return result.to_dict()


def scan_check(*, text: str, user: UserLike = None) -> dict:
    """What a scanned QR code is: a payload (verified online) or a URL (genuine or fake)."""
    # The allow-list is reference data an administrator versions (catalog), not a constant.
    from certguard.catalog.services import official_active_hosts

    hosts = [*official_active_hosts(), platform_host().split(":")[0]]
    check = urlcheck.check_qr_text(text, official_hosts=hosts)
    answer = {"kind": check.kind, "check": check.to_dict(), "verification": None}
    if check.kind == "ecert":
        answer["verification"] = payload_verify(text=text, user=user, channel="扫码")
    return answer


# --- user-facing: accounts bound to holders, holder photos ------------------------------------

PHOTO_MAX_BYTES = 2 * 1024 * 1024


@transaction.atomic
def holder_link(*, by: UserLike, user: User, id_no: str) -> HolderLink:
    """Bind a worker's account to the holder of ``id_no`` (after checking the person's
    identity in person); the account then sees its certificates under 我的证书."""
    from certguard.registry.services import canonical_id_no

    require(by, "ecert.link_holder")
    check = canonical_id_no(id_no)
    holder = Holder.objects.filter(id_no=check.id_no).first()
    if holder is None:
        raise AppError("holder_not_found", "证书库中没有该身份证号的持证人",
                       fields={"id_no": ["未找到持证人"]})
    link, _ = HolderLink.objects.update_or_create(user=user, defaults={
        "holder": holder, "by": account_of(by)})
    return link


@transaction.atomic
def holder_photo_set(*, by: UserLike, holder: Holder, data: bytes) -> HolderPhoto:
    """Store the holder's photo: a JPEG or PNG, re-encoded as JPEG without metadata."""
    import io

    from PIL import Image, UnidentifiedImageError

    require(by, "ecert.photo")
    if len(data) > PHOTO_MAX_BYTES:
        raise AppError("photo_too_large", f"照片不能超过 {PHOTO_MAX_BYTES // 1024 // 1024} MB",
                       fields={"photo": ["文件过大"]})
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in ("JPEG", "PNG"):
                raise AppError("photo_format", "照片应为 JPEG 或 PNG 图片",
                               fields={"photo": ["格式不支持"]})
            image.thumbnail((600, 800))
            out = io.BytesIO()
            image.convert("RGB").save(out, format="JPEG", quality=88)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise AppError("photo_unreadable", "无法识别该照片，请上传 JPEG 或 PNG 图片",
                       fields={"photo": ["无法识别"]}) from None
    image_bytes = out.getvalue()
    photo, _ = HolderPhoto.objects.update_or_create(holder=holder, defaults={
        "image": image_bytes, "sha256": hashlib.sha256(image_bytes).hexdigest(),
        "by": account_of(by)})
    return photo


def holder_photo(holder_id: int) -> bytes | None:
    """The holder's photo for printing (None: a placeholder is printed)."""
    row = HolderPhoto.objects.filter(holder_id=holder_id).values_list("image", flat=True).first()
    return bytes(row) if row is not None else None
