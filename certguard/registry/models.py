from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q

from certguard.core.models import TimeStampedModel
from certguard.core.signals import Audited
from certguard.registry.lifecycle import STATUS_LABELS, Status, status_on


class Holder(Audited, TimeStampedModel):
    """A certificate holder, identified by the resident ID number."""

    id_no = models.CharField("身份证号", max_length=18)
    name = models.CharField("姓名", max_length=50)
    sex = models.CharField("性别", max_length=1, blank=True)
    birth_date = models.DateField("出生日期", null=True, blank=True)
    barred_until = models.DateField("不得重新申请至", null=True, blank=True,
                                    help_text="以欺骗、贿赂或虚假信息取得证书被撤销的，3年内不得再次申请")

    class Meta:
        verbose_name = "持证人"
        verbose_name_plural = "持证人"
        # A constraint rather than unique=True: on PostgreSQL the latter adds a second,
        # pattern-matching index that no query uses and every bulk import pays for.
        constraints = [models.UniqueConstraint(fields=["id_no"], name="unique_holder_id_no")]

    def __str__(self) -> str:
        return self.name


class Certificate(Audited, TimeStampedModel):
    class RecordStatus(models.TextChoices):
        VALID = "valid", "有效"
        REVOKED = "revoked", "已撤销"
        CANCELLED = "cancelled", "已注销"
        SUSPENDED = "suspended", "已暂扣"

    # Not unique alone: a special-operations number is "T" + ID number, so one person's
    # certificates for several items share it (one row per certificate, as the contract says).
    # Looked up through unique_certificate, whose index starts with cert_no.
    cert_no = models.CharField("证书编号", max_length=40)
    holder = models.ForeignKey(Holder, on_delete=models.PROTECT, related_name="certificates",
                               verbose_name="持证人")
    # The holder's ID number and name as printed on the certificate (the exchange format
    # carries them per certificate). Verification reads only this table: one index probe.
    id_no = models.CharField("身份证号", max_length=18)
    name = models.CharField("姓名", max_length=50)
    # Four families: an index of its own would never be chosen; (issuer, family) serves scopes.
    family = models.ForeignKey("catalog.Family", on_delete=models.PROTECT, verbose_name="证书类别",
                               db_index=False)
    item_code = models.CharField("操作项目代码", max_length=10)
    issuer = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, null=True,
                               blank=True, related_name="issued_certificates",
                               verbose_name="发证机关", db_index=False)
    issuer_code = models.CharField("发证机关代码", max_length=20)
    first_issued = models.DateField("初次领证日期")
    valid_from = models.DateField("有效期起")
    valid_until = models.DateField("有效期至")
    review_due = models.DateField("应复审日期", null=True, blank=True)
    last_review = models.DateField("最近复审日期", null=True, blank=True)
    status = models.CharField("登记状态", max_length=12, choices=RecordStatus.choices,
                              default=RecordStatus.VALID)
    status_reason = models.CharField("状态原因", max_length=200, blank=True)
    status_changed_on = models.DateField("状态变更日期", null=True, blank=True)
    source = models.CharField("数据来源", max_length=20, blank=True)
    import_batch = models.ForeignKey("registry.ImportBatch", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="certificates",
                                     verbose_name="最近导入批次")

    class Meta:
        verbose_name = "证书"
        verbose_name_plural = "证书"
        # Every index is paid for by each imported row: these are the ones queries use
        # (verification by ID number; an authority's certificates; the issuer code).
        indexes = [models.Index(fields=["issuer", "family"]),
                   models.Index(fields=["id_no"], name="registry_cert_id_no"),
                   models.Index(fields=["issuer_code"], name="registry_cert_issuer_code")]
        constraints = [models.UniqueConstraint(fields=["cert_no", "family", "item_code"],
                                               name="unique_certificate")]

    def __str__(self) -> str:
        return self.cert_no

    def status_on(self, on: date) -> Status:
        return status_on(on=on, record_status=self.status, valid_from=self.valid_from,
                         valid_until=self.valid_until, review_due=self.review_due,
                         last_review=self.last_review, status_reason=self.status_reason)

    @classmethod
    def scope(cls, actor, action: str):
        """Issuing officers work on their authority's certificates; other regulators browse
        those of their remit issued inside their region. Everyone else verifies instead."""
        if actor.is_admin:
            return Q()
        if not actor.is_regulator:
            return None
        if actor.role == "issuing_officer":
            return Q(issuer_id=actor.organisation_id)
        if action != "view":
            return None
        return Q(family_id__in=actor.families,
                 issuer__region__code__startswith=actor.region_prefix)


class CertificateEvent(models.Model):
    """The history of a certificate: every issue, review, extension and status change."""

    class Kind(models.TextChoices):
        ISSUE = "issue", "发证"
        IMPORT = "import", "导入"
        REVIEW_PASS = "review_pass", "复审合格"
        REVIEW_FAIL = "review_fail", "复审不合格"
        EXTEND = "extend", "延期换证"
        REVOKE = "revoke", "撤销"
        CANCEL = "cancel", "注销"
        SUSPEND = "suspend", "暂扣"
        REINSTATE = "reinstate", "恢复"

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE,
                                    related_name="events")
    kind = models.CharField("事项", max_length=20, choices=Kind.choices)
    on = models.DateField("日期")
    reason_code = models.CharField("原因代码", max_length=40, blank=True)
    reason = models.CharField("原因", max_length=300, blank=True)
    data = models.JSONField("内容", default=dict, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                           on_delete=models.SET_NULL, verbose_name="经办人")
    at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "证书记录"
        verbose_name_plural = "证书记录"
        ordering = ["certificate", "at", "id"]

    def __str__(self) -> str:
        return f"{self.certificate_id} {self.get_kind_display()} {self.on}"


__all__ = ["STATUS_LABELS", "Certificate", "CertificateEvent", "Holder", "ImportBatch"]


class ImportBatch(models.Model):
    """One imported file: who, when, what it held. Certificates point at their last import."""

    file_name = models.CharField("文件名", max_length=255)
    sha256 = models.CharField("文件指纹", max_length=64)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                           on_delete=models.SET_NULL, verbose_name="导入人")
    at = models.DateTimeField("导入时间", auto_now_add=True)
    rows_read = models.PositiveIntegerField("读取行数", default=0)
    inserted = models.PositiveIntegerField("新增", default=0)
    updated = models.PositiveIntegerField("更新", default=0)
    rejected = models.PositiveIntegerField("拒绝", default=0)

    class Meta:
        verbose_name = "导入批次"
        verbose_name_plural = "导入批次"
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.file_name}（{self.at:%Y-%m-%d %H:%M}）"
