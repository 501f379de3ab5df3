"""Who sees which clue, in the model gate, the inbox page and the API."""

from __future__ import annotations

import pytest

from certguard.clues.models import Clue
from tests.api import api_as


def _seen(user) -> set[str]:
    return set(Clue.objects.restrict(user, "clues.view").values_list("name", flat=True))


def test_county_inspector_sees_own_county_in_remit_and_own_unplaced(cast, clues):
    assert _seen(cast.inspector_a) == {"县甲", "行甲", "无地"}


def test_other_county_sees_only_its_own(cast, clues):
    assert _seen(cast.inspector_b) == {"县乙"}


def test_city_sees_both_counties_but_not_construction(cast, clues):
    assert _seen(cast.inspector_city) == {"县甲", "县乙", "行甲"}


def test_construction_inspector_sees_construction_only(cast, clues):
    assert _seen(cast.construction_inspector_a) == {"建甲"}


@pytest.mark.parametrize("who", ["user_x", "user_y", "police", "anonymous"])
def test_enterprises_police_and_public_see_nothing(cast, clues, who):
    assert _seen(getattr(cast, who)) == set()


def test_admin_sees_all(cast, clues):
    assert len(_seen(cast.admin)) == 5


def test_issuing_officer_sees_but_may_not_act(cast, clues):
    # The provincial issuer is a regulator (it sees the province's clues in its remit) but
    # handling clues is the analysts' and inspectors' work.
    assert "县甲" in _seen(cast.issuer)
    assert not Clue.objects.restrict(cast.issuer, "clues.work").exists()


def test_inbox_page_lists_only_visible_clues(cast, clues, client):
    client.force_login(cast.inspector_b)
    page = client.get("/clues/").content.decode()
    assert "县乙" in page and "县甲" not in page and "建甲" not in page


@pytest.mark.parametrize("who", ["user_x", "police"])
def test_inbox_page_refuses_non_regulators(cast, clues, client, who):
    client.force_login(getattr(cast, who))
    assert client.get("/clues/").status_code == 403
    assert client.get(f"/clues/{clues.county_a.pk}/").status_code == 403


def test_clue_page_of_another_county_is_not_found(cast, clues, client):
    client.force_login(cast.inspector_b)
    assert client.get(f"/clues/{clues.county_a.pk}/").status_code == 404
    assert client.get(f"/clues/{clues.county_b.pk}/").status_code == 200


def test_api_list_is_scoped_and_filtered(cast, clues):
    body = api_as(cast.inspector_city).get("/api/v1/clues").json()
    assert {c["name"] for c in body["results"]} == {"县甲", "县乙", "行甲"}
    body = api_as(cast.inspector_city).get("/api/v1/clues", {"region": "140522"}).json()
    assert [c["name"] for c in body["results"]] == ["县乙"]
    body = api_as(cast.inspector_city).get("/api/v1/clues", {"rule": "R02"}).json()
    assert [c["name"] for c in body["results"]] == ["行甲"]


@pytest.mark.parametrize("who", ["user_x", "police"])
def test_api_refuses_non_regulators(cast, clues, who):
    api = api_as(getattr(cast, who))
    assert api.get("/api/v1/clues").status_code == 403
    assert api.get(f"/api/v1/clues/{clues.county_a.pk}").status_code == 403


def test_api_detail_outside_scope_is_not_found(cast, clues):
    response = api_as(cast.inspector_b).get(f"/api/v1/clues/{clues.county_a.pk}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "clue_not_found"


def test_list_reads_are_audited(cast, clues, client):
    from certguard.core.audit_spool import audit_ingest
    from certguard.core.models import AuditEntry

    client.force_login(cast.inspector_a)
    client.get("/clues/")
    audit_ingest(force=True)
    assert AuditEntry.objects.filter(action="read", object_type="clues.clue",
                                     actor="inspector_a").exists()
