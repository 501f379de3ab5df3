"""A roster upload (file kept, mapping, counts, status) and its per-row results."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from certguard.core.audit_writes import AuditedQuerySet
from certguard.core.models import TimeStampedModel
from certguard.core.scoping import RestrictedQuerySet
from certguard.core.signals import Audited
from certguard.selfcheck import outcomes
from certguard.workforce.scoping import employer_scope


class RosterUpload(Audited, TimeStampedModel):
    class Status(models.TextChoices):
        PREVIEW = "preview", "待确认"
        VERIFYING = "verifying", "核验中"
        VERIFIED = "verified", "已核验"
        HELD = "held", "待监管部门审核"
        FAILED = "failed", "核验失败"

    employer = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT,
                                 related_name="roster_uploads", verbose_name="用人单位")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    verbose_name="上传人")
    file_name = models.CharField("文件名", max_length=255)
    stored_path = models.CharField("保存位置", max_length=500)  # relative to VAR_DIR
    size = models.BigIntegerField("大小（字节）", default=0)
    sha256 = models.CharField("文件指纹", max_length=64, db_index=True)
    file_kind = models.CharField("文件格式", max_length=8, blank=True)
    mapping = models.JSONField("列对应关系", default=list, blank=True)
    overrides = models.JSONField("人工调整的列", default=dict, blank=True)
    status = models.CharField("状态", max_length=12, choices=Status.choices,
                              default=Status.PREVIEW, db_index=True)
    as_of = models.DateField("核验基准日", null=True, blank=True)
    accepted_count = models.PositiveIntegerField("读取成功行数", default=0)
    rejected_count = models.PositiveIntegerField("有误行数", default=0)
    counts = models.JSONField("结果统计", default=dict, blank=True)
    ledger_report = models.JSONField("台账更新", default=dict, blank=True)
    plan = models.JSONField("确认后的台账变动", default=dict, blank=True)
    held_reason = models.CharField("暂停原因", max_length=500, blank=True)
    job = models.ForeignKey("core.Job", null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="+", verbose_name="核验任务")
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    verified_at = models.DateTimeField("核验完成时间", null=True, blank=True)
    error = models.TextField("错误", blank=True)
    returned_at = models.DateTimeField("退回时间", null=True, blank=True)
    return_reason = models.TextField("退回理由", blank=True)

    class Meta:
        indexes = [models.Index(fields=["verified_at", "employer"],
                                name="upload_verified_employer")]
        verbose_name = "花名册"
        verbose_name_plural = "花名册"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.file_name

    @classmethod
    def scope(cls, actor, action: str):
        return employer_scope(actor, action)

    @property
    def is_returned(self) -> bool:
        return self.returned_at is not None

    @property
    def problem_count(self) -> int:
        return sum(v for k, v in (self.counts or {}).items() if k in outcomes.PROBLEMS)


class WorkerResult(models.Model):
    """One roster row's result; ``values`` as read, ``registry`` the certificate beside it."""

    upload = models.ForeignKey(RosterUpload, on_delete=models.CASCADE, related_name="results")
    sheet = models.CharField("工作表", max_length=100)
    row_no = models.PositiveIntegerField("行号")
    worker_name = models.CharField("姓名", max_length=50, blank=True)
    worker_id_no = models.CharField("身份证号", max_length=18, blank=True, db_index=True)
    cert_no = models.CharField("申报证书编号", max_length=40, blank=True)
    result = models.CharField("核验结果", max_length=20,
                              choices=list(outcomes.LABELS.items()), db_index=True)
    rules = models.JSONField("触发规则", default=list, blank=True)
    values = models.JSONField("申报内容", default=dict, blank=True)
    registry = models.JSONField("证书库记录", null=True, blank=True)
    evidence = models.JSONField("规则证据", default=list, blank=True)
    reason = models.CharField("未核验原因", max_length=300, blank=True)
    rectified_action = models.CharField("最近整改措施", max_length=10, blank=True)
    rectified_on = models.DateField("整改日期", null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["upload", "result", "rectified_on"],
                                name="result_upload_result_fixed")]
        verbose_name = "核验结果"
        verbose_name_plural = "核验结果"
        ordering = ["upload_id", "id"]

    def __str__(self) -> str:
        return f"{self.upload_id}#{self.row_no} {self.get_result_display()}"

    @classmethod
    def scope(cls, actor, action: str):
        return employer_scope(actor, action, field="upload__employer")


