"""The ledger (持证台账): one entry per worker per post at an employer, and its change history."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from certguard.core.models import TimeStampedModel
from certguard.core.scoping import RestrictedQuerySet
from certguard.core.signals import Audited
from certguard.workforce.scoping import employer_scope

# Fields of an entry that a roster can change; the history records them old → new.
TRACKED_FIELDS = ("worker_name", "required_item_code", "cert_no", "valid_until",
                  "on_post_from", "on_post_to", "active")


class LedgerEntry(Audited, TimeStampedModel):
    employer = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT,
                                 related_name="ledger_entries", verbose_name="用人单位")
    worker_id_no = models.CharField("身份证号", max_length=18, db_index=True)
    worker_name = models.CharField("姓名", max_length=50)
    post = models.CharField("岗位", max_length=100, blank=True)
    required_item_code = models.CharField("岗位要求作业项目", max_length=10, blank=True)
    cert_no = models.CharField("申报证书编号", max_length=40, blank=True)
    valid_until = models.DateField("申报有效期至", null=True, blank=True)
    on_post_from = models.DateField("上岗日期", null=True, blank=True)
    on_post_to = models.DateField("离岗日期", null=True, blank=True)
    # The upload lives in a higher layer (selfcheck): kept as its id and a label, not an FK.
    source_upload_id = models.BigIntegerField("来源花名册", null=True, blank=True)
    source_label = models.CharField("来源说明", max_length=200, blank=True)
    active = models.BooleanField("在岗", default=True, db_index=True)

    class Meta:
        verbose_name = "台账人员"
        verbose_name_plural = "持证台账"
        ordering = ["employer_id", "worker_name", "worker_id_no", "post"]
        constraints = [models.UniqueConstraint(fields=["employer", "worker_id_no", "post"],
                                               name="ledger_one_entry_per_post")]

    def __str__(self) -> str:
        return f"{self.worker_name}（{self.post or '未注明岗位'}）"

    @classmethod
    def scope(cls, actor, action: str):
        return employer_scope(actor, action)


class LedgerChange(models.Model):
    """One change of one entry: what changed (old → new), from which upload, by whom."""

    class Kind(models.TextChoices):
        ADDED = "added", "新增"
        UPDATED = "updated", "变更"
        ENDED = "ended", "离岗"
        RESUMED = "resumed", "重新上岗"

    entry = models.ForeignKey(LedgerEntry, on_delete=models.CASCADE, related_name="changes",
                              verbose_name="台账人员")
    employer = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT,
                                 related_name="+", verbose_name="用人单位")
    kind = models.CharField("变动", max_length=10, choices=Kind.choices)
    changes = models.JSONField("变更内容", default=dict, blank=True)
    source_upload_id = models.BigIntegerField("来源花名册", null=True, blank=True)
    source_label = models.CharField("来源说明", max_length=200, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                           on_delete=models.SET_NULL, verbose_name="经办人")
    at = models.DateTimeField("时间", auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "台账变动"
        verbose_name_plural = "台账变动"
        ordering = ["entry_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.entry_id} {self.get_kind_display()}"

    @classmethod
    def scope(cls, actor, action: str):
        return employer_scope(actor, action)
