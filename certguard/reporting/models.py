"""Statistical forms as versioned data, their periods, each unit's report, its values and the
history of each report (DOMAIN.md §7.1, modelled on DHIS2)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q

from certguard.core.models import TimeStampedModel
from certguard.core.signals import Audited
from certguard.reporting.reference import EVENT_KINDS, LEVELS, PERIOD_TYPES, SOURCES, STATUSES


def _everyone_regulating(actor) -> Q | None:
    if actor.is_admin:
        return Q()
    return Q() if actor.is_regulator else None


class Form(Audited, TimeStampedModel):
    code = models.CharField("表号", max_length=40, unique=True)
    name = models.CharField("表名", max_length=200)
    source = models.CharField("出处", max_length=200, blank=True)

    class Meta:
        verbose_name = "统计报表"
        verbose_name_plural = "统计报表"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope(cls, actor, mode: str) -> Q | None:
        return _everyone_regulating(actor)


class FormVersion(Audited, TimeStampedModel):
    """One version of a form; never changed once saved (a period keeps the version it was
    opened with, a change is a new version)."""

    form = models.ForeignKey(Form, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField("版本号")
    period_type = models.CharField("报送周期", max_length=10, choices=PERIOD_TYPES.items())
    fill_level = models.CharField("填报层级", max_length=10, choices=LEVELS.items())
    due = models.JSONField("报送期限",
                           help_text='{"day": 25} 或 {"dates": {"2024-08": "2024-08-25"}}')
    layout = models.JSONField("表样")
    note = models.CharField("版本说明", max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "报表版本"
        verbose_name_plural = "报表版本"
        ordering = ["form_id", "number"]
        constraints = [models.UniqueConstraint(fields=["form", "number"],
                                               name="reporting_version_number")]

    def __str__(self) -> str:
        return f"{self.form.name}（第{self.number}版）"

    @classmethod
    def scope(cls, actor, mode: str) -> Q | None:
        return _everyone_regulating(actor)

    @property
    def measures(self) -> list[dict]:
        return list(self.layout.get("measures", []))

    @property
    def items(self) -> list[str]:
        dimension = self.layout.get("dimension") or {}
        return list(dimension.get("items") or [""])

    @property
    def cumulative(self) -> bool:
        return bool(self.layout.get("cumulative"))


class Period(Audited, TimeStampedModel):
    """One reporting period of one form version for the units under ``region`` (a city or a
    province office collects it). ``series`` ties a campaign's periods together (the 累计
    column runs from ``cumulative_from``)."""

    form = models.ForeignKey(Form, on_delete=models.PROTECT, related_name="periods")
    version = models.ForeignKey(FormVersion, on_delete=models.PROTECT, related_name="periods")
    region = models.ForeignKey("orgs.Region", verbose_name="汇总地区", on_delete=models.PROTECT,
                               related_name="+")
    label = models.CharField("期间", max_length=40)
    start = models.DateField("开始日期")
    end = models.DateField("结束日期")
    due_date = models.DateField("县级报送期限")
    upper_due_date = models.DateField("上级报送期限")
    series = models.CharField("所属专项行动", max_length=60, blank=True)
    cumulative_from = models.DateField("累计起始日期", null=True, blank=True)

    class Meta:
        verbose_name = "报送期间"
        verbose_name_plural = "报送期间"
        ordering = ["-start", "form_id"]
        constraints = [models.UniqueConstraint(fields=["form", "region", "series", "start"],
                                               name="reporting_period_once")]

    def __str__(self) -> str:
        return f"{self.form.name} {self.label}"

    @classmethod
    def scope(cls, actor, mode: str) -> Q | None:
        if actor.is_admin:
            return Q()
        if not actor.is_regulator:
            return None
        # The collecting office's subtree, or a unit inside it.
        return (Q(region__code__startswith=actor.region_prefix)
                | Q(region__code=actor.region_code[:2] + "0000")
                | Q(region__code=actor.region_code[:4] + "00"))

    def due_for(self, level: str) -> date:
        return self.due_date if level == self.version.fill_level else self.upper_due_date


class Report(Audited, TimeStampedModel):
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="reports")
    region = models.ForeignKey("orgs.Region", verbose_name="填报单位", on_delete=models.PROTECT,
                               related_name="+")
    level = models.CharField("层级", max_length=10, choices=LEVELS.items())
    status = models.CharField("状态", max_length=10, choices=STATUSES.items(), default="draft")
    computed_at = models.DateTimeField("计算时间", null=True, blank=True)
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    on_time = models.BooleanField("按时报送", null=True, blank=True)
    approved_at = models.DateTimeField("审核时间", null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    returned_reason = models.TextField("退回理由", blank=True)
    included = models.JSONField("汇总的下级", default=list, blank=True)

    class Meta:
        verbose_name = "报表"
        verbose_name_plural = "报表"
        ordering = ["period_id", "region_id"]
        constraints = [models.UniqueConstraint(fields=["period", "region"],
                                               name="reporting_report_once")]
        indexes = [models.Index(fields=["period", "level", "status"])]

    def __str__(self) -> str:
        return f"{self.period} {self.region_id}"

    @classmethod
    def scope(cls, actor, mode: str) -> Q | None:
        """Regulators see the reports of their region's subtree (the level above approves,
        the unit itself fills: the services check which on top)."""
        if actor.is_admin:
            return Q()
        if not actor.is_regulator:
            return None
        return Q(region__code__startswith=actor.region_prefix)

    @property
    def due_date(self) -> date:
        return self.period.due_for(self.level)

    @property
    def locked(self) -> bool:
        return self.status in ("submitted", "approved")


class Value(Audited, TimeStampedModel):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="values")
    measure = models.CharField("指标", max_length=40)
    item = models.CharField("维度", max_length=20, blank=True)
    value = models.DecimalField("数值", max_digits=20, decimal_places=4, null=True, blank=True)
    source = models.CharField("来源", max_length=10, choices=SOURCES.items())
    recomputed = models.DecimalField("重新计算值", max_digits=20, decimal_places=4, null=True,
                                     blank=True)
    recomputed_at = models.DateTimeField("重新计算时间", null=True, blank=True)
    locked = models.BooleanField("锁定", default=False)
    unlock_reason = models.TextField("解锁理由", blank=True)

    class Meta:
        verbose_name = "报表数值"
        verbose_name_plural = "报表数值"
        ordering = ["report_id", "id"]
        constraints = [models.UniqueConstraint(fields=["report", "measure", "item"],
                                               name="reporting_value_once")]

    @classmethod
    def scope(cls, actor, mode: str) -> Q | None:
        if actor.is_admin:
            return Q()
        if not actor.is_regulator:
            return None
        return Q(report__region__code__startswith=actor.region_prefix)

    @property
    def difference(self):
        if self.recomputed is None or self.value is None or self.recomputed == self.value:
            return None
        return self.recomputed - self.value


class ReportEvent(Audited, TimeStampedModel):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField("事项", max_length=10, choices=EVENT_KINDS.items())
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField("经办", max_length=100, blank=True)
    reason = models.TextField("说明", blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "报表记录"
        verbose_name_plural = "报表记录"
        ordering = ["report_id", "created_at", "id"]

    @classmethod
    def scope(cls, actor, mode: str) -> Q | None:
        if actor.is_admin:
            return Q()
        if not actor.is_regulator:
            return None
        return Q(report__region__code__startswith=actor.region_prefix)
