import pytest
from rest_framework.test import APIClient

from certguard.core.errors import AppError
from certguard.core.jobs import job_handler, job_run, job_start
from certguard.core.models import Job


@job_handler("test_count", action="jobs.view")
def _count(*, job, progress):
    for i in range(job.params["n"]):
        progress(i + 1, job.params["n"], f"第 {i + 1} 项")
    return {"counted": job.params["n"]}


@job_handler("test_fail", action="jobs.view")
def _fail(*, job, progress):
    progress(1, 2, "做了一半")
    raise AppError("bad_input", "第 3 行身份证号列缺失")


@job_handler("test_crash", action="jobs.view")
def _crash(*, job, progress):
    raise RuntimeError("boom")


def _run(kind, owner, django_capture_on_commit_callbacks, **params):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(kind=kind, title="测试任务", owner=owner, params=params)
    job.refresh_from_db()
    return job


def test_job_runs_through_the_task_backend(cast, django_capture_on_commit_callbacks):
    job = _run("test_count", cast.user_x, django_capture_on_commit_callbacks, n=5)
    assert job.status == Job.Status.SUCCEEDED
    assert job.result == {"counted": 5}
    assert (job.done, job.total, job.percent) == (5, 5, 100)
    assert job.task_id


def test_failed_job_keeps_no_result_and_says_why(cast, django_capture_on_commit_callbacks):
    job = _run("test_fail", cast.user_x, django_capture_on_commit_callbacks)
    assert job.status == Job.Status.FAILED
    assert job.result is None
    assert job.error == "第 3 行身份证号列缺失"


def test_crashed_job_shows_no_traceback(cast, django_capture_on_commit_callbacks):
    job = _run("test_crash", cast.user_x, django_capture_on_commit_callbacks)
    assert job.status == Job.Status.FAILED
    assert "boom" not in job.error and "内部错误" in job.error


def test_finished_job_is_not_run_twice(cast, django_capture_on_commit_callbacks):
    job = _run("test_count", cast.user_x, django_capture_on_commit_callbacks, n=1)
    assert job_run(job_id=job.pk).finished_at == job.finished_at


def test_unknown_kind_is_refused(cast):
    with pytest.raises(AppError) as failure:
        job_start(kind="nope", title="x", owner=cast.user_x)
    assert failure.value.code == "job_unknown"
    assert not Job.objects.exists()


def test_job_page_and_api_are_scoped_to_the_owner(cast, client, django_capture_on_commit_callbacks):
    job = _run("test_count", cast.user_x, django_capture_on_commit_callbacks, n=2)
    client.force_login(cast.user_x)
    page = client.get(f"/jobs/{job.pk}/")
    assert page.status_code == 200 and "已完成" in page.content.decode()
    partial = client.get(f"/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert 'data-status="succeeded"' in partial and "<html" not in partial
    client.force_login(cast.user_y)
    assert client.get(f"/jobs/{job.pk}/").status_code == 404
    api = APIClient()
    api.force_authenticate(cast.user_y)
    assert api.get(f"/api/v1/jobs/{job.pk}").json()["error"]["code"] == "job_not_found"
    api.force_authenticate(cast.user_x)
    assert api.get(f"/api/v1/jobs/{job.pk}").json()["percent"] == 100


def test_auditor_starts_audit_verification_as_a_job(cast, verified_client,
                                                     django_capture_on_commit_callbacks):
    client = verified_client(cast.auditor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/audit/verify/")
    job = Job.objects.get(kind="audit_verify")
    assert response["Location"] == f"/jobs/{job.pk}/"
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.result["ok"] is True


def test_non_admin_cannot_start_audit_verification(cast, client):
    client.force_login(cast.inspector_city)
    assert client.post("/audit/verify/").status_code == 403
    assert not Job.objects.exists()


def test_the_audit_page_shows_the_anchor_to_archive(cast, verified_client):
    from certguard.core.audit_chain import audit_seal
    from certguard.core.models import AuditEntry

    client = verified_client(cast.auditor)
    assert "尚未导出锚点" in client.get("/audit/").content.decode()
    audit_seal()
    head = AuditEntry.objects.exclude(seq=None).order_by("-seq").first()
    page = client.get("/audit/").content.decode()
    assert f"已封存至第 <strong>{head.seq}</strong> 条" in page and head.hash in page
