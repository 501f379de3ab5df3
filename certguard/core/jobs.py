"""Background jobs users can watch: a Job row with progress, run by Django's Tasks API.

A handler is a plain function ``handler(*, job, progress) -> dict``; it does its work through
services and returns the result. Either the whole result is stored with status "succeeded",
or the job ends "failed" with a message and no result: never a half-result marked complete.

A worker process can die mid-job (killed, out of memory, machine down). The job then holds a
lease: while it runs, a thread of the worker renews ``Job.heartbeat_at`` every third of
``JOB_LEASE_SECONDS``; every live worker looks for running jobs whose heartbeat is older than
the lease (``job_reap``) and marks them failed with a Chinese reason, then calls the kind's
``on_abandon`` hook so the domain rows (a roster upload, a screening run) follow. A lost job
is never resumed: the user starts it again from a clean state.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from certguard.core.errors import AppError
from certguard.core.models import Job
from certguard.core.policy import known, require
from certguard.core.scoping import COMMAND_LINE, UserLike, account_of

log = logging.getLogger(__name__)
Handler = Callable[..., dict]
_handlers: dict[str, Handler] = {}
_actions: dict[str, str] = {}
Abandon = Callable[..., bool]
_abandon: dict[str, Abandon] = {}
_running: set[int] = set()  # jobs this process is running now (never reaped by itself)

LOST_MESSAGE = ("后台任务进程意外中断（超过 {lease} 秒没有心跳），任务未完成，"
                "没有保存任何结果；请重新发起")


def job_handler(kind: str, *, action: str,
                on_abandon: Abandon | None = None) -> Callable[[Handler], Handler]:
    """Register a job kind; ``action`` is what its starter must be allowed to do.

    ``on_abandon(*, job, reason) -> bool`` is called (in the reaper's transaction) when a
    running job of this kind lost its worker: it marks the domain rows the job was filling as
    failed and returns True, or returns False when they had been completed (the worker died
    after committing its work, before recording the job's end)."""
    known(action)

    def register(func: Handler) -> Handler:
        _handlers[kind] = func
        _actions[kind] = action
        if on_abandon is not None:
            _abandon[kind] = on_abandon
        return func
    return register


def worker_name() -> str:
    return f"{socket.gethostname()[:80]}:{os.getpid()}"


def _lease() -> timedelta:
    return timedelta(seconds=settings.JOB_LEASE_SECONDS)


def _inline_backend() -> bool:
    """Jobs run inside the caller (tests, the immediate backend): no worker to lose."""
    from django_tasks import default_task_backend
    from django_tasks.backends.immediate import ImmediateBackend

    return isinstance(default_task_backend, ImmediateBackend)


class _Heartbeat(threading.Thread):
    """Renews the lease of one running job until stopped."""

    def __init__(self, job_id: int) -> None:
        super().__init__(name=f"job-heartbeat-{job_id}", daemon=True)
        self.job_id = job_id
        self.stop = threading.Event()
        self.interval = max(0.5, settings.JOB_LEASE_SECONDS / 3)

    def run(self) -> None:
        try:
            while not self.stop.wait(self.interval):
                try:
                    Job.objects.filter(pk=self.job_id, status=Job.Status.RUNNING).update(
                        heartbeat_at=timezone.now())
                except Exception:  # a busy database: the next beat retries within the lease
                    log.warning("heartbeat of job %s not written", self.job_id, exc_info=True)
        finally:
            connection.close()


class Progress:
    """Writes progress to the Job row, at most a few times a second."""

    def __init__(self, job: Job, *, min_interval: float = 0.3) -> None:
        self.job = job
        self.min_interval = min_interval
        self._last = 0.0

    def __call__(self, done: int, total: int | None = None, message: str = "") -> None:
        tick = time.monotonic()
        if tick - self._last < self.min_interval and (total is None or done < total):
            return
        self._last = tick
        fields = {"done": done, "message": message[:300]}
        if total is not None:
            fields["total"] = total
        now = timezone.now()
        Job.objects.filter(pk=self.job.pk).update(**fields, updated_at=now, heartbeat_at=now)


def job_start(*, kind: str, title: str, owner: UserLike = None,
              organisation_id: int | None = None, params: dict | None = None) -> Job:
    if kind not in _handlers:
        raise AppError("job_unknown", f"未知的任务类型：{kind}")
    require(owner if owner is not None else COMMAND_LINE, _actions[kind])
    from certguard.core.tasks import run_job

    job = Job.objects.create(kind=kind, title=title, params=params or {},
                             owner=account_of(owner),
                             organisation_id=organisation_id)
    transaction.on_commit(lambda: _enqueue(run_job, job))
    return job


def _enqueue(task, job: Job) -> None:
    result = task.enqueue(job.pk)
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])


