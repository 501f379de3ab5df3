"""The campaign figures, the non-filers and reminders through the API: the numbers the page
shows, the same scope, errors in the one error shape; and the schema still builds."""

from __future__ import annotations

import pytest

from certguard.core.models import AuditEntry
from certguard.selfcheck import figures
from certguard.selfcheck.models import Reminder
from tests.api import api_as, api_error
from tests.selfcheck.test_figures import PERIOD, dataset  # noqa: F401  (the crafted dataset)

QUERY = {"start": "2025-01-01", "end": "2025-12-31"}


def test_figures_are_the_numbers_the_page_shows(cast, dataset, client):  # noqa: F811
    body = api_as(cast.inspector_city).get("/api/v1/selfcheck/figures", QUERY).json()
    assert body["period"] == {"start": "2025-01-01", "end": "2025-12-31"}
    overall = body["overall"]
    assert (overall["employers"], overall["filed"], overall["checked"], overall["valid"],
            overall["found"], overall["rectified"], overall["outstanding"]) == (3, 1, 4, 2, 2, 1,
                                                                                 1)
    assert overall["selfcheck_pct"] == "33.3%" and overall["certified_pct"] == "50.0%"
    assert overall["selfcheck_rate"] == pytest.approx(1 / 3)
    employers = {e["name"]: e for e in body["employers"]}
    x = employers[cast.enterprise_x.name]
    assert x["filed"] and x["upload_id"] is not None and x["sector_label"] == "煤矿"
    assert (x["figures"]["checked"], x["figures"]["valid"], x["figures"]["found"],
            x["figures"]["rectified"], x["figures"]["outstanding"]) == (4, 2, 2, 1, 1)
    y = employers[cast.enterprise_y.name]
    assert not y["filed"] and y["returned"] and y["figures"]["certified_rate"] is None
    by_region = {r["region_code"]: r for r in body["by_region"]}
    assert by_region["140521"]["region_name"] == "沁水县"
    assert by_region["140521"]["figures"]["selfcheck_pct"] == "50.0%"
    assert by_region["140522"]["figures"]["certified_pct"] == "—"
    by_sector = {r["sector"]: r["figures"] for r in body["by_sector"]}
    assert by_sector["coal_mine"]["employers"] == 2
    cells = {(r["region_code"], r["sector"]): r["figures"] for r in body["by_region_sector"]}
    assert cells[("140521", "coal_mine")]["found"] == 2
    # Exactly what the service (and so the page) computes.
    rows = figures.employer_rows(user=cast.inspector_city, period=PERIOD)
    assert overall == figures.rollup(rows).overall.as_dict()
    client.force_login(cast.inspector_city)
    page = client.get("/selfcheck/figures/?start=2025-01-01&end=2025-12-31").content.decode()
    assert f"自查率 <strong>{overall['selfcheck_pct']}</strong>" in page


def test_drill_down_by_region_and_sector(cast, dataset):  # noqa: F811
    api = api_as(cast.inspector_city)
    body = api.get("/api/v1/selfcheck/figures", {**QUERY, "region": "140522"}).json()
    assert [e["name"] for e in body["employers"]] == [cast.enterprise_y.name]
    assert body["region"] == "140522"
    body = api.get("/api/v1/selfcheck/figures", {**QUERY, "sector": "coal_mine"}).json()
    assert {e["name"] for e in body["employers"]} == {cast.enterprise_x.name, dataset.name}


@pytest.mark.parametrize(("who", "names"), [
    ("inspector_a", {"x", "w"}), ("inspector_b", {"y"}), ("construction_inspector_a", {"z"}),
])
def test_figures_are_scoped(cast, dataset, who, names):  # noqa: F811
    expected = {"x": cast.enterprise_x.name, "y": cast.enterprise_y.name, "w": dataset.name,
                "z": cast.construction_site_a.name}
    body = api_as(getattr(cast, who)).get("/api/v1/selfcheck/figures", QUERY).json()
    assert {e["name"] for e in body["employers"]} == {expected[n] for n in names}
    assert body["overall"]["employers"] == len(names)


@pytest.mark.parametrize("who", ["user_x", "police"])
def test_figures_refuse_employers_and_police(cast, dataset, who):  # noqa: F811
    api = api_as(getattr(cast, who))
    api_error(api.get("/api/v1/selfcheck/figures", QUERY), 403, "permission_denied")
    api_error(api.get("/api/v1/selfcheck/figures/not-filed", QUERY), 403, "permission_denied")


