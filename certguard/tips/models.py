"""Tip-offs: the report, its matter (what several reports may be about), the messages with the
anonymous reporter, the handling clocks, the jurisdiction's settings and the reward."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from certguard.core.models import TimeStampedModel
from certguard.core.signals import Audited
from certguard.tips.reference import (
    ACCIDENT_GRADES,
    CLOCK_KINDS,
    MESSAGE_KINDS,
    REFUSALS,
    REWARD_STATUSES,
    STATUSES,
    SUBJECT_KINDS,
)


class TipSettings(Audited, TimeStampedModel):
    """A jurisdiction's deadlines and reward schedule (region = its province, city or county;
    the most local row applies; none: the national defaults in ``reference.DEFAULTS``)."""

    region = models.OneToOneField("orgs.Region", on_delete=models.PROTECT, related_name="+",
                                  verbose_name="辖区")
    handling_days = models.PositiveIntegerField("办理期限（日）", default=60)
    extension_days = models.PositiveIntegerField("经上一级批准可延长（日）", default=30)
    feedback_days = models.PositiveIntegerField("办结后反馈期限（日）", default=10)
    reward_rate = models.DecimalField("奖励比例（罚款的）", max_digits=5, decimal_places=4,
                                      default=0.15)
    reward_min = models.DecimalField("最低奖励（元）", max_digits=12, decimal_places=2,
                                     default=3000)
    reward_max = models.DecimalField("最高奖励（元）", max_digits=12, decimal_places=2,
                                     default=300000)
    concealed_per_death = models.JSONField("瞒报事故每死亡1人奖励（元，按事故等级）",
                                           default=dict)
    concealed_max = models.DecimalField("瞒报事故奖励上限（元）", max_digits=12,
                                        decimal_places=2, default=300000)
    source = models.CharField("依据", max_length=300)

    class Meta:
        verbose_name = "举报办理与奖励设置"
        verbose_name_plural = "举报办理与奖励设置"

    def __str__(self) -> str:
        return f"{self.region_id} 举报设置"


class Matter(Audited, TimeStampedModel):
    """What one or more reports are about; the penalty on it, once final, is a recorded fact
    (later linked to enforcement's decision by its number)."""

    key = models.CharField("事项标识", max_length=200, db_index=True)
    title = models.CharField("事项", max_length=300)
    penalty_final = models.BooleanField("处罚已生效", default=False)
    fine_amount = models.DecimalField("罚款金额（元）", max_digits=14, decimal_places=2,
                                      null=True, blank=True)
    decision_no = models.CharField("处罚决定书文号", max_length=100, blank=True)
    final_on = models.DateField("生效日期", null=True, blank=True)
    concealed_deaths = models.PositiveIntegerField("瞒报事故死亡人数", default=0)
    accident_grade = models.CharField("事故等级", max_length=15, blank=True,
                                      choices=ACCIDENT_GRADES.items())
    enforcement_ref = models.CharField("执法系统处罚决定编号", max_length=100, blank=True)
    recorded_by = models.CharField("记录人", max_length=150, blank=True)

    class Meta:
        verbose_name = "举报事项"
        verbose_name_plural = "举报事项"

    def __str__(self) -> str:
        return self.title


class Tip(Audited, TimeStampedModel):
    receipt_hash = models.CharField(max_length=64, unique=True)
    subject_kind = models.CharField("举报对象类别", max_length=20, choices=SUBJECT_KINDS.items())
    subject_name = models.CharField("被举报对象", max_length=200)
    subject_code = models.CharField("证书编号、网址、信用代码等", max_length=200, blank=True)
    family = models.CharField("证书类别", max_length=30, blank=True)
    sector = models.CharField("行业", max_length=30, blank=True)
    place = models.ForeignKey("orgs.Region", verbose_name="发生地", on_delete=models.PROTECT,
                              related_name="+")
    description = models.TextField("举报内容")
    anonymous = models.BooleanField("匿名", default=True)
    insider = models.BooleanField("举报人为被举报单位职工", default=False)
    identity = models.BinaryField("举报人身份（加密）", null=True, blank=True)
    channel = models.CharField("渠道", max_length=10, default="web")
    department = models.CharField("承办部门类别", max_length=10)
    organisation = models.ForeignKey("orgs.Organisation", verbose_name="承办单位", null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField("状态", max_length=10, choices=STATUSES.items(),
                              default="received")
    refusal = models.CharField("不予受理理由", max_length=20, blank=True,
                               choices=REFUSALS.items())
    refusal_note = models.CharField("说明", max_length=500, blank=True)
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="duplicates", verbose_name="首次举报")
    matter = models.ForeignKey(Matter, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="tips")
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    accepted_at = models.DateTimeField("受理时间", null=True, blank=True)
    handled_at = models.DateTimeField("办结时间", null=True, blank=True)
    result = models.TextField("办理结果（告知举报人）", blank=True)
    clue_id = models.BigIntegerField("线索编号", null=True, blank=True)

    # The report's text and the reporter's identity never go into the change log.
    audit_exclude = ("identity", "description", "receipt_hash", "subject_name", "subject_code")

    class Meta:
        verbose_name = "举报"
        verbose_name_plural = "举报"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["created_at", "place"], name="tip_created_place"),
                   models.Index(fields=["accepted_at", "place"], name="tip_accepted_place"),
                   models.Index(fields=["handled_at", "place"], name="tip_handled_place"),
                   models.Index(fields=["updated_at", "place", "status"],
                                name="tip_updated_place"),
                   models.Index(fields=["department", "status"])]

    def __str__(self) -> str:
        return f"举报 #{self.pk}"

    @property
    def is_first_of_matter(self) -> bool:
        return self.matter_id is not None and self.duplicate_of_id is None \
            and self.status in ("accepted", "handled")

    @classmethod
    def scope(cls, actor, mode: str):
        """Staff of the responsible department type see reports placed in their region's
        subtree; handling is for the department the report was routed to."""
        if actor.is_admin:
            return Q()
        if not actor.is_regulator or not actor.department:
            return None
        seen = Q(department=actor.department, place__code__startswith=actor.region_prefix)
        if mode == "view":
            return seen
        return seen & Q(organisation_id=actor.organisation_id)


