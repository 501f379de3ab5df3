"""The API: every action reachable, errors in the one shape, documented in the schema."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.core.test_permission_matrix import _sign_in
from tests.enforcement.records import new_task, team

pytestmark = pytest.mark.django_db


def test_create_approve_start_and_act_through_the_api(world, client):
    t = team(world)
    _sign_in(client, t.inspector)
    answer = client.post("/api/v1/enforcement/tasks", content_type="application/json", data={
        "target": world.cast.enterprise_x.pk, "source": "clue", "mode": "secret",
        "planned_on": str(timezone.localdate() + timedelta(days=2)),
        "team": [t.inspector.pk, t.second.pk]})
    assert answer.status_code == 201, answer.content
    pk = answer.json()["task"]["id"]
    act = lambda who, data: (_sign_in(client, who), client.post(  # noqa: E731
        f"/api/v1/enforcement/tasks/{pk}/action", content_type="application/json",
        data=data))[1]
    assert act(t.inspector, {"action": "submit"}).status_code == 200
    refused = act(t.inspector, {"action": "approve"})
    assert refused.status_code == 403 and "负责人" in refused.json()["error"]["message"]
    assert act(t.head, {"action": "approve"}).json()["status"] == "approved"
    assert act(t.inspector, {"action": "start"}).json()["status"] == "in_progress"
    finding = act(t.inspector, {"action": "finding", "kind": "uncertified",
                                "description": "焊工无证", "people": 1})
    assert finding.status_code == 200
    past = act(t.inspector, {"action": "order", "items": "整改",
                             "deadline": str(timezone.localdate() - timedelta(days=1))})
    assert past.status_code == 400 and past.json()["error"]["code"] == "deadline_past"
    typed = act(t.inspector, {"action": "record", "number": "手写1号"})
    assert typed.json()["error"]["code"] == "number_manual"
    penalty = act(t.inspector, {"action": "penalty", "finding_id": finding.json()["id"],
                                "amount": "99999"})
    assert penalty.json()["error"]["code"] == "reason_required"
    suggestion = client.get(f"/api/v1/enforcement/findings/{finding.json()['id']}/suggestion")
    assert suggestion.json()["article"] == "AQSCF-97-7"


def test_photo_upload_refuses_non_images(world, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from certguard.enforcement import services

    t = team(world)
    task = new_task(t, status="in_progress")
    finding = services.finding_add(by=t.inspector, task_id=task.pk, kind="other",
                                   description="现场照片")
    _sign_in(client, t.inspector)
    bad = client.post(f"/api/v1/enforcement/findings/{finding.pk}/photos",
                      {"photo": SimpleUploadedFile("a.jpg", b"MZ\x90\x00 not a picture")})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "photo_not_image"
    assert not finding.photos.exists()


def test_schema_documents_the_enforcement_api(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    paths = schema["paths"]
    for path in ("/api/v1/enforcement/tasks", "/api/v1/enforcement/tasks/{id}/action",
                 "/api/v1/enforcement/tasks/{id}/sync", "/api/v1/enforcement/draws",
                 "/api/v1/enforcement/penalties/{id}/action", "/api/v1/enforcement/figures",
                 "/api/v1/enforcement/public/draws/{id}"):
        assert path in paths, path
