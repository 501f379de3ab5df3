"""Enforcement records: the registers (inspected units, inspectors and their recusals), the
annual plan, the verifiable draw, inspection tasks with their team, worker list, checklist and
findings, numbered documents, rectification orders, penalty decisions and their clocks."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from certguard.core.models import TimeStampedModel
from certguard.core.signals import Audited
from certguard.enforcement.reference import (
    CERT_RESULTS,
    CHECK_RESULTS,
    CLOCK_KINDS,
    DEFAULT_NUMBER_FORMAT,
    DOC_KINDS,
    DRAW_STATUSES,
    FINDING_KINDS,
    MODES,
    PENALTY_STATUSES,
    REVIEW_STATUSES,
    RISK_TIERS,
    SOURCES,
    STATUSES,
    UNIT_KINDS,
)

USER = settings.AUTH_USER_MODEL


def region_within(prefix: str, field: str = "region_id") -> Q:
    """Codes of a region's subtree as a range on the column itself (no join, index-friendly):
    "1405" → 140500 … 140599."""
    return Q(**{f"{field}__gte": prefix, f"{field}__lte": prefix + "9" * (6 - len(prefix))})


def _regional(actor, *, own_department: bool = True) -> Q | None:
    """Regulators of an enforcement department: records of their region's subtree and of their
    department type; campaign offices supervise every department of their region."""
    if actor.is_admin:
        return Q()
    if not actor.is_regulator:
        return None
    inside = region_within(actor.region_prefix)
    if actor.role == "campaign_office" or not own_department:
        return inside
    return inside & Q(department=actor.department)


class AuthoritySettings(Audited, TimeStampedModel):
    """An authority's short name and document-number format (the national format is
    unconfirmed: a setting per authority). Placeholders: {short} {word} {year} {n}."""

    organisation = models.OneToOneField("orgs.Organisation", on_delete=models.PROTECT,
                                        related_name="+", verbose_name="执法机关")
    short_name = models.CharField("机关简称", max_length=20)
    number_format = models.CharField("文书编号格式", max_length=100,
                                     default=DEFAULT_NUMBER_FORMAT)

    class Meta:
        verbose_name = "执法机关设置"
        verbose_name_plural = "执法机关设置"

    def __str__(self) -> str:
        return self.short_name


class CapSetting(Audited, TimeStampedModel):
    """The published yearly cap on inspections per enterprise, shared by every department
    (国办发〔2024〕54号); the most local row applies."""

    region = models.OneToOneField("orgs.Region", on_delete=models.PROTECT, related_name="+",
                                  verbose_name="辖区")
    yearly_cap = models.PositiveIntegerField("每家企业每年检查次数上限", default=2)
    source = models.CharField("依据", max_length=300)
    unconfirmed = models.BooleanField("未核实", default=True)

    class Meta:
        verbose_name = "入企检查次数上限"
        verbose_name_plural = "入企检查次数上限"

    def __str__(self) -> str:
        return f"{self.region_id} 每年{self.yearly_cap}次"


class RegisterUnit(Audited, TimeStampedModel):
    """A row of the inspected-unit register (检查对象名录库), drawn from ``orgs``: kind, sector,
    risk tier and region as the draw reads them."""

    organisation = models.OneToOneField("orgs.Organisation", on_delete=models.CASCADE,
                                        related_name="+", verbose_name="单位")
    kind = models.CharField("类型", max_length=12, choices=UNIT_KINDS.items())
    name = models.CharField("名称", max_length=200)
    sector = models.CharField("行业", max_length=30, blank=True)
    risk_tier = models.CharField("风险等级", max_length=1, choices=RISK_TIERS.items(),
                                 default="C")
    region = models.ForeignKey("orgs.Region", on_delete=models.PROTECT, related_name="+")
    active = models.BooleanField("在册", default=True)

    class Meta:
        verbose_name = "检查对象"
        verbose_name_plural = "检查对象名录库"
        ordering = ["region_id", "name"]
        indexes = [models.Index(fields=["region", "sector", "risk_tier"])]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope(cls, actor, mode: str):
        if actor.is_admin:
            return Q()
        if not actor.is_regulator:
            return None
        inside = Q(region__code__startswith=actor.region_prefix)
        if actor.role == "campaign_office":
            return inside
        return inside & (~Q(kind="enterprise") | Q(sector__in=actor.sectors))


class Inspector(Audited, TimeStampedModel):
    """A row of the inspector register (执法检查人员名录库)."""

    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+",
                             verbose_name="账户")
    name = models.CharField("姓名", max_length=50)
    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT,
                                     related_name="+", verbose_name="所在部门")
    department = models.CharField("部门类别", max_length=10)
    region = models.ForeignKey("orgs.Region", on_delete=models.PROTECT, related_name="+")
    cert_no = models.CharField("执法证号", max_length=30, unique=True)
    active = models.BooleanField("在册", default=True)

    class Meta:
        verbose_name = "执法检查人员"
        verbose_name_plural = "执法检查人员名录库"
        ordering = ["region_id", "name"]
        constraints = [models.UniqueConstraint(fields=["user", "organisation"],
                                               name="one_inspector_row_per_user_org")]

    def __str__(self) -> str:
        return f"{self.name}（{self.cert_no}）"

    @classmethod
    def scope(cls, actor, mode: str):
        if mode == "change" and not actor.is_admin:
            return Q(organisation_id=actor.organisation_id) if actor.is_regulator else None
        return _regional(actor)


class Recusal(Audited, TimeStampedModel):
    """A unit an inspector must not inspect (conflict of interest: 回避)."""

    inspector = models.ForeignKey(Inspector, on_delete=models.CASCADE, related_name="recusals")
    unit = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="+",
                             verbose_name="回避单位")
    reason = models.CharField("回避理由", max_length=200)

    class Meta:
        verbose_name = "回避"
        verbose_name_plural = "回避"
        constraints = [models.UniqueConstraint(fields=["inspector", "unit"],
                                               name="one_recusal_per_pair")]


class Plan(Audited, TimeStampedModel):
    """An annual inspection plan of a department (安全生产法 Art. 62)."""

    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT,
                                     related_name="+", verbose_name="执法部门")
    department = models.CharField("部门类别", max_length=10)
    region = models.ForeignKey("orgs.Region", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField("年度")
    title = models.CharField("计划名称", max_length=200)
    approved_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    approved_at = models.DateTimeField("批准时间", null=True, blank=True)

    class Meta:
        verbose_name = "年度检查计划"
        verbose_name_plural = "年度检查计划"
        ordering = ["-year", "organisation_id"]
        constraints = [models.UniqueConstraint(fields=["organisation", "year"],
                                               name="one_plan_per_department_year")]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def scope(cls, actor, mode: str):
        if mode == "change" and not actor.is_admin:
            return Q(organisation_id=actor.organisation_id) if actor.is_regulator else None
        return _regional(actor)


class PlanMatter(Audited, models.Model):
    """An inspection matter (检查事项): basis, subject, content, method — published."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="matters")
    basis = models.CharField("检查依据", max_length=300)
    subject = models.CharField("检查主体", max_length=100)
    content = models.CharField("检查内容", max_length=500)
    method = models.CharField("检查方式", max_length=100)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.content[:40]


