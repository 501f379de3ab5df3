"""Case files (立案 → decision → closing), criminal referral with its clocks, the 以罚代刑
watch list, dishonesty listings and typical-case bulletins.

Evidence is linked by reference (kind + reference), never copied; a seller case fans out into
per-employer and per-worker cases (``parent``) that read the parent's evidence. The legal basis
of a case and of its decisions links articles of the penalty catalogue (``catalog``); a decision
may link the penalty decision enforcement recorded for a party."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from certguard.cases.reference import (
    BULLETIN_KINDS,
    BULLETIN_STATUSES,
    BULLETIN_TYPES,
    CASE_STATUSES,
    CLOCK_LABELS,
    CLOSURES,
    COURT_OUTCOMES,
    DECISION_KINDS,
    EVIDENCE_KINDS,
    LISTING_EVENTS,
    LISTING_STATUSES,
    LISTING_SUBJECTS,
    OWNER_LABELS,
    PARTY_KINDS,
    REFERRAL_EVENTS,
    REFERRAL_STATUSES,
    SOURCE_KINDS,
)
from certguard.core.models import TimeStampedModel
from certguard.core.signals import Audited

USER = settings.AUTH_USER_MODEL


def _regulator(actor, mode: str, prefix: str = "") -> Q | None:
    """Regulators see their region's subtree within their department type; they change only
    their own organisation's records."""
    if mode == "change":
        return Q(**{f"{prefix}organisation_id": actor.organisation_id})
    return Q(**{f"{prefix}region__code__startswith": actor.region_prefix,
                f"{prefix}department": actor.department})


def _judicial(actor, prefix: str) -> Q | None:
    """Police and prosecutors see only what was transferred to their own organisation."""
    field = {"police": "police_org_id", "prosecutor": "procuratorate_org_id"}.get(actor.role)
    if field is None or actor.organisation_id is None:
        return None
    return Q(**{f"{prefix}{field}": actor.organisation_id,
                f"{prefix}transferred_at__isnull": False})


class Case(Audited, TimeStampedModel):
    number = models.CharField("案号", max_length=60, unique=True)
    year = models.PositiveIntegerField("年度")
    seq = models.PositiveIntegerField("序号")
    title = models.CharField("案由", max_length=200)
    kind = models.CharField("案件类别", max_length=20, blank=True, choices=BULLETIN_KINDS.items())
    organisation = models.ForeignKey("orgs.Organisation", verbose_name="办案机关",
                                     on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("orgs.Region", verbose_name="地区", on_delete=models.PROTECT,
                               related_name="+")
    department = models.CharField("部门类别", max_length=10)
    status = models.CharField("状态", max_length=12, choices=CASE_STATUSES.items(),
                              default="open")
    source_kind = models.CharField("案件来源", max_length=12, choices=SOURCE_KINDS.items())
    source_ref = models.CharField("来源编号", max_length=100)
    parent = models.ForeignKey("self", verbose_name="上游（卖证）案件", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    facts = models.TextField("违法事实")
    markers = models.JSONField("涉嫌犯罪标记", default=list, blank=True)
    opened_by = models.ForeignKey(USER, verbose_name="立案人", null=True,
                                  on_delete=models.SET_NULL, related_name="+")
    opened_at = models.DateTimeField("立案时间")
    closed_at = models.DateTimeField("结案时间", null=True, blank=True)
    closure = models.CharField("结案方式", max_length=15, blank=True, choices=CLOSURES.items())
    closure_note = models.TextField("结案说明", blank=True)

    class Meta:
        verbose_name = "案件"
        verbose_name_plural = "案件"
        ordering = ["-opened_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["organisation", "year", "seq"],
                                               name="case_number_per_authority_year")]
        indexes = [models.Index(fields=["opened_at", "region"], name="case_opened_region"),
                   models.Index(fields=["region", "department", "status"])]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status != "closed"

    @classmethod
    def scope(cls, actor, mode: str):
        if actor.is_admin:
            return Q()
        if actor.is_regulator:
            return _regulator(actor, mode)
        if actor.is_judicial:
            return _judicial(actor, "referral__")
        return None


class CaseOfficer(Audited, models.Model):
    """The case team (行政处罚法 Art. 42: at least two officers)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="officers")
    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    lead = models.BooleanField("主办", default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="one_seat_per_case")]
        ordering = ["-lead", "id"]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.user_id}"


class CaseParty(Audited, models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    kind = models.CharField("当事人类别", max_length=20, choices=PARTY_KINDS.items())
    name = models.CharField("名称或姓名", max_length=200)
    id_no = models.CharField("身份证号", max_length=32, blank=True)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    phone = models.CharField("联系电话", max_length=30, blank=True)
    organisation = models.ForeignKey("orgs.Organisation", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")

    audit_exclude = ("id_no", "phone")

    class Meta:
        verbose_name = "当事人"
        verbose_name_plural = "当事人"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.name}"


class CaseEvidence(Audited, models.Model):
    """A link to evidence held elsewhere (a clue, an inspection finding or record, a photo, a
    penalty decision, a screening run, a page capture): kind and reference, never a copy.
    Clues, tips and the enforcement app's records are referenced by their number, checked
    when linked and shown as they stand through the owning app's selectors."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField("证据类别", max_length=20, choices=EVIDENCE_KINDS.items())
    ref = models.CharField("引用编号", max_length=100)
    title = models.CharField("说明", max_length=200, blank=True)
    added_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "证据"
        verbose_name_plural = "证据"
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["case", "kind", "ref"],
                                               name="evidence_linked_once")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.ref}"


