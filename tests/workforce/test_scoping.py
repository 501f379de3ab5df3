"""Who sees the ledger and the uploads: the cast, in the UI and the API."""

from __future__ import annotations

from datetime import date

import pytest

from certguard import ids
from certguard.selfcheck import services
from certguard.selfcheck.models import RosterUpload

WORKER_ID = ids.make_id_no("140521", date(1988, 8, 8), 51)
CSV = f"姓名,身份证号,证书编号,岗位,作业类别\n赵台账,{WORKER_ID},T{WORKER_ID},电工,1.2\n"


@pytest.fixture
def verified_upload(cast, django_capture_on_commit_callbacks) -> RosterUpload:
    upload = services.upload_create(by=cast.user_x, employer=cast.enterprise_x,
                                    file_name="roster.csv", data=CSV.encode())
    with django_capture_on_commit_callbacks(execute=True):
        services.upload_confirm(by=cast.user_x, upload=upload, as_of=date(2025, 6, 1))
    upload.refresh_from_db()
    assert upload.status == "verified"
    return upload


SEES = {"user_x": True, "user_y": False, "inspector_a": True, "inspector_city": True,
        "inspector_b": False, "construction_inspector_a": False}


@pytest.mark.parametrize(("who", "sees"), SEES.items())
def test_ledger_and_upload_pages(cast, client, verified_upload, who, sees):
    client.force_login(getattr(cast, who))
    ledger = client.get("/workforce/ledger/").content.decode()
    assert ("赵台账" in ledger) is sees
    uploads = client.get("/selfcheck/uploads/").content.decode()
    assert ("roster.csv" in uploads) is sees
    detail = client.get(f"/selfcheck/uploads/{verified_upload.pk}/")
    assert detail.status_code == (200 if sees else 404)


@pytest.mark.parametrize(("who", "sees"), SEES.items())
def test_api_is_scoped_the_same_way(cast, client, verified_upload, who, sees):
    client.force_login(getattr(cast, who))
    detail = client.get(f"/api/v1/selfcheck/uploads/{verified_upload.pk}")
    assert detail.status_code == (200 if sees else 404)
    results = client.get(f"/api/v1/selfcheck/uploads/{verified_upload.pk}/results")
    assert results.status_code == (200 if sees else 404)
    listed = client.get("/api/v1/selfcheck/uploads").json()["results"]
    assert bool(listed) is sees


def test_police_may_not_open_ledgers_or_uploads(cast, client, verified_upload):
    client.force_login(cast.police)
    for url in ("/workforce/ledger/", "/selfcheck/uploads/",
                f"/selfcheck/uploads/{verified_upload.pk}/",
                f"/api/v1/selfcheck/uploads/{verified_upload.pk}"):
        assert client.get(url).status_code == 403, url


def test_admin_sees_everything(cast, verified_client, verified_upload):
    client = verified_client(cast.admin)
    assert "赵台账" in client.get("/workforce/ledger/").content.decode()
    assert client.get(f"/api/v1/selfcheck/uploads/{verified_upload.pk}").status_code == 200


def test_only_the_enterprise_uploads(cast, client):
    client.force_login(cast.inspector_a)
    response = client.post("/api/v1/selfcheck/uploads",
                           {"file": _file(), "confirm": "true"})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert not RosterUpload.objects.exists()


def _file():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("roster.csv", CSV.encode(), content_type="text/csv")


def test_api_upload_confirm_and_results(cast, client, django_capture_on_commit_callbacks):
    client.force_login(cast.user_x)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/selfcheck/uploads",
                               {"file": _file(), "confirm": "true", "as_of": "2025-06-01"})
    assert response.status_code == 201, response.content
    upload_id = response.json()["id"]
    detail = client.get(f"/api/v1/selfcheck/uploads/{upload_id}").json()
    assert detail["status"] == "verified" and detail["counts"]["not_found"] == 1
    rows = client.get(f"/api/v1/selfcheck/uploads/{upload_id}/results?result=not_found").json()
    assert [r["result_label"] for r in rows["results"]] == ["证书不存在（疑似假证）"]
    assert rows["results"][0]["evidence"][0]["rule"] == "R01"


def test_schema_documents_the_endpoints(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/v1/selfcheck/uploads/{id}/results" in schema


def test_api_refuses_a_corrupt_file_and_keeps_nothing(cast, client, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(cast.user_x)
    broken = SimpleUploadedFile("坏.xlsx", b"PK\x03\x04" + b"\x00" * 64)
    response = client.post("/api/v1/selfcheck/uploads", {"file": broken, "confirm": "true"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "file_corrupt"
    assert "文件已损坏" in response.json()["error"]["message"]
    assert not RosterUpload.objects.exists()
    assert not list((settings.VAR_DIR / "uploads").rglob("*.xlsx"))