class PlanProportion(Audited, models.Model):
    """The share (%) of a sector and risk tier to draw ("" sector = every sector)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="proportions")
    sector = models.CharField("行业", max_length=30, blank=True)
    risk_tier = models.CharField("风险等级", max_length=1, choices=RISK_TIERS.items())
    percent = models.DecimalField("抽取比例（%）", max_digits=5, decimal_places=2)

    class Meta:
        ordering = ["sector", "risk_tier"]
        constraints = [models.UniqueConstraint(fields=["plan", "sector", "risk_tier"],
                                               name="one_proportion_per_stratum")]

    def __str__(self) -> str:
        return f"{self.sector or '全部行业'} {self.risk_tier} {self.percent}%"


class Draw(Audited, TimeStampedModel):
    """A 双随机 draw: the registers are frozen and hashed and the seed's hash is committed
    first; the seed is revealed later and the selection follows deterministically, so anyone
    with the published files re-runs it (``certguard enforcement draw-verify``)."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="draws")
    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT,
                                     related_name="+")
    department = models.CharField(max_length=10)
    region = models.ForeignKey("orgs.Region", on_delete=models.PROTECT, related_name="+")
    status = models.CharField("状态", max_length=10, choices=DRAW_STATUSES.items(),
                              default="committed")
    commitment = models.CharField("种子承诺（SHA-256）", max_length=64)
    seed_source = models.CharField("种子来源说明", max_length=300)
    seed = models.CharField("随机种子", max_length=200, blank=True)
    cross_county = models.BooleanField("异地交叉检查", default=False)
    per_team = models.PositiveSmallIntegerField("每组检查人员数", default=2)
    params = models.JSONField("抽取参数", default=dict)
    units_hash = models.CharField("检查对象名录库哈希", max_length=64)
    inspectors_hash = models.CharField("执法人员名录库哈希", max_length=64)
    units_count = models.PositiveIntegerField(default=0)
    inspectors_count = models.PositiveIntegerField(default=0)
    units_file = models.BinaryField("检查对象名录库（压缩）")
    inspectors_file = models.BinaryField("执法人员名录库（压缩）")
    result = models.JSONField("抽取结果", default=list)
    result_hash = models.CharField("结果哈希", max_length=64, blank=True)
    committed_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField("公布时间", null=True, blank=True)

    audit_exclude = ("units_file", "inspectors_file", "result")

    class Meta:
        verbose_name = "双随机抽取"
        verbose_name_plural = "双随机抽取"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"抽取 #{self.pk}"

    @classmethod
    def scope(cls, actor, mode: str):
        if mode == "change" and not actor.is_admin:
            return Q(organisation_id=actor.organisation_id) if actor.is_regulator else None
        return _regional(actor)


