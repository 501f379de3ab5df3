from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from certguard.core.scoping import RestrictedQuerySet


def _new_uid() -> str:
    return uuid.uuid4().hex


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        abstract = True


class AuditEntry(models.Model):
    """One append-only entry. Writers only insert; the sealer gives it ``seq`` and its hash.

    Each entry is signed when written (``mac``, keyed HMAC of its content), so a pending entry
    is as protected as a sealed one; inserting without touching a shared chain head keeps web
    workers from queueing behind each other; sealing in order afterwards gives the chain.
    """

    class Action(models.TextChoices):
        CREATE = "create", "新增"
        UPDATE = "update", "修改"
        DELETE = "delete", "删除"
        READ = "read", "查看个人信息"
        LOGIN = "login", "登录"
        LOGIN_FAILED = "login_failed", "登录失败"
        LOGOUT = "logout", "退出"
        EXPORT = "export", "导出"
        QUERY = "query", "查询"
        ADMIN = "admin", "管理后台操作"
        ALARM = "alarm", "审计告警"

    uid = models.CharField(max_length=32, unique=True, default=_new_uid, editable=False)
    at = models.DateTimeField("时间", db_index=True)
    actor_id = models.BigIntegerField("操作人ID", null=True, blank=True)
    actor = models.CharField("操作人", max_length=150, blank=True)
    organisation_id = models.BigIntegerField("所属单位ID", null=True, blank=True)
    action = models.CharField("动作", max_length=20, choices=Action.choices)
    object_type = models.CharField("对象类型", max_length=100, blank=True)
    object_id = models.CharField("对象", max_length=100, blank=True)
    summary = models.CharField("摘要", max_length=300, blank=True)
    data = models.JSONField("详情", default=dict, blank=True)
    ip = models.CharField("来源地址", max_length=64, blank=True)
    seq = models.BigIntegerField("序号", null=True, blank=True, unique=True)
    key_id = models.CharField("密钥编号", max_length=16, blank=True)
    mac = models.CharField("写入校验码", max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, blank=True)  # "forged": refused by the sealer

    class Meta:
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        indexes = [models.Index(fields=["object_type", "object_id"]),
                   models.Index(fields=["actor_id", "at"])]

    def __str__(self) -> str:
        return f"#{self.seq or '-'} {self.at:%Y-%m-%d %H:%M:%S} {self.actor} {self.action}"


class AuditSeal(models.Model):
    """A checkpoint written by every sealing pass (and exported as the anchor file)."""

    at = models.DateTimeField(auto_now_add=True)
    upto_seq = models.BigIntegerField(unique=True)
    head_hash = models.CharField(max_length=64)
    key_id = models.CharField(max_length=16, blank=True)
    mac = models.CharField(max_length=64)

    class Meta:
        verbose_name = "审计日志封存点"
        verbose_name_plural = "审计日志封存点"

    def __str__(self) -> str:
        return f"封存至第 {self.upto_seq} 条"


class Job(TimeStampedModel):
    """A background job users can watch: a row with progress, result or error."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "运行中"
        SUCCEEDED = "succeeded", "已完成"
        FAILED = "failed", "失败"

    kind = models.CharField("任务类型", max_length=50)
    title = models.CharField("任务名称", max_length=200)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发起人", null=True,
                              blank=True, on_delete=models.SET_NULL, related_name="jobs")
    organisation_id = models.BigIntegerField("发起单位ID", null=True, blank=True)
    params = models.JSONField("参数", default=dict, blank=True)
    status = models.CharField("状态", max_length=12, choices=Status.choices,
                              default=Status.QUEUED, db_index=True)
    done = models.BigIntegerField("已完成", default=0)
    total = models.BigIntegerField("总量", default=0)
    message = models.CharField("进度说明", max_length=300, blank=True)
    result = models.JSONField("结果", null=True, blank=True)
    error = models.TextField("错误", blank=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    # The lease: the worker running the job renews ``heartbeat_at``; a running job whose
    # heartbeat is older than JOB_LEASE_SECONDS lost its worker (see core/jobs.py job_reap).
    heartbeat_at = models.DateTimeField("心跳时间", null=True, blank=True)
    worker = models.CharField("执行进程", max_length=100, blank=True)

    class Meta:
        verbose_name = "后台任务"
        verbose_name_plural = "后台任务"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.title}（{self.get_status_display()}）"

    @property
    def percent(self) -> int:
        if self.status == self.Status.SUCCEEDED:
            return 100
        if not self.total:
            return 0
        return min(100, int(self.done * 100 / self.total))

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)

    @classmethod
    def scope(cls, actor, action: str):
        from django.db.models import Q

        if actor.is_admin:
            return Q()
        if actor.user_id is None:
            return None
        return Q(owner_id=actor.user_id)


# --- security (issue 10): rate limits shared by every server process --------------------------

class RateCounter(models.Model):
    """One fixed-window counter of the rate limits (``core.ratelimit``): the database is
    the store every worker process shares, so a limit holds whatever the number of workers."""

    bucket = models.CharField(max_length=200, primary_key=True)
    count = models.PositiveBigIntegerField(default=0)
    expires = models.BigIntegerField(db_index=True)  # Unix time after which it is stale

    class Meta:
        verbose_name = "限流计数"
        verbose_name_plural = "限流计数"

    def __str__(self) -> str:
        return f"{self.bucket}={self.count}"
