"""The cases API: every action reachable, bad input answered in the one error shape with a
Chinese message and nothing half-saved, and police and prosecutors confined to their own
referrals."""

from __future__ import annotations

import json
from datetime import timedelta

from django.utils import timezone
from rest_framework.test import APIClient

from certguard.cases.models import Bulletin, Case, Clock, Listing, Referral
from tests.api import api_as, api_error
from tests.cases.records import WORKER_ID, confirmed_clue, expire, open_case, referral_at


def test_open_a_case_and_act_on_it(world):
    clue = confirmed_clue(world)
    api = api_as(world.user("inspector", "A"))
    response = api.post("/api/v1/cases/", {
        "source_kind": "clue", "source_ref": str(clue.pk), "title": "王五使用伪造证书案",
        "facts": "使用伪造电工证", "officers": ["inspector_a", "department_head_a"],
        "kind": "fake_site_docs", "articles": ["L30-41-F"]}, format="json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    response = api.post(f"/api/v1/cases/{pk}/action", {
        "action": "party_add", "kind": "worker", "name": "王五", "id_no": WORKER_ID},
        format="json")
    assert response.status_code == 200 and response.json()["parties"][0]["name"] == "王五"
    response = api.post(f"/api/v1/cases/{pk}/action", {
        "action": "refer", "reason": "涉嫌买卖证件", "offences": ["criminal_280"]},
        format="json")
    assert response.json()["referral"]["status"] == "proposed"
    assert response.json()["referral"]["clocks"][0]["kind"] == "head_decision"


def test_a_small_team_is_refused_whole(world):
    clue = confirmed_clue(world)
    response = api_as(world.user("inspector", "A")).post("/api/v1/cases/", {
        "source_kind": "clue", "source_ref": str(clue.pk), "title": "案", "facts": "事实",
        "officers": ["inspector_a"]}, format="json")
    api_error(response, 400, "team_too_small")
    assert not Case.objects.exists()


def test_transfer_without_the_heads_decision(world):
    r = referral_at(world, "proposed")
    response = api_as(world.user("inspector", "A")).post(
        f"/api/v1/cases/referrals/{r.pk}/agency", {"action": "transfer"}, format="json")
    error = api_error(response, 400, "referral_not_approved")
    assert "负责人尚未批准移送" in error["message"]
    r.refresh_from_db()
    assert r.status == "proposed" and not Clock.objects.filter(referral=r,
                                                               kind="transfer").exists()


def test_the_police_work_through_the_api_and_a_late_answer_is_recorded(world):
    r = referral_at(world, "transferred")
    police = api_as(world.user("police", "A"))
    inbox = police.get("/api/v1/cases/referrals/list").json()["results"]
    assert [row["id"] for row in inbox] == [r.pk]
    assert [c["kind"] for c in inbox[0]["clocks"] if not c["met_at"]] == ["police_receipt"]
    assert police.post(f"/api/v1/cases/referrals/{r.pk}/police",
                       {"action": "receipt"}, format="json").status_code == 200
    expire("police_decision", r)
    response = police.post(f"/api/v1/cases/referrals/{r.pk}/police",
                           {"action": "decide", "accept": True, "case_no": "沁公刑立1号"},
                           format="json")
    assert response.status_code == 200 and response.json()["status"] == "police_accepted"
    events = response.json()["events"]
    assert events[-1]["kind"] == "accept" and events[-1]["late"] is True
    api_error(police.post(f"/api/v1/cases/referrals/{r.pk}/police",
                          {"action": "decide", "accept": True, "case_no": "2"}, format="json"),
              400, "referral_step_invalid")


def test_police_and_prosecutors_see_nothing_else(world):
    transferred = referral_at(world, "transferred")
    referral_at(world, "proposed")
    for role, place in (("police", "B"), ("prosecutor", "C")):
        api = api_as(world.user(role, place))
        assert api.get("/api/v1/cases/referrals/list").json()["results"] == []
        assert api.get(f"/api/v1/cases/referrals/{transferred.pk}").status_code == 404
    for role in ("police", "prosecutor"):
        api = api_as(world.user(role, "A"))
        assert api.get("/api/v1/cases/").status_code == 403
        assert api.get(f"/api/v1/cases/{transferred.case_id}").status_code == 403
        assert api.get("/api/v1/clues").status_code == 403
        assert len(api.get("/api/v1/cases/referrals/list").json()["results"]) == 1


def test_the_prosecutor_records_early_involvement_and_the_judgment(world):
    r = referral_at(world, "police_accepted")
    api = api_as(world.user("prosecutor", "A"))
    assert api.post(f"/api/v1/cases/referrals/{r.pk}/procuratorate",
                    {"action": "early", "note": "提前介入"}, format="json").status_code == 200
    response = api.post(f"/api/v1/cases/referrals/{r.pk}/procuratorate",
                        {"action": "court", "outcome": "convicted"}, format="json")
    assert response.json()["status"] == "judged"
    api_error(api_as(world.user("police", "A")).post(
        f"/api/v1/cases/referrals/{r.pk}/procuratorate", {"action": "early"}, format="json"),
        403, "permission_denied")


