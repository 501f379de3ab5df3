"""API limits: every list caps ``limit`` and range-checks ``offset``; every integer parameter
(query, path, body) out of range is a 400 (or 404), never a 500; a missing or invalid token is
a 401; the schema documents paginated lists as pages (``count`` / ``results``)."""

from __future__ import annotations

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from tests.api import api_as, api_error

HUGE = 1208925819614629174706176  # 2**80, as in the finding
PREFIX = "/api/v1"


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def _list_operations(schema) -> list[str]:
    """GET operations without path arguments that take ``limit`` (the paginated lists)."""
    return sorted(path for path, ops in schema["paths"].items()
                  if "get" in ops and "{" not in path
                  and any(p["name"] == "limit" for p in ops["get"].get("parameters", [])))


def _reader(world, path: str):
    """The first member of the cast for whom the list answers 200."""
    for _, user in world.everyone():
        if user is None or user.is_superuser:
            continue
        api = api_as(user)
        if api.get(path).status_code == 200:
            return api
    return None


def test_the_lists_are_all_paginated_and_documented_as_pages(schema):
    lists = _list_operations(schema)
    assert len(lists) >= 10, lists
    components = schema["components"]["schemas"]
    for path in lists:
        ok = schema["paths"][path]["get"]["responses"]["200"]
        ref = ok["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
        shape = components[ref]
        assert {"count", "next", "previous", "results"} <= set(shape["properties"]), path
        assert shape["properties"]["results"]["type"] == "array", path
        assert shape["properties"]["next"].get("nullable") is True, path
        limit = next(p for p in schema["paths"][path]["get"]["parameters"]
                     if p["name"] == "limit")
        assert limit["schema"]["maximum"] == 500 and limit["schema"]["minimum"] == 1


@pytest.mark.parametrize("query, code", [
    (f"limit={HUGE}", "limit_invalid"), ("limit=501", "limit_invalid"),
    ("limit=0", "limit_invalid"), ("limit=-1", "limit_invalid"), ("limit=abc", "limit_invalid"),
    (f"offset={HUGE}", "offset_invalid"), ("offset=-5", "offset_invalid"),
    ("offset=1e3", "offset_invalid"),
])
def test_every_list_refuses_a_limit_or_offset_out_of_range(world, schema, query, code):
    checked = 0
    for path in _list_operations(schema):
        api = _reader(world, PREFIX + path.removeprefix("/api/v1"))
        if api is None:
            continue
        answer = api.get(f"{path}?{query}")
        error = api_error(answer, 400, code)
        assert "500" in error["message"] or "整数" in error["message"]
        assert api.get(f"{path}?limit=500&offset=0").status_code == 200
        checked += 1
    assert checked >= 10


def test_huge_integers_anywhere_are_a_client_error(world, schema):
    """Every integer query parameter, and every integer path argument, given 2**80 (and its
    negative) as a user who may read the operation: 400 or 404, never a server error."""
    inspector, employer = world.user("inspector", "A"), world.user("enterprise_user", "A")
    tried = 0
    for path, ops in schema["paths"].items():
        op = ops.get("get")
        if op is None:
            continue
        params = op.get("parameters", [])
        ints = [p["name"] for p in params if p.get("in") == "query"
                and p.get("schema", {}).get("type") == "integer"]
        url = path
        for p in params:
            if p.get("in") == "path":
                url = url.replace("{" + p["name"] + "}",
                                  str(HUGE) if p["schema"].get("type") == "integer" else "1")
        for user in (inspector, employer):
            api = api_as(user)
            for value in (HUGE, -HUGE):
                if "{" in path:
                    tried += 1
                    assert api.get(url).status_code in (400, 403, 404), url
                for name in ints:
                    tried += 1
                    answer = api.get(f"{url}?{name}={value}")
                    assert answer.status_code < 500, (url, name, answer.content[:300])
    assert tried > 50


def test_a_reminder_to_a_huge_employer_id_is_refused(world):
    api = api_as(world.user("inspector", "A"))
    answer = api.post(f"{PREFIX}/selfcheck/reminders", {"employers": [HUGE]}, format="json")
    error = api_error(answer, 400, "invalid")
    assert any(field.startswith("employers") for field in error["fields"])  # employers[0]
    answer = api.post(f"{PREFIX}/selfcheck/reminders", {"employers": [-1, 0]}, format="json")
    api_error(answer, 400, "invalid")


def test_huge_ids_in_bodies_are_refused(world):
    netgov = api_as(world.user("netgov_officer", "A"))
    answer = netgov.post(f"{PREFIX}/netwatch/handovers",
                         {"recipient": next(iter(__import__(
                             "certguard.netwatch.reference",
                             fromlist=["RECIPIENTS"]).RECIPIENTS)),
                          "facts": "测试", "domain": HUGE}, format="json")
    assert answer.status_code == 400, answer.content


@pytest.mark.parametrize("path", ["/me", "/clues", "/organisations", "/selfcheck/uploads",
                                  "/jobs/1"])
def test_missing_or_invalid_token_is_401_with_a_challenge(db, path):
    anonymous = APIClient()
    answer = anonymous.get(PREFIX + path)
    api_error(answer, 401, "not_authenticated")
    assert answer["WWW-Authenticate"].startswith("Token")
    anonymous.credentials(HTTP_AUTHORIZATION="Token not-a-real-token-0123456789")
    answer = anonymous.get(PREFIX + path)
    api_error(answer, 401, "authentication_failed")
    assert answer["WWW-Authenticate"].startswith("Token")
