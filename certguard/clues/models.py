"""The inbox every detector writes into: a clue (suspected fraud) and its handling history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from certguard.clues.reference import (
    EVENT_CHOICES,
    RULE_NAMES,
    SEVERITIES,
    SOURCE_CHOICES,
    STATUS_CHOICES,
    SUBJECTS,
)
from certguard.core.models import TimeStampedModel
from certguard.core.signals import Audited


class Clue(Audited, TimeStampedModel):
    class Status(models.TextChoices):
        NEW = STATUS_CHOICES[0]
        ASSIGNED = STATUS_CHOICES[1]
        CONFIRMED = STATUS_CHOICES[2]
        DISMISSED = STATUS_CHOICES[3]

    source_kind = models.CharField("来源", max_length=12, choices=SOURCE_CHOICES)
    source_id = models.BigIntegerField("来源批次", null=True, blank=True)
    rule = models.CharField("规则", max_length=8, db_index=True)
    severity = models.CharField("严重程度", max_length=8, choices=SEVERITIES.items())
    severity_rank = models.PositiveSmallIntegerField(default=2)  # 1 high … 3 low, for sorting
    subject = models.CharField("对象", max_length=16, choices=SUBJECTS.items())
    cert_no = models.CharField("证书编号", max_length=40, blank=True, db_index=True)
    id_no = models.CharField("身份证号", max_length=32, blank=True, db_index=True)
    name = models.CharField("姓名", max_length=100, blank=True)
    employer_code = models.CharField("用人单位代码", max_length=40, blank=True, db_index=True)
    institution_code = models.CharField("培训机构代码", max_length=40, blank=True)
    exam_center_code = models.CharField("考试机构代码", max_length=40, blank=True)
    detail = models.TextField("说明")
    evidence = models.JSONField("证据", default=dict, blank=True)
    region = models.ForeignKey("orgs.Region", verbose_name="所属地区", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    family = models.CharField("证书类别", max_length=30, blank=True)
    employer_sector = models.CharField("用人单位行业", max_length=30, blank=True)
    organisation = models.ForeignKey("orgs.Organisation", verbose_name="发现单位", null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField("状态", max_length=12, choices=Status.choices,
                              default=Status.NEW)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="承办人", null=True,
                                 blank=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.TextField("处理理由", blank=True)
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="处理人", null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")

    audit_exclude = ("evidence",)

    class Meta:
        verbose_name = "线索"
        verbose_name_plural = "线索"
        indexes = [
            models.Index(fields=["source_kind", "source_id"]),
            models.Index(fields=["status", "severity_rank", "rule"]),
            models.Index(fields=["region", "family"]),
        ]

    def __str__(self) -> str:
        return f"{self.rule} {self.cert_no or self.id_no or self.employer_code or self.pk}"

    @property
    def rule_name(self) -> str:
        return RULE_NAMES.get(self.rule, self.rule)

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.NEW, self.Status.ASSIGNED)

    @classmethod
    def scope(cls, actor, action: str):
        """Regulators see clues placed in their region's subtree and within their remit (by
        certificate family, else by employer sector); clues no region could be found for stay
        with the organisation that produced them. Who may work on them is the policy's."""
        if actor.is_admin:
            return Q()
        if not actor.is_regulator:
            return None
        placed = Q(region__code__startswith=actor.region_prefix)
        unplaced = Q(region__isnull=True, organisation_id=actor.organisation_id)
        remit = (Q(family__in=actor.families)
                 | Q(family="", employer_sector__in=actor.sectors)
                 | Q(family="", employer_sector="", organisation_id=actor.organisation_id))
        return (placed | unplaced) & remit

    @classmethod
    def row_in_scope(cls, actor, *, region_id: str | None, family: str, employer_sector: str,
                     organisation_id: int | None) -> bool:
        """``scope(actor, "view")`` for a clue not yet written (a test holds them equal): a
        detector run by a regulator writes only clues that regulator could see."""
        if actor.is_admin:
            return True
        if not actor.is_regulator:
            return False
        placed = bool(region_id and region_id.startswith(actor.region_prefix))
        unplaced = not region_id and organisation_id == actor.organisation_id
        remit = (family in actor.families
                 or (not family and employer_sector in actor.sectors)
                 or (not family and not employer_sector
                     and organisation_id == actor.organisation_id))
        return (placed or unplaced) and remit


class ClueEvent(Audited, models.Model):
    """One step of a clue's handling: who did what, when, and why."""

    clue = models.ForeignKey(Clue, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField("事项", max_length=10, choices=EVENT_CHOICES)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True,
                              blank=True, on_delete=models.SET_NULL, related_name="+")
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="承办人", null=True,
                                 blank=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.TextField("理由", blank=True)
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "线索处理记录"
        verbose_name_plural = "线索处理记录"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.clue_id} {self.get_kind_display()}"