class Task(Audited, TimeStampedModel):
    """An inspection of one unit by a team of ≥ 2, approved by the department head."""

    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT,
                                     related_name="+", verbose_name="执法部门")
    department = models.CharField("部门类别", max_length=10, db_index=True)
    target = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+",
                               verbose_name="被检查单位")
    target_name = models.CharField("被检查单位名称", max_length=200)
    target_kind = models.CharField("单位类型", max_length=12, choices=UNIT_KINDS.items())
    region = models.ForeignKey("orgs.Region", on_delete=models.PROTECT, related_name="+")
    sector = models.CharField("行业", max_length=30, blank=True)
    plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="tasks")
    draw = models.ForeignKey(Draw, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="tasks")
    source = models.CharField("来源", max_length=12, choices=SOURCES.items())
    source_ref = models.CharField("来源编号", max_length=50, blank=True)
    mode = models.CharField("检查方式", max_length=10, choices=MODES.items(), default="normal")
    secret = models.BooleanField("四不两直（检查开始前对被检查单位和组外人员保密）",
                                 default=False)
    planned_on = models.DateField("计划检查日期")
    status = models.CharField("状态", max_length=12, choices=STATUSES.items(),
                              default="draft", db_index=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    approved_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField("检查开始时间", null=True, blank=True)
    completed_at = models.DateTimeField("检查完成时间", null=True, blank=True, db_index=True)
    cancelled_reason = models.CharField("取消或不批准理由", max_length=300, blank=True)
    cap_reason = models.CharField("超出年度检查次数上限的理由", max_length=300, blank=True)
    parent_order = models.ForeignKey("RectificationOrder", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="reinspections")
    place = models.CharField("检查地点", max_length=200, blank=True)
    handling = models.TextField("处理意见", blank=True)
    unit_signed = models.BooleanField("被检查单位负责人已签字", default=False)
    refusal_note = models.CharField("拒绝签字情况", max_length=300, blank=True)

    class Meta:
        verbose_name = "检查任务"
        verbose_name_plural = "检查任务"
        ordering = ["-planned_on", "-id"]
        indexes = [models.Index(fields=["target", "planned_on"]),
                   # distinct units inspected: read from this index only
                   # (status too, so that SQLite reads the partial index alone: covering)
                   models.Index(fields=["completed_at", "region", "department", "sector",
                                        "target", "secret", "started_at", "organisation",
                                        "status"],
                                condition=Q(status="completed"), name="task_done_figures")]

    def __str__(self) -> str:
        return f"检查 #{self.pk} {self.target_name}"

    @property
    def hidden_from_target(self) -> bool:
        return self.secret and self.started_at is None

    @classmethod
    def scope(cls, actor, mode: str):
        """Regulators of the department type in the region subtree; a 四不两直 task before
        the visit starts only to its team and the department's head; the target's users see
        their inspections once approved and (if secret) started; changes: the team and head."""
        if actor.is_admin:
            return Q()
        if actor.is_anonymous:
            return None
        team = Q(pk__in=TaskMember.objects.filter(user_id=actor.user_id).values("task_id"))
        head = Q(organisation_id=actor.organisation_id) if actor.role == "department_head" \
            else Q(pk__in=[])
        if actor.role in ("enterprise_user", "institution_user"):
            if mode != "view":
                return None
            return Q(target_id=actor.organisation_id,
                     status__in=("approved", "in_progress", "completed")) & (
                Q(secret=False) | Q(started_at__isnull=False))
        if not actor.is_regulator:
            return None
        if mode == "change":
            return team | head
        inside = _regional(actor)
        assert inside is not None
        return inside & (Q(secret=False) | Q(started_at__isnull=False) | team | head)


class TaskMember(Audited, models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    inspector = models.ForeignKey(Inspector, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    lead = models.BooleanField("主办", default=False)

    class Meta:
        ordering = ["-lead", "id"]
        constraints = [models.UniqueConstraint(fields=["task", "user"],
                                               name="one_membership_per_task")]

    def __str__(self) -> str:
        return f"{self.task_id}:{self.user_id}"


class TaskWorker(Audited, models.Model):
    """A worker of the unit's ledger whose certificate must be checked (逢查必检证书)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="workers")
    id_no = models.CharField("身份证号", max_length=18)
    name = models.CharField("姓名", max_length=50)
    post = models.CharField("岗位", max_length=100, blank=True)
    cert_no = models.CharField("申报证书编号", max_length=40, blank=True)
    result = models.CharField("核验结果", max_length=16, choices=CERT_RESULTS.items(),
                              blank=True)
    method = models.CharField("核验方式", max_length=10, blank=True)  # qr | manual | offline
    detail = models.JSONField(default=dict, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    checked_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    version = models.PositiveIntegerField(default=0)

    audit_exclude = ("detail",)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class ChecklistEntry(Audited, models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="checklist")
    code = models.CharField(max_length=4)
    text = models.CharField("检查事项", max_length=500)
    result = models.CharField("检查情况", max_length=8, choices=CHECK_RESULTS.items(),
                              blank=True)
    note = models.CharField("说明及整改意见", max_length=1000, blank=True)
    version = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["task", "code"],
                                               name="one_entry_per_item")]

    def __str__(self) -> str:
        return self.code


class Finding(Audited, models.Model):
    """A problem found on site; region, department, sector and time are copied from the
    task so that the figures count findings without a join."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="findings")
    kind = models.CharField("问题类别", max_length=20, choices=FINDING_KINDS.items())
    description = models.TextField("问题描述")
    people = models.PositiveIntegerField("涉及人数", default=0)
    worker_id_no = models.CharField("涉及人员身份证号", max_length=18, blank=True)
    worker_name = models.CharField("涉及人员姓名", max_length=50, blank=True)
    region = models.ForeignKey("orgs.Region", on_delete=models.PROTECT, related_name="+")
    department = models.CharField(max_length=10)
    sector = models.CharField(max_length=30, blank=True)
    found_at = models.DateTimeField("发现时间", db_index=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    clue_id = models.BigIntegerField("线索编号", null=True, blank=True)
    client_key = models.CharField(max_length=40, blank=True)  # offline entry's own id

    class Meta:
        verbose_name = "检查发现的问题"
        verbose_name_plural = "检查发现的问题"
        ordering = ["found_at", "id"]
        indexes = [models.Index(fields=["found_at", "kind"])]

    def __str__(self) -> str:
        return self.get_kind_display()

    @classmethod
    def scope(cls, actor, mode: str):
        if mode == "change" and not actor.is_admin:
            working = Task.scope(actor, "change")
            return None if working is None else Q(task__in=Task.objects.filter(working))
        return _regional(actor)


class FindingPhoto(Audited, models.Model):
    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="photos")
    kind = models.CharField(max_length=10)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    stored = models.CharField(max_length=200)

    def __str__(self) -> str:
        return self.sha256[:12]


class DocumentCounter(Audited, models.Model):
    """The last number of a sequence (authority, kind, year), locked while a number is taken,
    so numbers have no gaps and are never reused."""

    authority = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT,
                                  related_name="+")
    kind = models.CharField(max_length=10, choices=DOC_KINDS.items())
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["authority", "kind", "year"],
                                               name="one_counter_per_sequence")]

    def __str__(self) -> str:
        return f"{self.authority_id}-{self.kind}-{self.year}: {self.last}"


