"""The verification job: a failure leaves no results and no ledger change, and says why."""

from __future__ import annotations

from datetime import date

import pytest

from certguard import ids
from certguard.core.errors import AppError
from certguard.core.models import Job
from certguard.selfcheck import services
from certguard.selfcheck.models import WorkerResult
from certguard.workforce.models import LedgerEntry

ID = ids.make_id_no("140521", date(1986, 6, 6), 71)


def _upload(cast, name="a.csv"):
    data = f"姓名,身份证号,证书编号,岗位\n丁某,{ID},T{ID},电工\n".encode()
    return services.upload_create(by=cast.user_x, employer=cast.enterprise_x, file_name=name,
                                  data=data)


def test_missing_file_fails_the_job_and_keeps_nothing(cast, django_capture_on_commit_callbacks):
    upload = _upload(cast)
    with django_capture_on_commit_callbacks() as callbacks:
        services.upload_confirm(by=cast.user_x, upload=upload, as_of=date(2025, 6, 1))
    services.stored_file(upload).unlink()  # gone between the confirmation and the job
    for callback in callbacks:
        callback()
    upload.refresh_from_db()
    job = Job.objects.get(pk=upload.job_id)
    assert upload.status == "failed" and "找不到文件" in upload.error
    assert job.status == "failed" and job.result is None
    assert not WorkerResult.objects.exists() and not LedgerEntry.objects.exists()


def test_confirm_with_overrides_through_the_api(cast, client, django_capture_on_commit_callbacks):
    upload = _upload(cast)
    client.force_login(cast.user_x)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/selfcheck/uploads/{upload.pk}/confirm",
                               {"overrides": {upload.mapping[0]["sheet"]: {"3": None}},
                                "as_of": "2025-06-01"}, content_type="application/json")
    assert response.status_code == 200, response.content
    entry = LedgerEntry.objects.get()
    assert entry.post == ""  # the 岗位 column was set to be ignored
    again = client.post(f"/api/v1/selfcheck/uploads/{upload.pk}/confirm", {},
                        content_type="application/json")
    assert again.status_code == 400 and again.json()["error"]["code"] == "already_confirmed"


def test_a_file_gone_before_confirmation_is_refused_at_once(cast):
    upload = _upload(cast)
    services.stored_file(upload).unlink()
    with pytest.raises(AppError) as refused:
        services.upload_confirm(by=cast.user_x, upload=upload, as_of=date(2025, 6, 1))
    assert refused.value.code == "file_not_found" and "a.csv" in refused.value.message
    upload.refresh_from_db()
    assert upload.status == "preview" and upload.job_id is None