class CaseBasis(Audited, models.Model):
    """The legal basis of a case: an article of the penalty catalogue (the version in force
    when it was cited). A row left by the migration from the old free keys that matched no
    article keeps the old text in ``legacy_ref`` (article empty) until a person fixes it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="bases")
    article = models.ForeignKey("catalog.PenaltyArticle", verbose_name="处罚条款", null=True,
                                blank=True, on_delete=models.PROTECT, related_name="+")
    legacy_ref = models.CharField("未能对应目录的原法律依据（待人工核对）", max_length=100,
                                  blank=True)

    class Meta:
        verbose_name = "案件法律依据"
        verbose_name_plural = "案件法律依据"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "article"], name="case_cites_article_once"),
            models.CheckConstraint(condition=Q(article__isnull=False) | ~Q(legacy_ref=""),
                                   name="case_basis_article_or_legacy"),
        ]

    def __str__(self) -> str:
        return self.article.code if self.article is not None else f"未匹配：{self.legacy_ref}"


class CaseDecision(Audited, models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField("决定类别", max_length=12, choices=DECISION_KINDS.items())
    number = models.CharField("文书编号", max_length=100)
    party = models.ForeignKey(CaseParty, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    article = models.ForeignKey("catalog.PenaltyArticle", verbose_name="法律依据（处罚条款）",
                                null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    legacy_basis = models.CharField("未能对应目录的原法律依据（待人工核对）", max_length=40,
                                    blank=True)
    amount = models.DecimalField("罚款金额（元）", max_digits=14, decimal_places=2, default=0)
    text = models.TextField("决定内容")
    penalty = models.ForeignKey("enforcement.PenaltyDecision", verbose_name="执法系统处罚决定",
                                null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    legacy_enforcement_ref = models.CharField("未能关联的原处罚决定编号（待人工核对）",
                                              max_length=100, blank=True)
    decided_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField("决定时间")

    class Meta:
        indexes = [models.Index(fields=["decided_at", "kind"], name="casedecision_decided_kind")]
        verbose_name = "处理决定"
        verbose_name_plural = "处理决定"
        ordering = ["decided_at", "id"]

    def __str__(self) -> str:
        return self.number


class Referral(Audited, TimeStampedModel):
    """移送涉嫌犯罪案件: one per case, through every hop of 国务院令第310号."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="referral")
    status = models.CharField("状态", max_length=20, choices=REFERRAL_STATUSES.items())
    reason = models.TextField("涉嫌犯罪的事实与理由")
    offences = models.JSONField("涉嫌罪名（法律依据）", default=list)
    police_org = models.ForeignKey("orgs.Organisation", verbose_name="接收的公安机关",
                                   on_delete=models.PROTECT, related_name="+")
    procuratorate_org = models.ForeignKey("orgs.Organisation", verbose_name="抄送的人民检察院",
                                          null=True, blank=True, on_delete=models.PROTECT,
                                          related_name="+")
    head_reasons = models.TextField("负责人意见", blank=True)
    transfer_no = models.CharField("移送书文号", max_length=60, blank=True)
    attachments = models.JSONField("附件清单", default=list, blank=True)
    transferred_at = models.DateTimeField("移送时间", null=True, blank=True)
    received_at = models.DateTimeField("回执时间", null=True, blank=True)
    police_case_no = models.CharField("公安立案编号", max_length=60, blank=True)
    police_reasons = models.TextField("不予立案理由", blank=True)
    accepted_at = models.DateTimeField("公安立案时间", null=True, blank=True)
    supervision_at = models.DateTimeField("建议立案监督时间", null=True, blank=True)
    early_at = models.DateTimeField("提前介入时间", null=True, blank=True)
    judged_at = models.DateTimeField("判决记录时间", null=True, blank=True)
    early_involvement = models.TextField("检察机关提前介入", blank=True)
    court_outcome = models.CharField("判决结果", max_length=15, blank=True,
                                     choices=COURT_OUTCOMES.items())
    court_note = models.TextField("判决说明", blank=True)

    class Meta:
        indexes = [models.Index(fields=["transferred_at"], name="referral_transferred_at"),
                   models.Index(fields=["accepted_at"], name="referral_accepted_at"),
                   models.Index(fields=["judged_at"], name="referral_judged_at"),
                   models.Index(fields=["early_at"], name="referral_early_at"),
                   models.Index(fields=["supervision_at"], name="referral_supervision_at")]
        verbose_name = "移送"
        verbose_name_plural = "移送"

    def __str__(self) -> str:
        return self.transfer_no or f"移送 {self.case_id}"

    @classmethod
    def scope(cls, actor, mode: str):
        if actor.is_admin:
            return Q()
        if actor.is_regulator:
            return _regulator(actor, mode, "case__")
        if actor.is_judicial:
            return _judicial(actor, "")
        return None