def test_supervision_list_for_head_and_procuratorate(world):
    case = open_case(world)
    inspector = api_as(world.user("inspector", "A"))
    inspector.post(f"/api/v1/cases/{case.pk}/action", {
        "action": "decide", "kind": "penalty", "article": "L30-41-F",
        "amount": "2000", "text": "罚款"}, format="json")
    inspector.post(f"/api/v1/cases/{case.pk}/action", {"action": "close",
                                                        "closure": "penalty"}, format="json")
    for role in ("department_head", "prosecutor"):
        rows = api_as(world.user(role, "A")).get("/api/v1/cases/supervision/list").json()
        assert rows["results"][0]["case"] == case.pk
        assert "seller" in rows["results"][0]["markers"]
    assert api_as(world.user("prosecutor", "C")).get(
        "/api/v1/cases/supervision/list").json()["results"] == []
    assert api_as(world.user("police", "A")).get(
        "/api/v1/cases/supervision/list").status_code == 403


def _listing(world):
    case = open_case(world)
    from certguard.cases.models import ListingCondition

    condition = ListingCondition.objects.get(code="local_personal_forged_cert")
    response = api_as(world.user("inspector", "A")).post(f"/api/v1/cases/{case.pk}/action", {
        "action": "listing_notice", "party": case.parties.get(kind="worker").pk,
        "condition": condition.pk, "facts": "使用伪造证书"}, format="json")
    assert response.status_code == 200
    return Listing.objects.get()


def test_listing_bad_input_through_the_api(world):
    listing = _listing(world)
    head = api_as(world.user("department_head", "A"))
    api_error(head.post(f"/api/v1/cases/listings/{listing.pk}/decision",
                        {"action": "decide", "listed": True}, format="json"),
              400, "objection_period")
    Listing.objects.filter(pk=listing.pk).update(
        objection_due_at=timezone.now() - timedelta(minutes=1))
    head.post(f"/api/v1/cases/listings/{listing.pk}/decision", {"action": "decide",
                                                                 "listed": True}, format="json")
    head.post(f"/api/v1/cases/listings/{listing.pk}/decision", {"action": "publish"},
              format="json")
    api_error(api_as(world.user("inspector", "A")).post(
        f"/api/v1/cases/listings/{listing.pk}", {"action": "repair_request", "text": "已整改"},
        format="json"), 400, "repair_too_early")
    assert Listing.objects.get().status == "published"
    public = APIClient().get("/api/v1/cases/listings/public").json()["results"]
    assert [row["public_name"] for row in public] == ["王某某"]
    assert "id_no" not in public[0] and "party" not in public[0]


def test_credit_records_download_is_audited(world):
    from certguard.core.audit_spool import audit_ingest
    from certguard.core.models import AuditEntry

    listing = _listing(world)
    Listing.objects.filter(pk=listing.pk).update(status="published",
                                                 decided_at=timezone.now(), decision_no="N1")
    head = api_as(world.user("department_head", "A"))
    response = head.get("/api/v1/cases/credit-records?fmt=json")
    body = json.loads(b"".join(response.streaming_content))
    assert body["records"][0]["id_no"] == WORKER_ID
    csv_text = b"".join(head.get("/api/v1/cases/credit-records?fmt=csv")
                        .streaming_content).decode("utf-8-sig")
    assert WORKER_ID in csv_text
    api_error(head.get("/api/v1/cases/credit-records?fmt=xml"), 400, "format_invalid")
    assert api_as(world.user("inspector", "A")).get(
        "/api/v1/cases/credit-records").status_code == 403
    audit_ingest(force=True)
    assert AuditEntry.objects.filter(action="export", object_type="cases.listing").count() == 2


def test_a_bulletin_with_an_unmasked_id_is_refused_via_api(world):
    case = open_case(world)
    Case.objects.filter(pk=case.pk).update(status="closed", closed_at=timezone.now(),
                                           closure="penalty")
    now = timezone.now()
    api = api_as(world.user("inspector", "A"))
    response = api.post("/api/v1/cases/bulletins/list", {
        "kind": "quarterly", "period": f"{now.year}Q{(now.month - 1) // 3 + 1}"}, format="json")
    assert response.status_code == 201, response.content
    bulletin = response.json()
    entries = bulletin["entries"]
    assert WORKER_ID not in json.dumps(entries, ensure_ascii=False)
    entries[0]["facts"] += WORKER_ID
    api_error(api.post(f"/api/v1/cases/bulletins/{bulletin['id']}", {"entries": entries},
                       format="json"), 400, "bulletin_unmasked")
    assert WORKER_ID not in json.dumps(Bulletin.objects.get().entries, ensure_ascii=False)
    pdf = api.get(f"/api/v1/cases/bulletins/{bulletin['id']}/document?fmt=pdf")
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_figures_and_schema(world):
    referral_at(world, "police_accepted")
    out = api_as(world.user("campaign_office", "A")).get(
        "/api/v1/cases/figures?group_by=region").json()
    assert out["totals"]["referred"] == 1 and out["totals"]["fines"] == "0"
    api_error(api_as(world.user("inspector", "A")).get("/api/v1/cases/figures?start=2026-13-01"),
              400, "bad_date")
    schema = APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    for path in ("/api/v1/cases/", "/api/v1/cases/{id}/action",
                 "/api/v1/cases/referrals/{id}/police", "/api/v1/cases/listings/public",
                 "/api/v1/cases/credit-records", "/api/v1/cases/bulletins/{id}/approval"):
        assert path in schema["paths"], path
    assert Referral.objects.count() == 1