# --- Rectification, send-back, official-table answers, reminders (issue 5, items 4–6) -----

class Rectification(Audited, TimeStampedModel):
    """What the employer did about one problem row, and when. Every record is kept (history);
    the latest one is mirrored on the result for the figures."""

    class Action(models.TextChoices):
        TRANSFER = "transfer", "调岗"
        DISMISS = "dismiss", "辞退"
        RETRAIN = "retrain", "重新培训取证"
        REVIEW = "review", "复审"
        REPORT = "report", "线索上报"

    result = models.ForeignKey(WorkerResult, on_delete=models.CASCADE,
                               related_name="rectifications", verbose_name="核验结果")
    upload = models.ForeignKey(RosterUpload, on_delete=models.CASCADE,
                               related_name="rectifications", verbose_name="花名册")
    action = models.CharField("整改措施", max_length=10, choices=Action.choices)
    done_on = models.DateField("整改日期")
    note = models.CharField("说明", max_length=500, blank=True)
    cert_source = models.CharField("证书来源", max_length=500, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                           on_delete=models.SET_NULL, related_name="+", verbose_name="经办人")
    # A record carried over from an earlier upload of the same worker and certificate.
    carried_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name="沿用自")

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = "整改记录"
        verbose_name_plural = "整改记录"
        ordering = ["result_id", "-done_on", "-id"]

    def __str__(self) -> str:
        return f"{self.result_id} {self.get_action_display()} {self.done_on}"

    @classmethod
    def scope(cls, actor, action: str):
        return employer_scope(actor, action, field="upload__employer")


class UploadEvent(Audited, models.Model):
    """The regulator sends a filing back (退回, with a reason); the employer re-files."""

    class Kind(models.TextChoices):
        RETURNED = "returned", "退回"
        REFILED = "refiled", "重新报送"
        RELEASED = "released", "审核放行"

    upload = models.ForeignKey(RosterUpload, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField("事项", max_length=10, choices=Kind.choices)
    reason = models.TextField("理由/说明", blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                           on_delete=models.SET_NULL, related_name="+", verbose_name="操作人")
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "自查报送记录"
        verbose_name_plural = "自查报送记录"
        ordering = ["upload_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.upload_id} {self.get_kind_display()}"


class OfficialAnswers(Audited, TimeStampedModel):
    """The employer's answers for the official tables of one upload: the seven checklist
    items (自查情况/存在问题/整改措施) and the counts the ledger cannot give."""

    upload = models.OneToOneField(RosterUpload, on_delete=models.CASCADE,
                                  related_name="official_answers")
    checklist = models.JSONField("自查表答复", default=list, blank=True)
    principal = models.CharField("主要负责人", max_length=50, blank=True)
    contact = models.CharField("填报人", max_length=50, blank=True)
    phone = models.CharField("联系电话", max_length=30, blank=True)
    project = models.CharField("工程项目名称", max_length=200, blank=True)
    period = models.CharField("自查期间", max_length=40, blank=True)
    principals_total = models.PositiveIntegerField("主要负责人人数", null=True, blank=True)
    principals_certified = models.PositiveIntegerField("主要负责人考核合格人数", null=True,
                                                       blank=True)
    managers_total = models.PositiveIntegerField("安全生产管理人员人数", null=True, blank=True)
    managers_certified = models.PositiveIntegerField("安全生产管理人员考核合格人数",
                                                     null=True, blank=True)

    class Meta:
        verbose_name = "自查表填报"
        verbose_name_plural = "自查表填报"

    def __str__(self) -> str:
        return f"自查表 {self.upload_id}"


class Reminder(Audited, TimeStampedModel):
    """A regulator's reminder to an employer that has not filed its self-inspection."""

    employer = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE,
                                 related_name="selfcheck_reminders", verbose_name="用人单位")
    message = models.CharField("提醒内容", max_length=500)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+",
                                verbose_name="发送人")
    sender_name = models.CharField("发送单位", max_length=200, blank=True)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)
    read_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+",
                                verbose_name="阅读人")

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = "自查提醒"
        verbose_name_plural = "自查提醒"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.employer_id} {self.created_at:%Y-%m-%d}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @classmethod
    def scope(cls, actor, action: str):
        return employer_scope(actor, action)
