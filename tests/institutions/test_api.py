"""Every action through the API (OpenAPI documented), in the one error shape."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from certguard.institutions.models import Filing, Finding, Plan
from tests.api import api_as, api_error
from tests.institutions.filings_data import answers, period
from tests.institutions.records import exam_centre, exams_file, training_file

pytestmark = pytest.mark.django_db


def _upload(api, data: bytes, name: str = "k.csv"):
    return api.post("/api/v1/institutions/uploads",
                    {"file": SimpleUploadedFile(name, data, content_type="text/csv")},
                    format="multipart")


def test_institution_files_answers_plans_and_files_its_checklist(world):
    api = api_as(world.user("institution_user", "A"))
    org = world.orgs["inst_A"]
    made = _upload(api, training_file(org.credit_code, other=world.orgs["inst_B"].credit_code))
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["accepted"] == 4 and body["rejected"][0]["code"] == "E_NOT_OWN"
    assert len(body["sha256"]) == 64
    findings = api.get("/api/v1/institutions/findings?rule=R12").json()["results"]
    assert [f["rule"] for f in findings] == ["R12"]
    pk = findings[0]["id"]
    past = (timezone.localdate() - timedelta(days=1)).isoformat()
    api_error(api.post(f"/api/v1/institutions/findings/{pk}/answer",
                       {"kind": "plan", "text": "补课", "deadline": past}, format="json"),
              400, "deadline_past")
    assert not Plan.objects.exists()
    future = (timezone.localdate() + timedelta(days=9)).isoformat()
    answered = api.post(f"/api/v1/institutions/findings/{pk}/answer",
                        {"kind": "plan", "text": "补课", "deadline": future}, format="json")
    assert answered.json()["status"] == "planned"
    plan = Plan.objects.get()
    done = api.post(f"/api/v1/institutions/plans/{plan.pk}/progress",
                    {"note": "完成", "completes": "true",
                     "evidence": SimpleUploadedFile("a.jpg", b"jpg")}, format="multipart")
    assert done.json()["status"] == "done"
    p = period(closes_in=-2)
    filed = api.post(f"/api/v1/institutions/periods/{p.pk}/filing",
                     {"answers": answers("training")}, format="json")
    assert filed.status_code == 201 and filed.json()["late"] is True
    assert "逾期报送" in filed.json()["late_message"]
    pdf = api.get(f"/api/v1/institutions/filings/{filed.json()['id']}/checklist.pdf")
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content)[:4] == b"%PDF"


def test_regulator_reads_progress_returns_and_refers(world):
    _upload(api_as(world.user("institution_user", "A")),
            training_file(world.orgs["inst_A"].credit_code))
    p = period()
    api_as(world.user("institution_user", "A")).post(
        f"/api/v1/institutions/periods/{p.pk}/filing", {"answers": answers("training")},
        format="json")
    inspector = api_as(world.user("inspector", "A"))
    progress = inspector.get("/api/v1/institutions/progress").json()["institutions"]
    assert [(p["name"], p["open"], p["filed"]) for p in progress] == [
        ("沁水县安全培训中心", 2, 1)]
    filing = Filing.objects.get()
    api_error(inspector.post(f"/api/v1/institutions/filings/{filing.pk}/return", {},
                             format="json"), 400, "invalid")
    back = inspector.post(f"/api/v1/institutions/filings/{filing.pk}/return",
                          {"reason": "情况不实"}, format="json")
    assert back.json()["status"] == "returned"
    fake = Finding.objects.get(rule="RV")
    referred = inspector.post(f"/api/v1/institutions/findings/{fake.pk}/refer")
    assert referred.json()["clue_id"]
    outside = api_as(world.user("inspector", "B"))
    api_error(outside.post(f"/api/v1/institutions/findings/{fake.pk}/refer"), 404,
              "finding_not_found")
    figures = inspector.get("/api/v1/institutions/figures?group_by=region").json()
    assert figures["totals"]["findings_referred"] == 1
    listed = inspector.get("/api/v1/institutions/figures/fake_passed_people").json()
    assert [r["rule"] for r in listed["results"]] == ["RV"]


def test_exam_centre_upload_with_score_over_100(world):
    org, user = exam_centre(world)
    data = exams_file(org.credit_code).replace(b",92,", b",192,")
    body = _upload(api_as(user), data).json()
    assert body["rejected"] == [{"line": 3, "column": "theory_score", "code": "E_SCORE",
                                 "message": "理论成绩应在0至100分之间，实际为 192 分"}]


def test_schema_documents_every_endpoint(client):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in ("uploads", "check", "findings", "findings/{id}/answer", "findings/{id}/refer",
                 "plans", "plans/{id}/progress", "periods", "periods/{id}/filing",
                 "periods/{id}/authority-filing", "filings/{id}/return",
                 "filings/{id}/checklist.{fmt}", "progress", "figures", "figures/{figure}"):
        assert f"/api/v1/institutions/{path}" in paths, path
