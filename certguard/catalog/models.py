"""The certificate catalogue as versioned data an administrator can correct without a release.

A family carries its lifecycle rules (validity, review cycle and window, extension); an item
is one operation (作业项目) with its training minimum. Rows have effective dates: a change is a
new version with a later ``effective_from``, so certificates issued earlier keep their meaning.
"""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import Q

from certguard.core.audit_writes import AuditedQuerySet
from certguard.core.models import TimeStampedModel
from certguard.core.signals import Audited


class Family(Audited, TimeStampedModel):
    key = models.CharField("证书类别代码", max_length=30, primary_key=True)
    name = models.CharField("证书名称", max_length=100)
    issuer = models.CharField("发证部门", max_length=50)
    lookup_site = models.CharField("官方查询网站", max_length=100, blank=True)
    source = models.CharField("数据来源代码", max_length=20, blank=True)
    validity_months = models.PositiveIntegerField("有效期（月）")
    review_cycle_months = models.PositiveIntegerField("复审周期（月）", null=True, blank=True,
                                                      help_text="空 = 有效期内不复审")
    review_window_days = models.PositiveIntegerField("复审申请期（到期前天数）", default=60)
    extended_review_cycle_months = models.PositiveIntegerField(
        "延长复审周期（月）", null=True, blank=True,
        help_text="连续从事本工种满规定年限且无违章的，经发证机关同意可延长复审周期")
    extension_min_years = models.PositiveIntegerField("延长复审所需连续从业年限", null=True,
                                                      blank=True)
    renewal_window_days = models.PositiveIntegerField("延期换证申请期（有效期届满前天数）",
                                                      default=60)
    renewal_months = models.PositiveIntegerField("延期换证延长（月）")
    min_age = models.PositiveIntegerField("最低年龄", default=18)
    retirement_age_male = models.PositiveIntegerField("男性退休年龄", default=60)
    retirement_age_female = models.PositiveIntegerField("女性退休年龄", default=50)
    confirmed = models.BooleanField("规则已核实", default=True)
    notes = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "证书类别"
        verbose_name_plural = "证书类别"
        ordering = ["key"]

    def __str__(self) -> str:
        return self.name


