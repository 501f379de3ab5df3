"""Every list refuses a filter value it does not understand, in Chinese, and lists nothing —
never a silently unfiltered list (the page) — or answers 400 in the error shape (the API)."""

import pytest

from tests.api import api_as, api_error

PAGES = [
    ("inspector_a", "/organisations/", "region", "abc"),
    ("inspector_a", "/organisations/", "kind", "bank"),
    ("user_x", "/workforce/ledger/", "status", "gone"),
    ("user_x", "/workforce/ledger/", "employer", "1208925819614629174706176"),
    ("issuer", "/issuer/", "status", "lost"),
    ("issuer", "/issuer/", "q", "x" * 101),
    ("auditor", "/audit/", "action", "drop_table"),
    ("inspector_a", "/clues/", "region", "abc"),
]


@pytest.mark.parametrize(("who", "url", "param", "value"), PAGES)
def test_pages_say_what_is_wrong(cast, verified_client, who, url, param, value):
    client = verified_client(getattr(cast, who))
    response = client.get(url, {param: value})
    assert response.status_code == 200
    text = response.content.decode()
    assert 'data-testid="filter-error"' in text and "筛选条件有误" in text


@pytest.mark.parametrize(("url", "param", "value"), [
    ("/api/v1/organisations", "sector", "banking"),
    ("/api/v1/organisations", "region", "14 05"),
    ("/api/v1/clues", "severity", "critical"),
])
def test_api_answers_400(cast, url, param, value):
    response = api_as(cast.inspector_a).get(url, {param: value})
    error = api_error(response, 400, "filter_invalid")
    assert param in error["fields"]


def test_results_filter_of_an_upload(cast, tmp_path, django_capture_on_commit_callbacks):
    from tests.selfcheck.verified import verified_upload

    upload = verified_upload(cast, tmp_path, django_capture_on_commit_callbacks)
    url = f"/api/v1/selfcheck/uploads/{upload.pk}/results"
    api_error(api_as(cast.user_x).get(url, {"result": "bogus"}), 400, "filter_invalid")
    problems = api_as(cast.user_x).get(url, {"result": "problems"}).json()
    assert problems["count"] > 0
    assert all(r["result"] not in ("valid", "rejected") for r in problems["results"])


def test_a_valid_filter_still_filters(cast, client):
    client.force_login(cast.inspector_city)
    page = client.get("/organisations/", {"region": "140521", "kind": "enterprise"})
    text = page.content.decode()
    assert cast.enterprise_x.name in text and cast.enterprise_y.name not in text
