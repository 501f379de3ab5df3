"""A screening run: who ran which rules with which parameters over which files (fingerprinted),
and what came out. The clues themselves live in the clue inbox (``clues.Clue``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from certguard.core.models import TimeStampedModel
from certguard.core.signals import Audited


class ScreeningRun(Audited, TimeStampedModel):
    class Source(models.TextChoices):
        UPLOAD = "upload", "上传文件"
        REGISTRY = "registry", "平台证书库"

    class Status(models.TextChoices):
        PENDING = "pending", "排队中"
        RUNNING = "running", "运行中"
        COMPLETE = "complete", "已完成"
        FAILED = "failed", "失败"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发起人", null=True,
                              blank=True, on_delete=models.SET_NULL, related_name="+")
    organisation = models.ForeignKey("orgs.Organisation", verbose_name="发起单位", null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")
    job = models.ForeignKey("core.Job", verbose_name="后台任务", null=True, blank=True,
                            on_delete=models.SET_NULL, related_name="+")
    title = models.CharField("名称", max_length=200, blank=True)
    source = models.CharField("证书数据来源", max_length=10, choices=Source.choices,
                              default=Source.UPLOAD)
    as_of = models.DateField("筛查基准日")
    rules = models.JSONField("规则", default=list, blank=True)  # empty = all
    params = models.JSONField("参数", default=dict, blank=True)
    engine = models.CharField("引擎", max_length=10, default="duckdb")
    on_bad_rows = models.CharField("有误数据行", max_length=10, default="error", choices=[
        ("error", "停止筛查"), ("report", "跳过并列出")])
    bad_rows = models.PositiveIntegerField("跳过的有误数据行", default=0)
    inputs = models.JSONField("输入文件", default=list, blank=True)  # kind/name/size/sha256/path
    status = models.CharField("状态", max_length=10, choices=Status.choices,
                              default=Status.PENDING, db_index=True)
    rule_stats = models.JSONField("各规则结果", default=list, blank=True)
    clue_count = models.PositiveIntegerField("线索数", default=0)
    clues_outside = models.PositiveIntegerField("不在本单位范围内未写入的线索", default=0)
    seconds = models.FloatField("用时（秒）", null=True, blank=True)
    error = models.TextField("错误", blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "筛查批次"
        verbose_name_plural = "筛查批次"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"筛查 #{self.pk} {self.as_of:%Y-%m-%d}（{self.get_status_display()}）"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.COMPLETE, self.Status.FAILED)

    @classmethod
    def scope(cls, actor, action: str):
        """Runs of the user's own organisation, and (to view) those of organisations inside
        the regulator's region. Which roles may start runs is the policy's business."""
        if actor.is_admin:
            return Q()
        if not actor.is_regulator:
            return None
        if action != "view":
            return Q(organisation_id=actor.organisation_id)
        return Q(organisation_id=actor.organisation_id) | Q(
            organisation__region__code__startswith=actor.region_prefix)

