"""The API for rectification records, the regulator's send-back and the employer's re-filing:
the same services and the same scope as the pages, errors in the one error shape."""

from __future__ import annotations

from datetime import date

import pytest
from rest_framework.test import APIClient

from certguard.clues.models import Clue
from certguard.core.audit_spool import audit_ingest
from certguard.core.models import AuditEntry
from certguard.selfcheck.models import Rectification, RosterUpload, UploadEvent, WorkerResult
from tests.api import api_as, api_error
from tests.selfcheck.verified import verified_upload


@pytest.fixture
def upload(cast, tmp_path, django_capture_on_commit_callbacks):
    return verified_upload(cast, tmp_path, django_capture_on_commit_callbacks)


def _url(upload, result=None) -> str:
    base = f"/api/v1/selfcheck/uploads/{upload.pk}"
    return f"{base}/results/{result.pk}/rectifications" if result else f"{base}/rectifications"


def test_employer_records_and_lists_rectifications(cast, upload):
    expired = WorkerResult.objects.get(result="expired")
    api = api_as(cast.user_x)
    first = api.post(_url(upload, expired), {"action": "dismiss", "done_on": "2025-06-02",
                                             "note": "暂停作业"}, format="json")
    assert first.status_code == 201, first.content
    body = first.json()
    assert (body["result"], body["worker_name"], body["problem"]) == (expired.pk, "周过期",
                                                                      "expired")
    assert (body["action"], body["action_label"], body["done_on"]) == ("dismiss", "辞退",
                                                                       "2025-06-02")
    assert body["by"] == "user_x"
    api.post(_url(upload, expired), {"action": "review", "done_on": "2025-06-10"}, format="json")

    listed = api.get(_url(upload)).json()
    assert listed["count"] == 2
    assert [r["action"] for r in listed["results"]] == ["review", "dismiss"]  # newest first
    row = api.get(_url(upload, expired)).json()
    assert [r["note"] for r in row["results"]] == ["", "暂停作业"]
    assert api.get(_url(upload), {"result": WorkerResult.objects.get(
        result="revoked").pk}).json()["count"] == 0
    # The row carries its latest rectification, as on the page.
    results = api.get(f"/api/v1/selfcheck/uploads/{upload.pk}/results",
                      {"result": "expired"}).json()["results"]
    assert (results[0]["rectified_action"], results[0]["rectified_on"]) == ("review",
                                                                             "2025-06-10")
    expired.refresh_from_db()
    assert expired.rectified_on == date(2025, 6, 10)
    assert Rectification.objects.filter(result=expired).count() == 2


def test_reads_of_the_records_are_audited(cast, client, upload):
    expired = WorkerResult.objects.get(result="expired")
    client.force_login(cast.inspector_a)
    Rectification.objects.create(result=expired, upload=upload, action="dismiss",
                                 done_on=date(2025, 6, 2))
    assert client.get(_url(upload)).json()["count"] == 1
    audit_ingest(force=True)
    entry = AuditEntry.objects.get(action="read", object_type="selfcheck.workerresult",
                                   summary="查看整改记录")
    assert entry.actor == "inspector_a" and entry.data["ids"] == [str(expired.pk)]


def test_reporting_through_the_api_creates_the_clue(cast, upload):
    revoked = WorkerResult.objects.get(result="revoked")
    response = api_as(cast.user_x).post(_url(upload, revoked), {
        "action": "report", "done_on": "2025-06-02", "cert_source": "中介代办"}, format="json")
    assert response.status_code == 201, response.content
    clue = Clue.objects.get(source_kind="selfcheck", id_no=revoked.worker_id_no)
    assert clue.rule == "R09" and clue.evidence["employer_cert_source"] == "中介代办"


@pytest.mark.parametrize(("payload", "code", "fields"), [
    ({}, "invalid", {"action", "done_on"}),
    ({"action": "fly", "done_on": "2025-06-02"}, "invalid", {"action"}),
    ({"action": "dismiss", "done_on": "06/02/2025"}, "invalid", {"done_on"}),
    ({"action": "dismiss", "done_on": "2999-01-01"}, "date_future", {"done_on"}),
    ({"action": "dismiss", "done_on": "2025-06-02", "note": "长" * 501}, "invalid", {"note"}),
])
def test_bad_rectifications_are_refused(cast, upload, payload, code, fields):
    expired = WorkerResult.objects.get(result="expired")
    error = api_error(api_as(cast.user_x).post(_url(upload, expired), payload, format="json"),
                   400, code)
    assert set(error["fields"]) == fields
    assert not Rectification.objects.exists()


