"""Campaigns as data (document, phases, required forms, targets, responsibilities) and the
supervision of lagging departments (提醒 → 警示 → 约谈 → 挂牌督办 → 通报), each step a record
with its clock and documents."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from certguard.campaigns.reference import DOC_KINDS, STAGES, SUPERVISION_STATUSES
from certguard.core.models import TimeStampedModel
from certguard.core.signals import Audited


def _regulator_subtree(actor, field: str) -> Q | None:
    if actor.is_admin:
        return Q()
    if not actor.is_regulator:
        return None
    code = actor.region_code
    # A campaign of the office above (the province's, the city's) concerns a county too.
    return (Q(**{f"{field}__startswith": actor.region_prefix})
            | Q(**{field: code[:2] + "0000"}) | Q(**{field: code[:4] + "00"}))


class Campaign(Audited, TimeStampedModel):
    name = models.CharField("名称", max_length=200)
    doc_no = models.CharField("文号", max_length=60, blank=True)
    issuer = models.CharField("印发单位", max_length=200, blank=True)
    region = models.ForeignKey("orgs.Region", verbose_name="范围", on_delete=models.PROTECT,
                               related_name="+")
    start = models.DateField("开始日期")
    end = models.DateField("结束日期")
    final_due = models.DateField("工作总结报送期限", null=True, blank=True)
    targets = models.JSONField("工作目标", default=list, blank=True)
    goal = models.TextField("工作目标（原文）", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "专项行动"
        verbose_name_plural = "专项行动"
        ordering = ["-start", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def series(self) -> str:
        return f"campaign-{self.pk}"

    @classmethod
    def scope(cls, actor, mode: str) -> Q | None:
        """A campaign concerns its region's offices and those of the levels above and below
        (each supervises only inside its own region: the services check that)."""
        return _regulator_subtree(actor, "region__code")


class Phase(Audited, TimeStampedModel):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="phases")
    order = models.PositiveSmallIntegerField("顺序")
    name = models.CharField("阶段", max_length=40)
    start = models.DateField("开始日期")
    end = models.DateField("结束日期")
    tasks = models.TextField("工作要求", blank=True)

    class Meta:
        verbose_name = "阶段"
        verbose_name_plural = "阶段"
        ordering = ["campaign_id", "order"]


class RequiredForm(Audited, TimeStampedModel):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="forms")
    version = models.ForeignKey("reporting.FormVersion", on_delete=models.PROTECT,
                                related_name="+")
    first_start = models.DateField("首期开始")
    last_start = models.DateField("末期开始")
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "要求报送的报表"
        verbose_name_plural = "要求报送的报表"
        ordering = ["campaign_id", "pk"]


class Responsibility(Audited, TimeStampedModel):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE,
                                 related_name="responsibilities")
    order = models.PositiveSmallIntegerField("序号")
    task = models.CharField("任务", max_length=100)
    detail = models.TextField("内容", blank=True)
    departments = models.JSONField("责任部门", default=list)
    indicators = models.JSONField("衡量指标", default=list, blank=True)

    class Meta:
        verbose_name = "责任分工"
        verbose_name_plural = "责任分工"
        ordering = ["campaign_id", "order"]


class Supervision(Audited, TimeStampedModel):
    """One step of supervising one lagging department; a next step points to the last."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT,
                                 related_name="supervisions")
    target = models.ForeignKey("orgs.Organisation", verbose_name="被督办部门",
                               on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("orgs.Region", verbose_name="地区", on_delete=models.PROTECT,
                               related_name="+")
    stage = models.CharField("方式", max_length=10, choices=STAGES.items())
    previous = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="next_steps", verbose_name="上一步")
    status = models.CharField("状态", max_length=10, choices=SUPERVISION_STATUSES.items(),
                              default="open")
    reason = models.TextField("督办事由")
    lagging = models.JSONField("滞后情况", default=list, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    due_date = models.DateField("期限", null=True, blank=True)
    meeting_at = models.DateTimeField("约谈时间", null=True, blank=True)
    report_due = models.DateField("整改报告期限", null=True, blank=True)
    report_received_at = models.DateTimeField("整改报告收到时间", null=True, blank=True)
    report_late = models.BooleanField("整改报告逾期", null=True, blank=True)
    published_at = models.DateTimeField("公开时间", null=True, blank=True)
    publish_due = models.DateField("公开期限", null=True, blank=True)
    extension_until = models.DateField("延期至", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    close_note = models.TextField("办结说明", blank=True)

    class Meta:
        verbose_name = "督办"
        verbose_name_plural = "督办"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{STAGES[self.stage]} {self.target_id}"

    @classmethod
    def scope(cls, actor, mode: str) -> Q | None:
        if actor.is_admin:
            return Q()
        if not actor.is_regulator:
            return None
        return Q(region__code__startswith=actor.region_prefix)

    @property
    def stage_label(self) -> str:
        return STAGES[self.stage]


class SupervisionDocument(Audited, TimeStampedModel):
    supervision = models.ForeignKey(Supervision, on_delete=models.CASCADE,
                                    related_name="documents")
    kind = models.CharField("文书", max_length=20, choices=DOC_KINDS.items())
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                           on_delete=models.SET_NULL, related_name="+")
    late = models.BooleanField("逾期", default=False)

    class Meta:
        verbose_name = "督办文书"
        verbose_name_plural = "督办文书"
        ordering = ["supervision_id", "created_at", "pk"]
