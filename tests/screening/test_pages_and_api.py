"""The screening pages and API: start a run, watch it, read its per-rule table; all scoped."""

from __future__ import annotations

from datetime import date

import pytest

from certguard import ids
from certguard.clues.models import Clue
from certguard.screening.models import ScreeningRun
from tests.api import api_as
from tests.conftest import COUNTY_A
from tests.screening.conftest import upload


def test_new_run_form_starts_a_job_and_the_run_page_shows_it(
        cast, client, synth_files, django_capture_on_commit_callbacks):
    client.force_login(cast.inspector_city)
    assert "发起交叉比对筛查" in client.get("/screening/new/").content.decode()
    form = {"as_of": "2024-09-01", "title": "月度比对", "rules": ["R01", "R04", "R16"],
            "outlier_z": "2.5",
            **{k: upload(p) for k, p in synth_files.files.items()}}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/screening/new/", form)
    assert response.status_code == 302
    run = ScreeningRun.objects.get()
    assert response["Location"] == f"/screening/runs/{run.pk}/"
    assert (run.status, run.rules, run.params) == ("complete", ["R01", "R04", "R16"],
                                                   {"outlier_z": "2.5"})
    page = client.get(f"/screening/runs/{run.pk}/").content.decode()
    assert 'data-testid="job"' in page and 'data-testid="run-rules"' in page
    assert "申报证书不存在" in page and run.inputs[0]["sha256"] in page
    assert "月度比对" in client.get("/screening/").content.decode()


def test_new_run_form_shows_the_services_refusal(cast, client):
    client.force_login(cast.inspector_a)
    response = client.post("/screening/new/", {"as_of": "2024-09-01"})
    assert response.status_code == 200
    assert "必须提供证书数据" in response.content.decode()


@pytest.mark.parametrize("who", ["user_x", "police"])
def test_screening_pages_refuse_non_regulators(cast, client, who):
    client.force_login(getattr(cast, who))
    assert client.get("/screening/").status_code == 403
    assert client.get("/screening/new/").status_code == 403


def test_api_starts_a_run_and_reports_it_in_scope(cast, synth_files,
                                                  django_capture_on_commit_callbacks):
    api = api_as(cast.inspector_city)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/screening/runs", {
            "certificates": upload(synth_files.files["certificates"]), "as_of": "2024-09-01",
            "rules": ["R03", "R11"]}, format="multipart")
    assert response.status_code == 202, response.json()
    run_id = response.json()["id"]
    body = api.get(f"/api/v1/screening/runs/{run_id}").json()
    assert body["status"] == "complete" and body["percent"] == 100
    assert body["inputs"][0]["kind"] == "certificates" and "path" not in body["inputs"][0]
    assert [r["code"] for r in body["rule_stats"]] == ["R03", "R11"]
    assert api_as(cast.inspector_a).get(f"/api/v1/screening/runs/{run_id}").status_code == 404
    assert api_as(cast.user_x).get(f"/api/v1/screening/runs/{run_id}").status_code == 403
    refused = api_as(cast.police).post("/api/v1/screening/runs", {"use_registry": True},
                                     format="json")
    assert refused.status_code == 403


def test_run_over_the_platform_registry(cast, tmp_path, django_capture_on_commit_callbacks):
    """The registry is exported to a certificates file; a roster declares one of its
    certificates under another name (R04) and one that does not exist (R01)."""
    from certguard.registry import services as registry

    id_no = ids.make_id_no("140521", date(1985, 3, 14), 31)
    cert = registry.certificate_issue(by=cast.issuer, id_no=id_no, name="李建国",
                                      family="special_ops", item_code="1.2",
                                      first_issued=date(2020, 5, 6))
    roster = tmp_path / "roster.csv"
    employer = cast.enterprise_x.credit_code
    roster.write_text(
        "employer_code,worker_id_no,worker_name,cert_no,on_post_from\n"
        f"{employer},{id_no},李建华,{cert.cert_no},2023-01-01\n"
        f"{employer},{id_no},李建国,T999,2023-01-01\n", encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=True):
        run = _start_registry(cast, roster)
    run.refresh_from_db()
    assert run.status == "complete", run.error
    assert run.inputs[0]["name"] == "平台证书库" and len(run.inputs[0]["sha256"]) == 64
    clues = {c.rule: c for c in Clue.objects.filter(source_id=run.pk)}
    assert {"R01", "R04"} <= set(clues)
    assert clues["R04"].region_id == COUNTY_A and clues["R04"].family == "special_ops"
    r04 = clues["R04"].pk
    assert Clue.objects.restrict(cast.inspector_a, "clues.view").filter(pk=r04).exists()
    assert not Clue.objects.restrict(cast.inspector_b, "clues.view").filter(pk=r04).exists()


def _start_registry(cast, roster):
    from certguard.screening import services

    return services.run_create(by=cast.admin, uploads={"roster": upload(roster)},
                               use_registry=True, as_of=date(2024, 9, 1))