class TipAttachment(Audited, models.Model):
    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField("类型", max_length=10)  # jpeg | png | gif | webp | pdf
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField(max_length=64)
    stored = models.CharField(max_length=200)  # file name under the var directory (encrypted)

    class Meta:
        verbose_name = "举报附件"
        verbose_name_plural = "举报附件"

    def __str__(self) -> str:
        return f"附件 {self.pk}（{self.kind}）"


class TipMessage(Audited, models.Model):
    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=10, choices=MESSAGE_KINDS.items())
    text = models.TextField()
    at = models.DateTimeField(auto_now_add=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")

    audit_exclude = ("text",)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d}"


class TipClock(Audited, models.Model):
    """A handling deadline: due time and owner; overdue ones go to the department head.
    Extended once, with the approval of the level above; closed by the step it waits for."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="clocks")
    kind = models.CharField(max_length=10, choices=CLOCK_KINDS.items())
    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT,
                                     related_name="+")
    started_at = models.DateTimeField()
    due_at = models.DateTimeField(db_index=True)
    met_at = models.DateTimeField(null=True, blank=True)
    extension_reason = models.CharField(max_length=500, blank=True)
    extension_requested_at = models.DateTimeField(null=True, blank=True)
    extended_by = models.CharField(max_length=150, blank=True)
    extended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at"]
        indexes = [models.Index(fields=["tip", "met_at", "due_at"], name="tipclock_open_due")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} 至 {self.due_at:%Y-%m-%d}"


class Reward(Audited, TimeStampedModel):
    tip = models.OneToOneField(Tip, on_delete=models.PROTECT, related_name="reward")
    amount = models.DecimalField("奖励金额（元）", max_digits=12, decimal_places=2)
    basis = models.CharField("计算依据", max_length=300)
    payee = models.BinaryField("收款信息（加密）")
    status = models.CharField(max_length=10, choices=REWARD_STATUSES.items(), default="claimed")
    decided_by = models.CharField(max_length=150, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    paid_by = models.CharField(max_length=150, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    voucher_no = models.CharField("付款凭证号", max_length=60, blank=True)
    note = models.CharField(max_length=300, blank=True)

    # The amount is confidential: the change log keeps that it changed, not how much.
    audit_exclude = ("payee", "amount", "basis")

    class Meta:
        indexes = [models.Index(fields=["paid_at", "status"], name="reward_paid_status")]
        verbose_name = "举报奖励"
        verbose_name_plural = "举报奖励"

    def __str__(self) -> str:
        return f"举报 #{self.tip_id} 的奖励"