class Category(Audited, TimeStampedModel):
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="categories")
    code = models.CharField("类别代码", max_length=10)
    name = models.CharField("作业类别", max_length=100)

    class Meta:
        verbose_name = "作业类别"
        verbose_name_plural = "作业类别"
        ordering = ["family", "code"]
        constraints = [models.UniqueConstraint(fields=["family", "code"],
                                               name="unique_category_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ItemQuerySet(AuditedQuerySet):
    def effective_on(self, on: date) -> ItemQuerySet:
        return self.filter(Q(effective_from__lte=on),
                           Q(effective_to__isnull=True) | Q(effective_to__gt=on))


class Item(Audited, TimeStampedModel):
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="items")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="items")
    code = models.CharField("操作项目代码", max_length=10)
    name = models.CharField("操作项目", max_length=100)
    min_training_hours = models.DecimalField("最低培训学时", max_digits=6, decimal_places=1,
                                             null=True, blank=True)
    min_age = models.PositiveIntegerField("最低年龄（空 = 按证书类别）", null=True, blank=True)
    version = models.PositiveIntegerField("版本", default=1)
    effective_from = models.DateField("生效日期", default=date(1990, 1, 1))
    effective_to = models.DateField("失效日期", null=True, blank=True)
    confirmed = models.BooleanField("已核实", default=True)

    objects = ItemQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        verbose_name = "操作项目"
        verbose_name_plural = "操作项目"
        ordering = ["family", "code", "-version"]
        constraints = [models.UniqueConstraint(fields=["family", "code", "version"],
                                               name="unique_item_version")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


# --- Official certificate query hosts (network governance, public URL check) ----------------

class OfficialHostVersion(Audited, TimeStampedModel):
    """One published version of the allow-list of official query hosts (DOMAIN.md §6): the
    whole list as plain entries ({host, operator, platform, status, authority_names,
    trade_names}). A correction is a new version; earlier ones stay for the record. Without any
    version the package default (``data/official_hosts.json``) is in force as version 0."""

    version = models.PositiveIntegerField("版本", unique=True)
    entries = models.JSONField("网址清单")
    note = models.CharField("修订说明", max_length=300)
    published_by = models.CharField("发布人", max_length=150, blank=True)

    class Meta:
        verbose_name = "官方查询网址清单"
        verbose_name_plural = "官方查询网址清单"
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"官方查询网址清单 第 {self.version} 版"


# --- enforcement: penalty articles and discretion tiers (DOMAIN.md §3) -----------------------

class PenaltyArticleQuerySet(AuditedQuerySet):
    def effective_on(self, on: date) -> PenaltyArticleQuerySet:
        return self.filter(Q(effective_from__lte=on),
                           Q(effective_to__isnull=True) | Q(effective_to__gt=on))


class PenaltyArticle(Audited, TimeStampedModel):
    """A legal basis for a penalty (法律条款) with its statutory range, versioned: a correction is
    a new version with a later ``effective_from``. ``unconfirmed`` marks what DOMAIN.md could
    not confirm (an administrator corrects it without a release)."""

    code = models.CharField("条款代码", max_length=40)
    conduct = models.CharField("违法行为", max_length=200)
    basis = models.CharField("法律依据", max_length=200)
    penalty = models.TextField("处罚种类和幅度")
    party = models.CharField("处罚对象", max_length=12,
                             choices=[("organisation", "单位"), ("person", "个人")])
    min_amount = models.DecimalField("罚款下限（元）", max_digits=12, decimal_places=2,
                                     default=0)
    max_amount = models.DecimalField("罚款上限（元）", max_digits=12, decimal_places=2)
    suspension = models.BooleanField("可责令停产停业整顿", default=False)
    escalation_code = models.CharField("逾期不改正时适用的条款代码", max_length=40, blank=True)
    source = models.CharField("来源", max_length=300)
    unconfirmed = models.BooleanField("未核实", default=False)
    version = models.PositiveIntegerField("版本", default=1)
    effective_from = models.DateField("生效日期", default=date(2021, 9, 1))
    effective_to = models.DateField("失效日期", null=True, blank=True)

    objects = PenaltyArticleQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        verbose_name = "处罚条款"
        verbose_name_plural = "处罚条款"
        ordering = ["code", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"],
                                               name="unique_penalty_article_version")]

    def __str__(self) -> str:
        return f"{self.basis}（{self.conduct}）"


class DiscretionTier(Audited, TimeStampedModel):
    """A tier of the discretion benchmark (裁量基准) under an article: when it applies and the
    range inside the statutory one."""

    article = models.ForeignKey(PenaltyArticle, on_delete=models.PROTECT, related_name="tiers")
    code = models.CharField("档次代码", max_length=20)
    label = models.CharField("档次", max_length=100)
    condition = models.CharField("适用情形", max_length=300)
    min_people = models.PositiveIntegerField("涉及人数下限", default=0)
    max_people = models.PositiveIntegerField("涉及人数上限（空 = 不限）", null=True, blank=True)
    uncorrected = models.BooleanField("逾期未改正", default=False)
    min_amount = models.DecimalField("罚款下限（元）", max_digits=12, decimal_places=2,
                                     default=0)
    max_amount = models.DecimalField("罚款上限（元）", max_digits=12, decimal_places=2)
    suspension = models.BooleanField("责令停产停业整顿", default=False)
    source = models.CharField("来源", max_length=300)
    unconfirmed = models.BooleanField("未核实", default=True)

    class Meta:
        verbose_name = "处罚裁量档次"
        verbose_name_plural = "处罚裁量档次"
        ordering = ["article", "code"]
        constraints = [models.UniqueConstraint(fields=["article", "code"],
                                               name="unique_discretion_tier")]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"
