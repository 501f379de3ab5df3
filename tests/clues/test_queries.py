"""Query-count baselines: the inbox and the API list cost the same for 5 clues or 60."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests.clues.conftest import make_clue
from tests.conftest import COUNTY_A


def _count(call) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert call().status_code == 200
    return len(queries)


def test_inbox_and_api_list_do_not_grow_with_the_page(cast, clues, client):
    client.force_login(cast.inspector_a)
    api = APIClient()
    api.force_authenticate(cast.inspector_a)
    small = (_count(lambda: client.get("/clues/")), _count(lambda: api.get("/api/v1/clues")))
    for i in range(55):
        make_clue(region_id=COUNTY_A, family="special_ops", cert_no=f"TQ{i}",
                  assignee=cast.inspector_a, status="assigned")
    large = (_count(lambda: client.get("/clues/")), _count(lambda: api.get("/api/v1/clues")))
    assert large == small


def test_open_filter_means_new_or_assigned(cast, clues):
    from certguard.clues import selectors, services
    from certguard.clues.filters import ClueFilterSet
    from certguard.core.filters import apply_filters

    services.clue_confirm(by=cast.inspector_a, clue_id=clues.county_a.pk, reason="伪造")
    open_ = apply_filters(ClueFilterSet, data={"status": "open"},
                          queryset=selectors.clues_for(user=cast.inspector_a))
    assert clues.county_a.pk not in {c.pk for c in open_}
    assert clues.sector_a.pk in {c.pk for c in open_}


@pytest.mark.parametrize(("param", "value"), [
    ("region", "abc"), ("region", "14052"), ("status", "bogus"), ("rule", "R99"),
    ("source_id", "1208925819614629174706176"), ("severity", "critical")])
def test_an_invalid_filter_is_refused_never_ignored(cast, clues, client, param, value):
    """The page says what is wrong and lists nothing; the API answers 400 in the error shape;
    the export is refused — never a silently unfiltered list."""
    from tests.api import api_as, api_error

    client.force_login(cast.inspector_a)
    page = client.get("/clues/", {param: value})
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-testid="filter-error"' in text and "筛选条件有误" in text
    assert "县甲" not in text
    response = api_as(cast.inspector_a).get("/api/v1/clues", {param: value})
    api_error(response, 400, "filter_invalid")
    assert param in response.json()["error"]["fields"]
    export = client.get("/clues/export.csv", {param: value})
    assert export.status_code == 302