class ReferralEvent(Audited, models.Model):
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=REFERRAL_EVENTS.items())
    actor = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    note = models.TextField(blank=True)
    late = models.BooleanField("逾期", default=False)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.get_kind_display()


class Clock(Audited, models.Model):
    """One hop's deadline: started when the previous step was recorded (never a typed time),
    due per ``reference.CLOCKS``, owned by the party that owes the next step; met by that step
    (late when after the due time — recorded, never refused)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="clocks")
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="clocks")
    kind = models.CharField(max_length=20, choices=CLOCK_LABELS.items())
    owner = models.CharField(max_length=15, choices=OWNER_LABELS.items())
    owner_org = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT,
                                  related_name="+")
    started_at = models.DateTimeField()
    due_at = models.DateTimeField(db_index=True)
    met_at = models.DateTimeField(null=True, blank=True)
    late = models.BooleanField(default=False)

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [models.UniqueConstraint(fields=["referral", "kind"],
                                               name="one_clock_per_hop")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} 至 {self.due_at:%Y-%m-%d %H:%M}"

    @classmethod
    def scope(cls, actor, mode: str):
        """The agency's staff see their cases' clocks; police and prosecutors those of
        referrals transferred to them."""
        if actor.is_admin:
            return Q()
        if actor.is_regulator:
            return _regulator(actor, mode, "case__")
        if actor.is_judicial:
            return _judicial(actor, "referral__")
        return None


class SupervisionFlag(Audited, TimeStampedModel):
    """以罚代刑 watch: a case with criminal markers closed with a fine and no referral
    decision; listed to the department head and the procuratorate of the region."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="flag")
    region = models.ForeignKey("orgs.Region", on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT,
                                     related_name="+")
    department = models.CharField(max_length=10)
    markers = models.JSONField(default=list)
    fine = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.TextField(blank=True)

    class Meta:
        verbose_name = "以罚代刑预警"
        verbose_name_plural = "以罚代刑预警"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"预警 {self.case_id}"

    @classmethod
    def scope(cls, actor, mode: str):
        if actor.is_admin:
            return Q()
        if actor.is_regulator:
            return _regulator(actor, mode)
        if actor.role == "prosecutor":
            return Q(region__code__startswith=actor.region_prefix)
        return None


