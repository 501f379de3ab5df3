"""Network governance records: suspect domains and ads, page captures, handovers for takedown,
and the keyword lists (versioned per department) the ad classifier reads."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from certguard.core.models import TimeStampedModel
from certguard.core.signals import Audited
from certguard.netwatch.reference import (
    AD_SOURCES,
    DOMAIN_SOURCES,
    HANDOVER_EVENTS,
    HANDOVER_STATUSES,
    RECIPIENTS,
    SUSPECT_STATUSES,
)


def _regional_scope(actor, mode: str):
    """Regulators see what was found inside their region's subtree; changing it is for the
    finding department type (网信 officers of the province change what city offices found)."""
    if actor.is_admin:
        return Q()
    if not actor.is_regulator:
        return None
    inside = Q(region__code__startswith=actor.region_prefix)
    if mode == "view":
        return inside
    return inside & Q(organisation__department=actor.department)


class Found(Audited, TimeStampedModel):
    organisation = models.ForeignKey("orgs.Organisation", verbose_name="发现单位",
                                     on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("orgs.Region", verbose_name="所属地区", on_delete=models.PROTECT,
                               related_name="+")
    status = models.CharField("状态", max_length=12, choices=SUSPECT_STATUSES.items(),
                              default="new")
    clue_id = models.BigIntegerField("线索编号", null=True, blank=True)
    note = models.CharField("备注", max_length=500, blank=True)

    class Meta:
        abstract = True

    @classmethod
    def scope(cls, actor, mode: str):
        return _regional_scope(actor, mode)


class SuspectDomain(Found):
    domain = models.CharField("域名", max_length=253)
    verdict = models.CharField("判定", max_length=10)
    imitates = models.CharField("仿冒对象", max_length=253, blank=True)
    score = models.PositiveSmallIntegerField("评分")
    reasons = models.JSONField("理由", default=list)
    source = models.CharField("来源", max_length=8, choices=DOMAIN_SOURCES.items())
    officials_version = models.PositiveIntegerField("官方网址清单版本", default=0)
    times_seen = models.PositiveIntegerField("出现次数", default=1)
    last_seen = models.DateTimeField("最近出现", auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["created_at", "region"], name="domain_created_region")]
        verbose_name = "疑似仿冒域名"
        verbose_name_plural = "疑似仿冒域名"
        ordering = ["-score", "domain"]
        constraints = [models.UniqueConstraint(fields=["organisation", "domain"],
                                               name="unique_suspect_domain")]

    def __str__(self) -> str:
        return self.domain


class KeywordList(Audited, TimeStampedModel):
    """A department's keyword list (the engines' plain dict), one row per version."""

    department = models.CharField("提供部门", max_length=50)
    version = models.PositiveIntegerField("版本")
    data = models.JSONField("清单")
    fingerprint = models.CharField("指纹", max_length=64)
    note = models.CharField("修订说明", max_length=300)
    published_by = models.CharField("发布人", max_length=150, blank=True)

    class Meta:
        verbose_name = "售证广告关键词清单"
        verbose_name_plural = "售证广告关键词清单"
        ordering = ["department", "-version"]
        constraints = [models.UniqueConstraint(fields=["department", "version"],
                                               name="unique_keyword_version")]

    def __str__(self) -> str:
        return f"{self.department} 第 {self.version} 版"

    @classmethod
    def scope(cls, actor, mode: str):
        if actor.is_admin:
            return Q()
        return Q() if actor.is_regulator else None


class SuspectAd(Found):
    text = models.TextField("文本")
    text_sha256 = models.CharField(max_length=64)
    where = models.CharField("发布平台或网址", max_length=300, blank=True)
    source = models.CharField("来源", max_length=8, choices=AD_SOURCES.items())
    verdict = models.CharField("判定", max_length=10)
    score = models.PositiveSmallIntegerField("评分")
    matched = models.JSONField("命中关键词", default=list)
    normalised = models.TextField("归一化文本", blank=True)
    evasions = models.JSONField("规避手法", default=list)
    keywords = models.ForeignKey(KeywordList, verbose_name="关键词清单", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    keywords_label = models.CharField("关键词清单版本", max_length=80, blank=True)

    class Meta:
        verbose_name = "疑似售证广告"
        verbose_name_plural = "疑似售证广告"
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["organisation", "text_sha256"],
                                               name="unique_suspect_ad")]

    def __str__(self) -> str:
        return self.text[:40]


class Capture(Audited, TimeStampedModel):
    """Evidence of one visit to a suspect site: what was served, when, and its hashes."""

    suspect = models.ForeignKey(SuspectDomain, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="captures", verbose_name="疑似域名")
    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT,
                                     related_name="+")
    region = models.ForeignKey("orgs.Region", on_delete=models.PROTECT, related_name="+")
    url = models.CharField("网址", max_length=2000)
    final_url = models.CharField("最终网址", max_length=2000, blank=True)
    redirects = models.JSONField("跳转", default=list)
    http_status = models.PositiveSmallIntegerField("HTTP 状态", null=True, blank=True)
    captured_at = models.DateTimeField("取证时间")
    ok = models.BooleanField("取证成功", default=False)
    error_code = models.CharField(max_length=40, blank=True)
    error = models.CharField("失败原因", max_length=500, blank=True)
    html_sha256 = models.CharField(max_length=64, blank=True)
    screenshot_sha256 = models.CharField(max_length=64, blank=True)
    package_sha256 = models.CharField("证据包 SHA-256", max_length=64, blank=True)
    resources = models.JSONField("页面资源", default=list)
    tlsh = models.CharField("TLSH", max_length=80, blank=True)
    phash = models.CharField("感知哈希", max_length=32, blank=True)
    signals = models.JSONField("页面特征", default=dict)
    similarity = models.JSONField("与官方页面的相似度", default=dict)
    score = models.PositiveSmallIntegerField("仿冒评分", default=0)
    reference_host = models.CharField("作为官方页面样本", max_length=253, blank=True)

    audit_exclude = ("resources", "signals", "similarity")

    class Meta:
        verbose_name = "网页取证"
        verbose_name_plural = "网页取证"
        ordering = ["-captured_at"]

    def __str__(self) -> str:
        return f"{self.url} @ {self.captured_at:%Y-%m-%d %H:%M}"

    @classmethod
    def scope(cls, actor, mode: str):
        return _regional_scope(actor, mode)


class Handover(Audited, TimeStampedModel):
    """A case of handover for takedown: the numbered 移交函 and its evidence package."""

    number = models.CharField("文号", max_length=60)
    year = models.PositiveIntegerField("年度")
    serial = models.PositiveIntegerField("序号")
    organisation = models.ForeignKey("orgs.Organisation", verbose_name="移交单位",
                                     on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("orgs.Region", on_delete=models.PROTECT, related_name="+")
    recipient = models.CharField("接收部门", max_length=6, choices=RECIPIENTS.items())
    recipient_name = models.CharField("接收单位名称", max_length=200)
    domain = models.ForeignKey(SuspectDomain, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="handovers")
    ad = models.ForeignKey(SuspectAd, null=True, blank=True, on_delete=models.PROTECT,
                           related_name="handovers")
    facts = models.TextField("事实与理由")
    status = models.CharField("状态", max_length=12, choices=HANDOVER_STATUSES.items(),
                              default="handed_over")
    handed_at = models.DateTimeField("移交时间")
    disposed_at = models.DateTimeField("处置时间", null=True, blank=True)
    reappeared_at = models.DateTimeField("复现时间", null=True, blank=True)
    dark_since = models.DateTimeField("无法访问起", null=True, blank=True)
    last_checked_at = models.DateTimeField("最近复查", null=True, blank=True)
    letter_sha256 = models.CharField(max_length=64, blank=True)
    package_sha256 = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["handed_at", "region"], name="handover_handed_region"),
                   models.Index(fields=["disposed_at", "region"], name="handover_disposed_region")]
        verbose_name = "移交处置"
        verbose_name_plural = "移交处置"
        ordering = ["-handed_at"]
        constraints = [models.UniqueConstraint(fields=["organisation", "year", "serial"],
                                               name="unique_handover_number")]

    def __str__(self) -> str:
        return self.number

    @property
    def target(self) -> str:
        if self.domain is not None:
            return self.domain.domain
        return self.ad.text[:60] if self.ad is not None else ""

    @classmethod
    def scope(cls, actor, mode: str):
        return _regional_scope(actor, mode)


class HandoverEvent(Audited, models.Model):
    handover = models.ForeignKey(Handover, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField("事项", max_length=10, choices=HANDOVER_EVENTS.items())
    at = models.DateTimeField("时间")
    actor = models.CharField("操作人", max_length=150, blank=True)
    note = models.CharField("说明", max_length=500, blank=True)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = "移交处置记录"
        verbose_name_plural = "移交处置记录"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.handover_id} {self.get_kind_display()}"