def job_run(*, job_id: int) -> Job:
    """Run one job to its end; called by the task worker (or inline in tests)."""
    job = Job.objects.get(pk=job_id)
    now = timezone.now()
    # Only a queued job starts: a finished one is not run twice, and a running one (another
    # worker's, or a lost one the reaper will fail) is never resumed on its half-result.
    if not Job.objects.filter(pk=job.pk, status=Job.Status.QUEUED).update(
            status=Job.Status.RUNNING, started_at=now, heartbeat_at=now, worker=worker_name()):
        job.refresh_from_db()
        return job
    heartbeat = None if _inline_backend() else _Heartbeat(job.pk)
    _running.add(job.pk)
    if heartbeat is not None:
        heartbeat.start()
    try:
        result = _handlers[job.kind](job=job, progress=Progress(job))
    except AppError as exc:
        _finish(job, status=Job.Status.FAILED, error=exc.message)
    except Exception:
        log.exception("job %s (%s) failed", job.pk, job.kind)
        _finish(job, status=Job.Status.FAILED, error="任务执行时发生内部错误，已记录，请联系管理员")
    else:
        _finish(job, status=Job.Status.SUCCEEDED, result=result)
    finally:
        _running.discard(job.pk)
        if heartbeat is not None:
            heartbeat.stop.set()
            heartbeat.join()
    job.refresh_from_db()
    return job


def _finish(job: Job, *, status: str, result: dict | None = None, error: str = "") -> None:
    fields = {"status": status, "finished_at": timezone.now(), "error": error, "result": result}
    if status == Job.Status.SUCCEEDED:
        fields["message"] = "已完成"
    if not Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(**fields):
        log.warning("job %s ended after it was declared lost; its outcome is not kept", job.pk)


def job_reap(*, now: datetime | None = None) -> list[int]:
    """Fail every running job whose worker stopped renewing its lease; the domain rows follow.

    Called by every worker a few times a lease (``certguard worker``). Returns the jobs failed."""
    now = now or timezone.now()
    cutoff = now - _lease()
    stale = (Job.objects.filter(status=Job.Status.RUNNING)
             .filter(Q(heartbeat_at__lt=cutoff)
                     | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
                     | Q(heartbeat_at__isnull=True, started_at__isnull=True))
             .exclude(pk__in=list(_running)))
    reason = LOST_MESSAGE.format(lease=settings.JOB_LEASE_SECONDS)
    reaped = []
    for job in stale:
        with transaction.atomic():
            # The heartbeat in the filter: a beat written meanwhile keeps the job alive.
            if not Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING,
                                      heartbeat_at=job.heartbeat_at).update(
                    status=Job.Status.FAILED, finished_at=now, error=reason, result=None,
                    message="执行中断"):
                continue
            hook = _abandon.get(job.kind)
            if hook is not None and not hook(job=job, reason=reason):
                Job.objects.filter(pk=job.pk).update(
                    status=Job.Status.SUCCEEDED, error="", message="已完成",
                    result={"说明": "任务进程在登记结束前中断，但结果此前已完整保存"})
        log.warning("job %s (%s) lost its worker %s; marked failed", job.pk, job.kind,
                    job.worker or "?")
        reaped.append(job.pk)
    return reaped


@job_handler("audit_verify", action="audit.verify")
def verify_audit_log(*, job: Job, progress: Progress) -> dict:
    from certguard.core.audit_chain import audit_seal, audit_verify

    progress(0, None, "正在封存待处理的审计日志")
    sealed = audit_seal(force_ingest=True)
    report = audit_verify(progress=lambda done, total: progress(done, total, "正在校验哈希链"))
    return {"sealed": sealed, **report.as_dict()}
