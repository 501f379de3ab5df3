"""Records institutions file (uploads, classes, sittings), the findings of their own check
and their answers, rectification plans, and the per-period self-inspection filings."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from certguard.core.models import TimeStampedModel
from certguard.core.signals import Audited
from certguard.institutions.reference import (
    ANSWER_KINDS,
    CLASS_KINDS,
    FILING_STATUSES,
    FINDING_STATUSES,
    KINDS,
    PLAN_STATUSES,
    SEVERITIES,
    UPLOAD_KINDS,
)


def org_scope(actor, action: str, *, field: str = "organisation") -> Q | None:
    """An institution (or issuing authority) sees and changes only its own records;
    regulators view those of organisations in their region's subtree; administrators all."""
    if actor.is_admin:
        return Q()
    if actor.organisation_id is None:
        return None
    own = Q(**{f"{field}_id": actor.organisation_id})
    if action == "view" and actor.is_regulator:
        return own | Q(**{f"{field}__region__code__startswith": actor.region_prefix})
    return own


class Period(Audited, TimeStampedModel):
    """A campaign period filings belong to; a filing after ``closes_on`` is recorded late."""

    name = models.CharField("期间名称", max_length=100)
    start = models.DateField("开始日期")
    end = models.DateField("结束日期")
    closes_on = models.DateField("报送截止日期")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "自查期间"
        verbose_name_plural = "自查期间"
        ordering = ["-start", "-id"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope(cls, actor, action: str):
        if actor.is_admin:
            return Q()
        return Q() if actor.organisation_id is not None and action == "view" else None


class RecordUpload(Audited, TimeStampedModel):
    """One file an institution filed, kept with its fingerprint and per-row report."""

    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT,
                                     related_name="+", verbose_name="机构")
    kind = models.CharField("记录类别", max_length=10, choices=UPLOAD_KINDS.items())
    file_name = models.CharField("文件名", max_length=255)
    stored_path = models.CharField("保存位置", max_length=500)
    size = models.BigIntegerField("大小（字节）", default=0)
    sha256 = models.CharField("文件指纹", max_length=64, db_index=True)
    rows_read = models.PositiveIntegerField("读取行数", default=0)
    accepted = models.PositiveIntegerField("接受行数", default=0)
    rejected_count = models.PositiveIntegerField("拒绝行数", default=0)
    rejected = models.JSONField("被拒绝的行", default=list, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    verbose_name="上传人")

    class Meta:
        verbose_name = "机构记录上传"
        verbose_name_plural = "机构记录上传"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.file_name

    @classmethod
    def scope(cls, actor, action: str):
        return org_scope(actor, action)


class TrainingRecord(Audited, models.Model):
    """One trainee's attendance of one class (exchange format ``training``)."""

    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT,
                                     related_name="+")
    upload = models.ForeignKey(RecordUpload, on_delete=models.PROTECT, related_name="classes")
    line = models.PositiveIntegerField("行号")
    institution_code = models.CharField("机构代码", max_length=40)
    class_id = models.CharField("培训班", max_length=60, db_index=True)
    class_kind = models.CharField("培训类型", max_length=10, choices=CLASS_KINDS.items(),
                                  default="initial")
    trainee_id_no = models.CharField("身份证号", max_length=18, db_index=True)
    trainee_name = models.CharField("姓名", max_length=50)
    item_code = models.CharField("操作项目", max_length=20)
    start_date = models.DateField("开班日期")
    end_date = models.DateField("结业日期")
    hours = models.DecimalField("学时", max_digits=7, decimal_places=1)
    cert_no = models.CharField("所持证书编号", max_length=40, blank=True)
    current = models.BooleanField("现行记录", default=True)  # False: replaced by a later file

    class Meta:
        verbose_name = "培训记录"
        verbose_name_plural = "培训记录"
        ordering = ["class_id", "trainee_id_no", "id"]
        indexes = [models.Index(fields=["organisation", "current"])]

    def __str__(self) -> str:
        return f"{self.class_id} {self.trainee_name}"

    @classmethod
    def scope(cls, actor, action: str):
        return org_scope(actor, action)


class ExamSitting(Audited, models.Model):
    """One candidate's sitting of one exam (exchange format ``exams``)."""

    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT,
                                     related_name="+")
    upload = models.ForeignKey(RecordUpload, on_delete=models.PROTECT, related_name="sittings")
    line = models.PositiveIntegerField("行号")
    exam_center_code = models.CharField("考点代码", max_length=40)
    candidate_id_no = models.CharField("身份证号", max_length=18, db_index=True)
    candidate_name = models.CharField("姓名", max_length=50)
    item_code = models.CharField("操作项目", max_length=20)
    exam_date = models.DateField("考试日期")
    start_time = models.DateTimeField("开考时间", null=True, blank=True)
    end_time = models.DateTimeField("交卷时间", null=True, blank=True)
    theory_score = models.DecimalField("理论成绩", max_digits=5, decimal_places=1, null=True,
                                       blank=True)
    practical_score = models.DecimalField("实操成绩", max_digits=5, decimal_places=1,
                                          null=True, blank=True)
    passed = models.BooleanField("合格")
    current = models.BooleanField("现行记录", default=True)

    class Meta:
        verbose_name = "考试记录"
        verbose_name_plural = "考试记录"
        ordering = ["exam_date", "candidate_id_no", "id"]
        indexes = [models.Index(fields=["organisation", "current"])]

    def __str__(self) -> str:
        return f"{self.exam_date} {self.candidate_name}"

    @classmethod
    def scope(cls, actor, action: str):
        return org_scope(actor, action)


