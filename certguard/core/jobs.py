"""Background jobs users can watch: a Job row with progress, run by Django's Tasks API.

A handler is a plain function ``handler(*, job, progress) -> dict``; it does its work through
services and returns the result. Either the whole result is stored with status "succeeded",
or the job ends "failed" with a message and no result: never a half-result marked complete.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from certguard.core.errors import AppError
from certguard.core.models import Job
from certguard.core.policy import known, require
from certguard.core.scoping import COMMAND_LINE, UserLike, account_of

log = logging.getLogger(__name__)
Handler = Callable[..., dict]
_handlers: dict[str, Handler] = {}
_actions: dict[str, str] = {}


def job_handler(kind: str, *, action: str) -> Callable[[Handler], Handler]:
    """Register a job kind; ``action`` is what its starter must be allowed to do."""
    known(action)

    def register(func: Handler) -> Handler:
        _handlers[kind] = func
        _actions[kind] = action
        return func
    return register


class Progress:
    """Writes progress to the Job row, at most a few times a second."""

    def __init__(self, job: Job, *, min_interval: float = 0.3) -> None:
        self.job = job
        self.min_interval = min_interval
        self._last = 0.0

    def __call__(self, done: int, total: int | None = None, message: str = "") -> None:
        now = time.monotonic()
        if now - self._last < self.min_interval and (total is None or done < total):
            return
        self._last = now
        fields = {"done": done, "message": message[:300]}
        if total is not None:
            fields["total"] = total
        Job.objects.filter(pk=self.job.pk).update(**fields, updated_at=timezone.now())


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
    if job.finished:
        return job
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, started_at=timezone.now())
    try:
        result = _handlers[job.kind](job=job, progress=Progress(job))
    except AppError as exc:
        _finish(job, status=Job.Status.FAILED, error=exc.message)
    except Exception:
        log.exception("job %s (%s) failed", job.pk, job.kind)
        _finish(job, status=Job.Status.FAILED, error="任务执行时发生内部错误，已记录，请联系管理员")
    else:
        _finish(job, status=Job.Status.SUCCEEDED, result=result)
    job.refresh_from_db()
    return job


def _finish(job: Job, *, status: str, result: dict | None = None, error: str = "") -> None:
    fields = {"status": status, "finished_at": timezone.now(), "error": error, "result": result}
    if status == Job.Status.SUCCEEDED:
        fields["message"] = "已完成"
    Job.objects.filter(pk=job.pk).update(**fields)


@job_handler("audit_verify", action="audit.verify")
def verify_audit_log(*, job: Job, progress: Progress) -> dict:
    from certguard.core.audit_chain import audit_seal, audit_verify

    progress(0, None, "正在封存待处理的审计日志")
    sealed = audit_seal(force_ingest=True)
    report = audit_verify(progress=lambda done, total: progress(done, total, "正在校验哈希链"))
    return {"sealed": sealed, **report.as_dict()}