@pytest.mark.parametrize(("query", "code", "field"), [
    ({"start": "2025-13-01"}, "date_invalid", "start"),
    ({"end": "yesterday"}, "date_invalid", "end"),
    ({"start": "2025-12-31", "end": "2025-01-01"}, "period_invalid", "start"),
    ({"region": "shanxi"}, "region_invalid", "region"),
    ({"region": "1405211"}, "region_invalid", "region"),
    ({"sector": "farming"}, "sector_unknown", "sector"),
])
def test_bad_figure_queries(cast, query, code, field):
    for path in ("figures", "figures/not-filed"):
        error = api_error(api_as(cast.inspector_city).get(f"/api/v1/selfcheck/{path}", query),
                       400, code)
        assert field in error["fields"]


def test_the_page_keeps_working_on_a_bad_date(cast, client):
    client.force_login(cast.inspector_city)
    response = client.get("/selfcheck/figures/?start=2025-12-31&end=2025-01-01")
    assert response.status_code == 200
    assert "开始日期不能晚于结束日期，已按本年度统计" in response.content.decode()


def test_non_filers_listed_and_reminded(cast, dataset):  # noqa: F811
    api = api_as(cast.inspector_city)
    body = api.get("/api/v1/selfcheck/figures/not-filed", QUERY).json()
    assert body["count"] == 2
    rows = {r["name"]: r for r in body["results"]}
    assert set(rows) == {cast.enterprise_y.name, dataset.name}
    assert rows[cast.enterprise_y.name]["returned"]
    assert rows[dataset.name]["last_reminded"] is None

    sent = api.post("/api/v1/selfcheck/reminders",
                    {"employers": [r["id"] for r in body["results"]],
                     "message": "请于6月30日前完成自查"}, format="json")
    assert sent.status_code == 201, sent.content
    assert sent.json()["count"] == 2
    assert {r["employer_name"] for r in sent.json()["results"]} == set(rows)
    assert all(r["sender_name"] == "晋城市应急管理局" and not r["is_read"]
               for r in sent.json()["results"])
    assert Reminder.objects.count() == 2
    assert AuditEntry.objects.filter(object_type="selfcheck.reminder", action="create").exists()

    again = {r["name"]: r for r in api.get("/api/v1/selfcheck/figures/not-filed",
                                           QUERY).json()["results"]}
    assert again[dataset.name]["last_reminded"] is not None
    assert again[dataset.name]["last_reminder_read"] is None


def test_reminders_refused_out_of_scope_or_badly_formed(cast, dataset):  # noqa: F811
    api_error(api_as(cast.inspector_a).post("/api/v1/selfcheck/reminders",
                                       {"employers": [cast.enterprise_y.pk]}, format="json"),
           400, "employer_invalid")  # Y is in county B
    api_error(api_as(cast.user_x).post("/api/v1/selfcheck/reminders",
                                  {"employers": [cast.enterprise_x.pk]}, format="json"),
           403, "permission_denied")
    api_error(api_as(cast.police).post("/api/v1/selfcheck/reminders",
                                  {"employers": [cast.enterprise_x.pk]}, format="json"),
           403, "permission_denied")
    api = api_as(cast.inspector_city)
    api_error(api.post("/api/v1/selfcheck/reminders", {"employers": []}, format="json"),
           400, "employer_invalid")
    error = api_error(api.post("/api/v1/selfcheck/reminders", {"employers": ["abc"]},
                            format="json"), 400, "invalid")
    assert any(f.startswith("employers") for f in error["fields"])
    api_error(api.post("/api/v1/selfcheck/reminders", {"message": "x"}, format="json"),
           400, "invalid")
    api_error(api.post("/api/v1/selfcheck/reminders", {"employers": [999999]}, format="json"),
           400, "employer_invalid")
    assert not Reminder.objects.exists()


def test_schema_builds_and_documents_the_new_endpoints(client):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path, method in [
        ("/api/v1/selfcheck/uploads/{id}/rectifications", "get"),
        ("/api/v1/selfcheck/uploads/{id}/results/{result_pk}/rectifications", "post"),
        ("/api/v1/selfcheck/uploads/{id}/return", "post"),
        ("/api/v1/selfcheck/uploads/{id}/refile", "post"),
        ("/api/v1/selfcheck/uploads/{id}/official/{table}.{fmt}", "get"),
        ("/api/v1/selfcheck/figures", "get"),
        ("/api/v1/selfcheck/figures/not-filed", "get"),
        ("/api/v1/selfcheck/reminders", "post"),
        ("/api/v1/selfcheck/reminders/{id}/read", "post"),
    ]:
        assert method in paths[path], path
    official = paths["/api/v1/selfcheck/uploads/{id}/official/{table}.{fmt}"]["get"]
    assert set(official["responses"]["200"]["content"]) == {
        "application/pdf", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