class Document(Audited, TimeStampedModel):
    """An official document; its content is what the platform checked, the rest left blank
    for a person to fill; the PDF is rendered from it."""

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="documents")
    penalty = models.ForeignKey("PenaltyDecision", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField("文书种类", max_length=10, choices=DOC_KINDS.items())
    authority = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT,
                                  related_name="+")
    year = models.PositiveIntegerField()
    seq = models.PositiveIntegerField()
    number = models.CharField("文书编号", max_length=100)
    content = models.JSONField(default=dict)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "执法文书"
        verbose_name_plural = "执法文书"
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["authority", "kind", "year", "seq"],
                                               name="document_number_unique")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class RectificationOrder(Audited, TimeStampedModel):
    """责令限期整改: the deadline creates the re-inspection (复查) task."""

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="orders")
    document = models.OneToOneField(Document, on_delete=models.PROTECT, related_name="order")
    deadline = models.DateField("整改期限")
    items = models.TextField("整改事项")
    status = models.CharField("状态", max_length=15, default="open",
                              choices=[("open", "整改中"), ("corrected", "已整改"),
                                       ("not_corrected", "逾期未整改")])
    region = models.ForeignKey("orgs.Region", on_delete=models.PROTECT, related_name="+")
    department = models.CharField(max_length=10)
    sector = models.CharField(max_length=30, blank=True)
    issued_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "责令限期整改"
        verbose_name_plural = "责令限期整改"

    @classmethod
    def scope(cls, actor, mode: str):
        return _regional(actor)


