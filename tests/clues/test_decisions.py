"""Handling a clue: assign, confirm or dismiss with a reason, reopen; every step in history."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from certguard.clues import services
from certguard.clues.models import Clue
from certguard.core.errors import AppError, Forbidden, NotFound


def test_assign_then_dismiss_with_reason_keeps_history(cast, clues):
    services.clue_assign(by=cast.inspector_city, clue_id=clues.county_a.pk,
                         assignee=cast.inspector_a, reason="请核查")
    clue = services.clue_dismiss(by=cast.inspector_a, clue_id=clues.county_a.pk,
                                 reason="现场核实为录入错误，已更正")
    assert (clue.status, clue.reason, clue.decided_by_id) == (
        Clue.Status.DISMISSED, "现场核实为录入错误，已更正", cast.inspector_a.pk)
    assert clue.assignee_id == cast.inspector_a.pk
    history = [(e.kind, e.actor_id, e.reason) for e in clue.events.all()]
    assert history == [("assign", cast.inspector_city.pk, "请核查"),
                       ("dismiss", cast.inspector_a.pk, "现场核实为录入错误，已更正")]


@pytest.mark.parametrize("decide", [services.clue_dismiss, services.clue_confirm])
def test_a_decision_needs_a_reason(cast, clues, decide):
    with pytest.raises(AppError) as error:
        decide(by=cast.inspector_a, clue_id=clues.county_a.pk, reason="  ")
    assert error.value.code == "reason_required"
    assert Clue.objects.get(pk=clues.county_a.pk).status == Clue.Status.NEW


def test_a_decided_clue_must_be_reopened_before_changing(cast, clues):
    services.clue_confirm(by=cast.inspector_a, clue_id=clues.county_a.pk, reason="证书系伪造")
    with pytest.raises(AppError) as error:
        services.clue_dismiss(by=cast.inspector_a, clue_id=clues.county_a.pk, reason="改主意")
    assert error.value.code == "clue_closed"
    clue = services.clue_reopen(by=cast.inspector_city, clue_id=clues.county_a.pk,
                                reason="复核发现证据不足")
    assert (clue.status, clue.reason, clue.decided_at) == (Clue.Status.NEW, "", None)
    assert [e.kind for e in clue.events.all()] == ["confirm", "reopen"]


def test_cannot_assign_to_someone_outside_the_clues_scope(cast, clues):
    with pytest.raises(AppError) as error:
        services.clue_assign(by=cast.inspector_city, clue_id=clues.county_a.pk,
                             assignee=cast.inspector_b)
    assert error.value.code == "assignee_invalid"


def test_out_of_scope_is_not_found_and_see_only_is_forbidden(cast, clues):
    with pytest.raises(NotFound):
        services.clue_confirm(by=cast.inspector_b, clue_id=clues.county_a.pk, reason="x")
    with pytest.raises(NotFound):
        services.clue_confirm(by=cast.police, clue_id=clues.county_a.pk, reason="x")
    with pytest.raises(Forbidden):
        services.clue_confirm(by=cast.issuer, clue_id=clues.county_a.pk, reason="x")


def test_decisions_are_in_the_audit_log(cast, clues):
    from certguard.core.models import AuditEntry

    services.clue_confirm(by=cast.inspector_a, clue_id=clues.county_a.pk, reason="伪造")
    assert AuditEntry.objects.filter(object_type="clues.clue", action="update",
                                     object_id=str(clues.county_a.pk)).exists()
    assert AuditEntry.objects.filter(object_type="clues.clueevent", action="create").exists()


def test_clue_page_shows_evidence_side_by_side_and_takes_decisions(cast, clues, client):
    client.force_login(cast.inspector_a)
    page = client.get(f"/clues/{clues.county_a.pk}/").content.decode()
    assert "申报信息与证书库对比" in page and "张山" in page and "证书库记录" in page
    response = client.post(f"/clues/{clues.county_a.pk}/decide/",
                           {"action": "dismiss", "reason": ""})
    assert response.status_code == 302
    assert Clue.objects.get(pk=clues.county_a.pk).status == Clue.Status.NEW
    client.post(f"/clues/{clues.county_a.pk}/assign/", {"assignee": cast.inspector_a.pk})
    client.post(f"/clues/{clues.county_a.pk}/decide/", {"action": "confirm", "reason": "伪造"})
    clue = Clue.objects.get(pk=clues.county_a.pk)
    assert (clue.status, clue.assignee_id) == (Clue.Status.CONFIRMED, cast.inspector_a.pk)
    page = client.get(f"/clues/{clues.county_a.pk}/").content.decode()
    assert "伪造" in page and "已确认" in page


def test_clue_page_shows_overlapping_periods(cast, client):
    from tests.clues.conftest import make_clue
    from tests.conftest import COUNTY_A

    clue = make_clue(rule="R06", region_id=COUNTY_A, family="special_ops", evidence={
        "periods": "91AAA:2022-11-15~2025-05-04;91BBB:2019-04-12~"})
    client.force_login(cast.inspector_a)
    page = client.get(f"/clues/{clue.pk}/").content.decode()
    assert "重叠的在岗期间" in page and "2019-04-12 至 至今" in page and "91BBB" in page


def test_api_decision(cast, clues):
    api = APIClient()
    api.force_authenticate(cast.inspector_city)
    url = f"/api/v1/clues/{clues.county_b.pk}/decision"
    response = api.post(url, {"action": "assign", "assignee": "inspector_b"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "assigned"
    response = api.post(url, {"action": "dismiss"}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "reason_required"
    response = api.post(url, {"action": "dismiss", "reason": "重复线索"}, format="json")
    body = response.json()
    assert body["status"] == "dismissed" and [e["kind"] for e in body["events"]] == [
        "assign", "dismiss"]


def test_api_decision_by_police_is_refused(cast, clues):
    api = APIClient()
    api.force_authenticate(cast.police)
    response = api.post(f"/api/v1/clues/{clues.county_a.pk}/decision",
                        {"action": "confirm", "reason": "x"}, format="json")
    assert response.status_code == 403


def test_assign_form_offers_only_colleagues_who_would_see_the_clue(cast, clues, client):
    client.force_login(cast.inspector_city)
    page = client.get(f"/clues/{clues.county_a.pk}/").content.decode()
    form = page[page.index('data-testid="assign-form"'):page.index('data-testid="decision-form"')]
    assert "inspector_a" in form and "inspector_city" in form
    assert "inspector_b" not in form and "zj_inspector_a" not in form
