"""Query-count baselines: the inbox and the API list cost the same for 5 clues or 60."""

from __future__ import annotations

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
    from certguard.clues.filters import ClueFilter

    services.clue_confirm(by=cast.inspector_a, clue_id=clues.county_a.pk, reason="伪造")
    open_ = selectors.clues_for(user=cast.inspector_a, filters=ClueFilter.from_query(
        {"status": "open"}))
    assert clues.county_a.pk not in {c.pk for c in open_}
    assert clues.sector_a.pk in {c.pk for c in open_}