class ListingCondition(Audited, TimeStampedModel):
    """A listing condition of one jurisdiction (blank: national), versioned."""

    jurisdiction = models.CharField("适用地区（空为全国）", max_length=6, blank=True)
    code = models.CharField("条件代码", max_length=40)
    version = models.PositiveIntegerField("版本", default=1)
    title = models.CharField("列入情形", max_length=300)
    subject = models.CharField("对象", max_length=15, choices=LISTING_SUBJECTS.items())
    source = models.CharField("依据", max_length=300)
    effective_from = models.DateField("施行日期")
    effective_to = models.DateField("废止日期", null=True, blank=True)
    years = models.PositiveIntegerField("列入期限（年）", default=3)
    repair_after_months = models.PositiveIntegerField("可申请修复（月后）", default=12)
    objection_days = models.PositiveIntegerField("异议期（日）", default=5)

    class Meta:
        verbose_name = "失信名单列入条件"
        verbose_name_plural = "失信名单列入条件"
        ordering = ["jurisdiction", "code", "-version"]
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "code", "version"],
                                               name="listing_condition_version")]

    def __str__(self) -> str:
        return f"{self.title}（第{self.version}版）"


class Listing(Audited, TimeStampedModel):
    """严重失信主体名单 / 个人信用记录 for one party of a case."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="listings")
    party = models.ForeignKey(CaseParty, on_delete=models.PROTECT, related_name="listings")
    condition = models.ForeignKey(ListingCondition, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT,
                                     related_name="+")
    region = models.ForeignKey("orgs.Region", on_delete=models.PROTECT, related_name="+")
    department = models.CharField(max_length=10)
    status = models.CharField("状态", max_length=20, choices=LISTING_STATUSES.items())
    public_name = models.CharField("公示名称", max_length=200)
    facts = models.TextField("失信事实")
    noticed_at = models.DateTimeField("告知时间")
    objection_due_at = models.DateTimeField("异议期限")
    objection = models.TextField("异议内容", blank=True)
    decision_no = models.CharField("列入决定书文号", max_length=60, blank=True)
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)
    published_at = models.DateTimeField("公示时间", null=True, blank=True)
    expires_at = models.DateTimeField("期满移出时间", null=True, blank=True)
    removed_at = models.DateTimeField("移出时间", null=True, blank=True)
    repair_text = models.TextField("信用修复申请", blank=True)
    repair_requested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["decided_at"], name="listing_decided")]
        verbose_name = "失信名单"
        verbose_name_plural = "失信名单"
        ordering = ["-noticed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.public_name}（{self.get_status_display()}）"

    @classmethod
    def scope(cls, actor, mode: str):
        """Staff of the listing department's region see theirs; everyone else (the public
        page, read as the anonymous visitor) only what is published."""
        if actor.is_admin:
            return Q()
        if actor.is_regulator:
            return _regulator(actor, mode)
        return Q(status__in=("published", "repair_requested")) if mode == "view" else None


class ListingEvent(Audited, models.Model):
    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=LISTING_EVENTS.items())
    actor = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    note = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.get_kind_display()


class Bulletin(Audited, TimeStampedModel):
    """A typical-case bulletin: entries drafted from closed cases, masked by rule."""

    kind = models.CharField("通报类别", max_length=20, choices=BULLETIN_TYPES.items())
    period = models.CharField("期间", max_length=20)
    title = models.CharField("标题", max_length=200)
    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT,
                                     related_name="+")
    region = models.ForeignKey("orgs.Region", on_delete=models.PROTECT, related_name="+")
    department = models.CharField(max_length=10)
    status = models.CharField("状态", max_length=10, choices=BULLETIN_STATUSES.items(),
                              default="draft")
    entries = models.JSONField("案例（已脱敏）", default=list)
    case_ids = models.JSONField(default=list)
    drafted_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    approved_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "典型案例通报"
        verbose_name_plural = "典型案例通报"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def scope(cls, actor, mode: str):
        if actor.is_admin:
            return Q()
        if actor.is_regulator:
            return _regulator(actor, mode)
        return None
