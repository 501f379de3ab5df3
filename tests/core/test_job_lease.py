"""The lease of a running job: a job whose heartbeat is older than JOB_LEASE_SECONDS lost its
worker and is failed with a Chinese reason; one still beating is left alone; a lost job is
never resumed. (The real kill -9 of a worker is in test_job_crash.py.)"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from certguard.core.jobs import job_handler, job_reap, job_run, job_start
from certguard.core.models import Job

_abandoned: list[int] = []


def _lost(*, job, reason):
    _abandoned.append(job.pk)
    return True


@job_handler("test_lease", action="jobs.view", on_abandon=_lost)
def _work(*, job, progress):
    progress(1, 1, "完成")
    return {"ok": 1}


def _running(cast, *, beat_seconds_ago: float | None) -> Job:
    job = job_start(kind="test_lease", title="租约测试", owner=cast.user_x)
    beat = None if beat_seconds_ago is None else timezone.now() - timedelta(
        seconds=beat_seconds_ago)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, heartbeat_at=beat,
                                         started_at=beat, worker="gone:1")
    return job


def test_a_job_without_heartbeat_for_longer_than_the_lease_is_failed(cast, settings):
    settings.JOB_LEASE_SECONDS = 30
    _abandoned.clear()
    lost, alive = _running(cast, beat_seconds_ago=31), _running(cast, beat_seconds_ago=5)
    assert job_reap() == [lost.pk]
    lost.refresh_from_db()
    alive.refresh_from_db()
    assert lost.status == Job.Status.FAILED and lost.result is None
    assert "意外中断" in lost.error and "30 秒" in lost.error and "请重新发起" in lost.error
    assert alive.status == Job.Status.RUNNING
    assert _abandoned == [lost.pk]  # the domain rows were told
    assert job_reap() == []  # once


def test_a_legacy_running_row_without_any_time_is_failed(cast):
    job = _running(cast, beat_seconds_ago=None)
    assert job_reap() == [job.pk]


def test_a_lost_job_is_not_resumed_by_a_new_worker(cast, settings):
    job = _running(cast, beat_seconds_ago=1)
    assert job_run(job_id=job.pk).status == Job.Status.RUNNING  # not run a second time
    assert job_run(job_id=job.pk).result is None
    job_reap(now=timezone.now() + timedelta(seconds=settings.JOB_LEASE_SECONDS + 1))
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.result is None
    assert job_run(job_id=job.pk).status == Job.Status.FAILED


def test_a_running_job_renews_its_lease_and_names_its_worker(
        cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(kind="test_lease", title="租约测试", owner=cast.user_x)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert job.heartbeat_at is not None and job.heartbeat_at >= job.started_at
    assert ":" in job.worker