class PenaltyDecision(Audited, TimeStampedModel):
    """A penalty with its basis: article and tier from the catalogue (as of the day), the
    amount, legal review when outside the tier's range, and the procedure's dates."""

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="penalties")
    finding = models.ForeignKey(Finding, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="penalties")
    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT,
                                     related_name="+", verbose_name="执法机关")
    department = models.CharField(max_length=10)
    region = models.ForeignKey("orgs.Region", on_delete=models.PROTECT, related_name="+")
    sector = models.CharField(max_length=30, blank=True)
    party_kind = models.CharField("当事人类别", max_length=12,
                                  choices=[("organisation", "单位"), ("person", "个人")])
    party_name = models.CharField("当事人", max_length=200)
    party_id_no = models.CharField("当事人证件号码", max_length=18, blank=True)
    article_code = models.CharField("处罚条款", max_length=40)
    article_version = models.PositiveIntegerField(default=1)
    basis = models.CharField("法律依据", max_length=200)
    tier_code = models.CharField("裁量档次", max_length=20, blank=True)
    range_min = models.DecimalField(max_digits=12, decimal_places=2)
    range_max = models.DecimalField(max_digits=12, decimal_places=2)
    amount = models.DecimalField("罚款金额（元）", max_digits=12, decimal_places=2)
    suspension = models.BooleanField("责令停产停业整顿", default=False)
    facts = models.TextField("违法事实")
    reason_outside = models.TextField("超出裁量幅度的理由", blank=True)
    review_status = models.CharField("法制审核", max_length=10, choices=REVIEW_STATUSES.items(),
                                     blank=True)
    review_note = models.CharField("审核意见", max_length=500, blank=True)
    reviewed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    status = models.CharField("状态", max_length=10, choices=PENALTY_STATUSES.items(),
                              default="draft")
    filed_at = models.DateTimeField("立案时间")
    notified_at = models.DateTimeField("告知时间", null=True, blank=True)
    hearing_requested = models.BooleanField("当事人申请听证", default=False)
    decided_at = models.DateTimeField("决定时间", null=True, blank=True, db_index=True)
    delivered_at = models.DateTimeField("送达时间", null=True, blank=True)
    paid_at = models.DateTimeField("缴纳时间", null=True, blank=True)
    paid_amount = models.DecimalField("实缴金额（元）", max_digits=12, decimal_places=2,
                                      null=True, blank=True)
    published_at = models.DateTimeField("公开时间", null=True, blank=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["decided_at", "region"], name="penalty_decided_region")]
        verbose_name = "行政处罚"
        verbose_name_plural = "行政处罚"
        ordering = ["-filed_at", "-id"]

    def __str__(self) -> str:
        return f"处罚 #{self.pk} {self.party_name}"

    @property
    def outside_range(self) -> bool:
        return not (self.range_min <= self.amount <= self.range_max)

    @classmethod
    def scope(cls, actor, mode: str):
        if mode == "change" and not actor.is_admin:
            return Q(organisation_id=actor.organisation_id) if actor.is_regulator else None
        return _regional(actor)