class Finding(Audited, TimeStampedModel):
    """A problem the platform's check found in an institution's own records. Never deleted:
    when a later check no longer finds it, it is marked gone; the answers stay."""

    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT,
                                     related_name="+", verbose_name="机构")
    key = models.CharField("识别码", max_length=64)
    rule = models.CharField("规则", max_length=8, db_index=True)
    severity = models.CharField("严重程度", max_length=8, choices=SEVERITIES.items())
    detail = models.TextField("说明")
    evidence = models.JSONField("证据", default=dict, blank=True)
    rows = models.JSONField("相关记录", default=list, blank=True)
    id_no = models.CharField("身份证号", max_length=18, blank=True)
    name = models.CharField("姓名", max_length=50, blank=True)
    cert_no = models.CharField("证书编号", max_length=40, blank=True)
    item_code = models.CharField("操作项目", max_length=20, blank=True)
    department = models.CharField("主管部门类别", max_length=10, default="yj")
    status = models.CharField("状态", max_length=10, choices=FINDING_STATUSES.items(),
                              default="open", db_index=True)
    present = models.BooleanField("最近一次检查仍存在", default=True)
    last_seen = models.DateTimeField("最近一次发现", null=True, blank=True)
    clue_id = models.BigIntegerField("线索", null=True, blank=True)
    referred_at = models.DateTimeField("转为线索时间", null=True, blank=True)
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    # The records behind a finding are a copy of the audited training and exam records.
    audit_exclude = ("rows",)

    class Meta:
        verbose_name = "机构自查发现的问题"
        verbose_name_plural = "机构自查发现的问题"
        ordering = ["-present", "rule", "id"]
        constraints = [models.UniqueConstraint(fields=["organisation", "key"],
                                               name="institutions_finding_key")]

    def __str__(self) -> str:
        return f"{self.rule} {self.detail[:30]}"

    @property
    def rule_label(self) -> str:
        from certguard.institutions.reference import RULE_LABELS

        return RULE_LABELS.get(self.rule, self.rule)

    @classmethod
    def scope(cls, actor, action: str):
        return org_scope(actor, action)


class Plan(Audited, TimeStampedModel):
    """A rectification (整改) plan: measures, a deadline, progress with evidence."""

    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT,
                                     related_name="+", verbose_name="机构")
    finding = models.ForeignKey(Finding, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="plans", verbose_name="问题")
    measures = models.TextField("整改措施")
    deadline = models.DateField("整改期限")
    status = models.CharField("状态", max_length=12, choices=PLAN_STATUSES.items(),
                              default="in_progress")
    done_on = models.DateField("完成日期", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "整改计划"
        verbose_name_plural = "整改计划"
        ordering = ["deadline", "id"]

    def __str__(self) -> str:
        return f"整改计划 #{self.pk}"

    @classmethod
    def scope(cls, actor, action: str):
        return org_scope(actor, action)


class PlanProgress(Audited, models.Model):
    """One step of a plan: what was done, with its evidence file's fingerprint."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="progress")
    note = models.TextField("进展")
    evidence_name = models.CharField("佐证材料", max_length=255, blank=True)
    evidence_sha256 = models.CharField("佐证材料指纹", max_length=64, blank=True)
    evidence_path = models.CharField("保存位置", max_length=500, blank=True)
    completes = models.BooleanField("整改完成", default=False)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                           on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "整改进展"
        verbose_name_plural = "整改进展"
        ordering = ["plan_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.at:%Y-%m-%d}"


class Answer(Audited, models.Model):
    """The institution's answer to a finding (kept in order; a later one adds, never replaces)."""

    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="answers")
    kind = models.CharField("答复方式", max_length=12, choices=ANSWER_KINDS.items())
    text = models.TextField("内容")
    plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                           on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "问题答复"
        verbose_name_plural = "问题答复"
        ordering = ["finding_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.finding_id} {self.get_kind_display()}"


class Filing(Audited, TimeStampedModel):
    """A self-inspection checklist of one organisation for one period, with the platform's
    own figures as they stood when filed."""

    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT,
                                     related_name="+", verbose_name="填报单位")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="filings",
                               verbose_name="自查期间")
    kind = models.CharField("类别", max_length=10, choices=KINDS.items())
    department = models.CharField("主管部门类别", max_length=10, default="yj")
    answers = models.JSONField("自查情况", default=dict, blank=True)
    figures = models.JSONField("平台统计", default=dict, blank=True)
    problems_found = models.PositiveIntegerField("发现问题（条）", default=0)
    procedures_streamlined = models.PositiveIntegerField("优化办事程序（条）", default=0)
    principal = models.CharField("主要负责人", max_length=50, blank=True)
    contact = models.CharField("填报人", max_length=50, blank=True)
    phone = models.CharField("联系电话", max_length=30, blank=True)
    status = models.CharField("状态", max_length=10, choices=FILING_STATUSES.items(),
                              default="filed")
    filed_at = models.DateTimeField("报送时间")
    late = models.BooleanField("逾期报送", default=False)
    return_reason = models.TextField("退回理由", blank=True)
    returned_at = models.DateTimeField("退回时间", null=True, blank=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "机构自查表"
        verbose_name_plural = "机构自查表"
        ordering = ["-filed_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["organisation", "period"],
                                               name="institutions_filing_once")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}自查表 {self.period_id}"

    @classmethod
    def scope(cls, actor, action: str):
        return org_scope(actor, action)
