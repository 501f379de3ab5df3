"""The platform side of electronic certificates: signing keys, signed payloads, revocation
versions. The pure core (codec, cose, verifier, ...) never imports this module."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from certguard.core.models import TimeStampedModel
from certguard.core.signals import Audited

ROOT_AUTHORITY = "ROOT"


class EcertKey(Audited, TimeStampedModel):
    """A signing key: one per issuing authority at a time, plus the platform root key that
    signs the trust list and the revocation list. Retired keys are kept (inactive, with
    ``not_after`` set) so payloads signed before the rotation still verify."""

    class Role(models.TextChoices):
        ISSUER = "issuer", "发证机关签名密钥"
        ROOT = "root", "平台根密钥"

    role = models.CharField("用途", max_length=10, choices=Role.choices, default=Role.ISSUER)
    authority = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, null=True,
                                  blank=True, related_name="ecert_keys", verbose_name="发证机关")
    authority_code = models.CharField("机关代码", max_length=20, db_index=True)
    kid = models.CharField("密钥标识", max_length=16, unique=True)
    alg = models.IntegerField("算法（COSE）")
    public_key_pem = models.TextField("公钥 PEM")
    private_key_encrypted = models.TextField("私钥（加密保存）")
    not_before = models.DateTimeField("启用时间")
    not_after = models.DateTimeField("停用时间", null=True, blank=True)
    active = models.BooleanField("当前使用", default=True)

    # The encrypted private key never goes into the audit log, not even encrypted.
    audit_exclude = ("private_key_encrypted",)

    class Meta:
        verbose_name = "电子证书签名密钥"
        verbose_name_plural = "电子证书签名密钥"
        ordering = ["authority_code", "-not_before"]
        constraints = [models.UniqueConstraint(fields=["authority_code"],
                                               condition=Q(active=True),
                                               name="one_active_ecert_key")]

    def __str__(self) -> str:
        return f"{self.authority_code} {self.kid}{'' if self.active else '（已停用）'}"

    @classmethod
    def scope(cls, actor, action: str):
        """Administrators manage all keys; an issuing officer sees their authority's keys."""
        if actor.is_admin:
            return Q()
        if actor.role == "issuing_officer" and actor.organisation_id and action == "view":
            return Q(authority_id=actor.organisation_id)
        return None


class SignedPayload(models.Model):
    """A payload once signed for a certificate: reprinting reuses it while the certificate's
    fields and the signing key are unchanged, so the QR code on paper stays the same."""

    certificate = models.ForeignKey("registry.Certificate", on_delete=models.CASCADE,
                                    related_name="ecert_payloads", verbose_name="证书")
    key = models.ForeignKey(EcertKey, on_delete=models.PROTECT, verbose_name="签名密钥")
    payload = models.TextField("载荷")
    digest = models.CharField("字段摘要", max_length=64)
    signed_at = models.DateTimeField("签发时间")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                           on_delete=models.SET_NULL, verbose_name="经办人")

    class Meta:
        verbose_name = "电子证书载荷"
        verbose_name_plural = "电子证书载荷"
        indexes = [models.Index(fields=["certificate", "digest"])]

    def __str__(self) -> str:
        return f"{self.certificate_id} @ {self.signed_at:%Y-%m-%d %H:%M}"


class RevocationVersion(models.Model):
    """One published version of the revocation list (the packed hash set), so that a
    verifier holding version N can be given only the change since N."""

    seq = models.PositiveIntegerField("版本", unique=True)
    hashes = models.BinaryField("哈希（每条16字节，已排序）")
    count = models.PositiveIntegerField("条数")
    created_at = models.DateTimeField("生成时间", auto_now_add=True)

    class Meta:
        verbose_name = "吊销列表版本"
        verbose_name_plural = "吊销列表版本"
        ordering = ["-seq"]

    def __str__(self) -> str:
        return f"吊销列表第 {self.seq} 版（{self.count} 条）"


# --- user-facing: a worker's own certificates, holder photos -----------------------------------

class HolderLink(Audited, TimeStampedModel):
    """A worker's account bound to the holder record of their ID number (done by an
    administrator after checking the person's identity), so 我的证书 lists their certificates."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="holder_link", verbose_name="账户")
    holder = models.ForeignKey("registry.Holder", on_delete=models.CASCADE,
                               related_name="account_links", verbose_name="持证人")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                           on_delete=models.SET_NULL, related_name="+", verbose_name="经办人")

    class Meta:
        verbose_name = "账户与持证人绑定"
        verbose_name_plural = "账户与持证人绑定"

    def __str__(self) -> str:
        return f"{self.user} → {self.holder}"

    @classmethod
    def scope(cls, actor, action: str):
        """A worker sees their own binding; administrators manage all."""
        if actor.is_admin:
            return Q()
        if actor.user_id is None or action != "view":
            return None
        return Q(user_id=actor.user_id)


class HolderPhoto(Audited, TimeStampedModel):
    """The holder's photo printed on the electronic certificate (JPEG, re-encoded on upload
    without metadata)."""

    holder = models.OneToOneField("registry.Holder", on_delete=models.CASCADE,
                                  related_name="photo", verbose_name="持证人")
    image = models.BinaryField("照片（JPEG）")
    sha256 = models.CharField("照片摘要", max_length=64)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                           on_delete=models.SET_NULL, related_name="+", verbose_name="经办人")

    audit_exclude = ("image",)  # the digest is logged, not the picture

    class Meta:
        verbose_name = "持证人照片"
        verbose_name_plural = "持证人照片"

    def __str__(self) -> str:
        return f"{self.holder} 照片"

    @classmethod
    def scope(cls, actor, action: str):
        """Issuing officers print it on the certificates of their authority; admins manage."""
        if actor.is_admin:
            return Q()
        if actor.role == "issuing_officer" and actor.organisation_id:
            return Q(holder__certificates__issuer_id=actor.organisation_id)
        return None