class Clock(Audited, models.Model):
    """A legal deadline with its owner; overdue ones are listed for the department head."""

    penalty = models.ForeignKey(PenaltyDecision, null=True, blank=True, on_delete=models.CASCADE,
                                related_name="clocks")
    order = models.ForeignKey(RectificationOrder, null=True, blank=True,
                              on_delete=models.CASCADE, related_name="clocks")
    kind = models.CharField(max_length=15, choices=CLOCK_KINDS.items())
    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT,
                                     related_name="+")
    region = models.ForeignKey("orgs.Region", on_delete=models.PROTECT, related_name="+")
    department = models.CharField(max_length=10)
    started_at = models.DateTimeField()
    due_at = models.DateTimeField(db_index=True)
    met_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} 至 {self.due_at:%Y-%m-%d}"

    @classmethod
    def scope(cls, actor, mode: str):
        return _regional(actor)


class DailyFigures(Audited, models.Model):
    """Additive figures per day, place, department and sector, kept as inspections are
    completed and findings recorded (figures over a period read these rows, not every
    record; the records themselves are listed from tasks and findings)."""

    day = models.DateField()
    region = models.ForeignKey("orgs.Region", on_delete=models.PROTECT, related_name="+")
    department = models.CharField(max_length=10)
    sector = models.CharField(max_length=30, blank=True)
    inspections = models.PositiveIntegerField(default=0)
    problems = models.PositiveIntegerField(default=0)
    uncertified_people = models.PositiveIntegerField(default=0)
    fake_cert_people = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "region", "department", "sector"],
                                               name="one_figures_row_per_day_place")]

    def __str__(self) -> str:
        return f"{self.day} {self.region_id} {self.department}"

    @classmethod
    def scope(cls, actor, mode: str):
        return _regional(actor)


def figures_add(*, when, region_id: str, department: str, sector: str, **counts: int) -> None:
    """Add to the day's figures (inside the caller's transaction; the row is locked)."""
    from django.db.models import F
    from django.utils import timezone

    key: dict[str, Any] = {"day": timezone.localdate(when), "region_id": region_id,
                           "department": department, "sector": sector}
    DailyFigures.objects.get_or_create(**key)
    DailyFigures.objects.filter(**key).update(**{k: F(k) + v for k, v in counts.items()})