def test_other_bad_requests(cast, upload):
    api = api_as(cast.user_x)
    valid = WorkerResult.objects.get(result="valid")
    api_error(api.post(_url(upload, valid), {"action": "review", "done_on": "2025-06-02"},
                    format="json"), 400, "not_a_problem")
    api_error(api.post(f"/api/v1/selfcheck/uploads/{upload.pk}/results/999999/rectifications",
                    {"action": "review", "done_on": "2025-06-02"}, format="json"),
           404, "result_not_found")
    api_error(api.post(_url(upload, WorkerResult.objects.get(result="expired")), "{not json",
                    content_type="application/json"), 400, "bad_json")
    api_error(api.get(_url(upload), {"result": "abc"}), 400, "result_invalid")
    assert not Rectification.objects.exists()


@pytest.mark.parametrize("who", ["user_y", "inspector_b", "construction_inspector_a", "police"])
def test_outsiders_do_not_find_the_upload(cast, upload, who):
    expired = WorkerResult.objects.get(result="expired")
    api = api_as(getattr(cast, who))
    # 404 where the role may do this elsewhere, 403 where the role may not do it at all.
    for response in (api.get(_url(upload)),
                     api.post(_url(upload, expired),
                              {"action": "dismiss", "done_on": "2025-06-02"}, format="json"),
                     api.post(f"/api/v1/selfcheck/uploads/{upload.pk}/return", {"reason": "x"},
                              format="json"),
                     api.post(f"/api/v1/selfcheck/uploads/{upload.pk}/refile", {},
                              format="json")):
        assert response.status_code in (403, 404), response.content
        assert response.json()["error"]["code"] in ("not_found", "permission_denied")
    assert not Rectification.objects.exists()
    assert not UploadEvent.objects.exists()


def test_regulators_read_the_records_but_do_not_write_them(cast, upload):
    expired = WorkerResult.objects.get(result="expired")
    Rectification.objects.create(result=expired, upload=upload, action="dismiss",
                                 done_on=date(2025, 6, 2))
    for user in (cast.inspector_a, cast.inspector_city):
        api = api_as(user)
        assert api.get(_url(upload)).json()["count"] == 1
        # Refused before the body is even looked at.
        api_error(api.post(_url(upload, expired), {}, format="json"), 403, "permission_denied")
    assert Rectification.objects.count() == 1


def test_anonymous_is_refused(upload):
    response = APIClient().get(_url(upload))
    assert response.status_code in (401, 403)
    assert response.json()["error"]["code"] == "not_authenticated"


def test_send_back_and_refile(cast, upload):
    ret = f"/api/v1/selfcheck/uploads/{upload.pk}/return"
    refile = f"/api/v1/selfcheck/uploads/{upload.pk}/refile"
    api_error(api_as(cast.user_x).post(ret, {"reason": "自己退回"}, format="json"),
           403, "permission_denied")
    inspector = api_as(cast.inspector_a)
    api_error(inspector.post(ret, {}, format="json"), 400, "reason_required")
    api_error(inspector.post(ret, {"reason": "   "}, format="json"), 400, "reason_required")
    # not the employer
    api_error(inspector.post(refile, {}, format="json"), 403, "permission_denied")
    api_error(api_as(cast.user_x).post(refile, {}, format="json"), 400, "not_returned")

    response = inspector.post(ret, {"reason": "整改记录不完整"}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["returned_at"] and body["return_reason"] == "整改记录不完整"
    assert [(e["kind"], e["by"]) for e in body["events"]] == [("returned", "inspector_a")]
    api_error(inspector.post(ret, {"reason": "再退一次"}, format="json"), 400, "already_returned")

    employer = api_as(cast.user_x)
    detail = employer.get(f"/api/v1/selfcheck/uploads/{upload.pk}").json()
    assert detail["return_reason"] == "整改记录不完整"
    response = employer.post(refile, {"note": "已补充整改记录"}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["returned_at"] is None and body["return_reason"] == ""
    assert [e["kind_label"] for e in body["events"]] == ["退回", "重新报送"]
    assert body["events"][1]["reason"] == "已补充整改记录"
    api_error(employer.post(refile, {}, format="json"), 400, "not_returned")
    upload.refresh_from_db()
    assert not upload.is_returned
    assert list(UploadEvent.objects.values_list("kind", flat=True)) == ["returned", "refiled"]


def test_a_filing_not_yet_verified_cannot_be_sent_back(cast):
    upload = RosterUpload.objects.create(employer=cast.enterprise_x, file_name="r.csv",
                                         stored_path="x", sha256="0" * 64)
    api_error(api_as(cast.inspector_a).post(f"/api/v1/selfcheck/uploads/{upload.pk}/return",
                                       {"reason": "x"}, format="json"), 400, "not_verified")
    upload.refresh_from_db()
    assert not upload.is_returned
