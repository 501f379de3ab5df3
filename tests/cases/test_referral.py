"""Criminal referral through every hop (国务院令第310号, 应急〔2019〕54号): each hop a clock
owned by the party that owes the next step; no hop skipped, no time typed; late answers
recorded as late; the police and the procuratorate see only what was transferred to them."""

from __future__ import annotations

import pytest

from certguard.cases import selectors, services
from certguard.cases.models import Clock, Referral, ReferralEvent
from certguard.core.errors import AppError
from tests.cases.records import HOPS, expire, referral_at


def test_the_full_chain_to_a_judgment(world):
    r = referral_at(world, "judged")
    kinds = list(r.clocks.order_by("id").values_list("kind", "owner"))
    assert kinds == [("head_decision", "agency"), ("transfer", "agency"),
                     ("police_receipt", "police"), ("police_decision", "police")]
    assert all(c.met_at and not c.late for c in r.clocks.all())
    assert r.transfer_no and r.attachments[0] == "涉嫌犯罪案件移送书"
    assert r.police_org.department == "ga" and r.police_org.region_id == "140521"
    assert r.procuratorate_org.department == "jcy"
    assert r.court_outcome == "convicted" and r.case.status == "referred"


def test_the_refusal_chain_to_supervision(world):
    r = referral_at(world, "supervision")
    assert list(r.clocks.order_by("id").values_list("kind", flat=True))[-3:] == [
        "reconsider_request", "reconsider_answer", "supervision_request"]
    result = services.referral_supervision_result(
        by=world.user("prosecutor", "A"), pk=r.pk, police_opened=True, note="通知公安机关立案",
        case_no="沁公刑立〔2026〕9号")
    assert result.status == "police_accepted"


def test_transfer_without_the_heads_decision_is_refused(world):
    r = referral_at(world, "proposed")
    with pytest.raises(AppError, match="负责人尚未批准移送") as refused:
        services.referral_transfer(by=world.user("inspector", "A"), pk=r.pk)
    assert refused.value.code == "referral_not_approved"
    r.refresh_from_db()
    assert r.status == "proposed" and not r.transfer_no and r.transferred_at is None
    assert not Clock.objects.filter(referral=r, kind="transfer").exists()


def test_an_inspector_cannot_take_the_heads_decision(world):
    r = referral_at(world, "proposed")
    with pytest.raises(AppError) as refused:
        services.referral_head_decide(by=world.user("inspector", "A"), pk=r.pk, refer=True)
    assert refused.value.status == 403


def test_a_refusal_by_the_head_needs_reasons(world):
    r = referral_at(world, "proposed")
    with pytest.raises(AppError, match="请填写不予移送的理由"):
        services.referral_head_decide(by=world.user("department_head", "A"), pk=r.pk,
                                      refer=False)
    r = services.referral_head_decide(by=world.user("department_head", "A"), pk=r.pk,
                                      refer=False, reasons="情节轻微，不构成犯罪")
    assert r.status == "head_refused" and r.head_reasons == "情节轻微，不构成犯罪"


def test_no_hop_can_be_skipped(world):
    r = referral_at(world, "transferred")
    with pytest.raises(AppError, match="请先出具接收回执"):
        services.referral_police_decide(by=world.user("police", "A"), pk=r.pk, accept=True,
                                        case_no="1")
    with pytest.raises(AppError, match="只有公安机关不予立案后才能提请复议"):
        services.referral_reconsider(by=world.user("inspector", "A"), pk=r.pk, reasons="x")
    with pytest.raises(AppError, match="公安机关立案后才能记录判决结果"):
        services.referral_court(by=world.user("prosecutor", "A"), pk=r.pk, outcome="convicted")


def test_a_late_police_answer_is_recorded_as_late_not_refused(world):
    r = referral_at(world, "received")
    expire("police_decision", r)
    r = services.referral_police_decide(by=world.user("police", "A"), pk=r.pk, accept=False,
                                        reasons="不构成犯罪")
    assert r.status == "police_refused"
    clock = Clock.objects.get(referral=r, kind="police_decision")
    assert clock.late and clock.met_at > clock.due_at
    assert ReferralEvent.objects.get(referral=r, kind="refuse").late


def test_overdue_clocks_go_to_the_owner_and_its_head(world):
    r = referral_at(world, "proposed")
    expire("head_decision", r)
    head = world.user("department_head", "A")
    assert [c.kind for c in selectors.overdue_clocks(user=head)] == ["head_decision"]
    assert not selectors.overdue_clocks(user=world.user("department_head", "B")).exists()
    assert [c.kind for c in selectors.open_clocks(user=head)] == ["head_decision"]
    services.referral_head_decide(by=head, pk=r.pk, refer=True)
    services.referral_transfer(by=world.user("inspector", "A"), pk=r.pk)
    police = world.user("police", "A")
    assert [c.kind for c in selectors.open_clocks(user=police)] == ["police_receipt"]
    expire("police_receipt", r)
    assert [c.kind for c in selectors.overdue_clocks(user=police)] == ["police_receipt"]


def test_police_and_prosecutors_see_only_what_was_transferred_to_them(world):
    proposed = referral_at(world, "proposed")
    transferred = referral_at(world, "transferred", case=open_case_b(world))
    police, prosecutor = world.user("police", "A"), world.user("prosecutor", "A")
    assert list(selectors.referrals_inbox(user=police)) == [transferred]
    assert list(selectors.referrals_inbox(user=prosecutor)) == [transferred]
    for outsider in (world.user("police", "B"), world.user("prosecutor", "C")):
        assert not selectors.referrals_inbox(user=outsider).exists()
    assert not selectors.cases_for(user=police).filter(pk=proposed.case_id).exists()
    with pytest.raises(AppError) as hidden:
        services.referral_receipt(by=world.user("police", "B"), pk=transferred.pk)
    assert hidden.value.status == 404


def open_case_b(world):
    from certguard.cases import services as s
    from tests.cases.records import finding, team
    return s.case_open(by=world.user("inspector", "A"), source_kind="inspection",
                       source_ref=str(finding(world).pk), title="售证案", facts="售卖假证",
                       officers=team(world))


def test_early_involvement_by_the_copied_procuratorate(world):
    r = referral_at(world, "transferred")
    r = services.referral_early(by=world.user("prosecutor", "A"), pk=r.pk, note="派员提前介入")
    assert r.early_at and r.early_involvement == "派员提前介入"


def test_the_transfer_letter_pdf(world):
    import io

    import pdfplumber

    from certguard.cases.documents_referral import transfer_letter_pdf

    r = referral_at(world, "transferred")
    data = transfer_letter_pdf(r)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        words = "".join(page.extract_text() or "" for page in pdf.pages)
    assert "移送书" in words and r.transfer_no in words and "涉案物品清单" in words


@pytest.mark.parametrize("hop", HOPS)
def test_every_hop_can_be_reached(world, hop):
    assert referral_at(world, hop).status == hop
    assert Referral.objects.count() == 1


def test_every_hop_is_in_the_audit_log(world):
    from certguard.core.audit_spool import audit_ingest
    from certguard.core.models import AuditEntry

    r = referral_at(world, "judged")
    audit_ingest(force=True)
    entries = AuditEntry.objects.filter(object_type__in=("cases.referral", "cases.clock",
                                                         "cases.referralevent"))
    assert entries.filter(object_type="cases.clock", action="create").count() == 4
    assert entries.filter(object_type="cases.clock", action="update").count() == 4
    assert entries.filter(object_type="cases.referralevent").count() == r.events.count()


def test_times_come_from_the_platform_not_the_request(world):
    from rest_framework.test import APIClient

    r = referral_at(world, "transferred")
    api = APIClient()
    api.force_authenticate(world.user("police", "A"))
    api.post(f"/api/v1/cases/referrals/{r.pk}/police",
             {"action": "receipt", "received_at": "2020-01-01T00:00:00Z",
              "met_at": "2020-01-01T00:00:00Z"}, format="json")
    r.refresh_from_db()
    clock = Clock.objects.get(referral=r, kind="police_receipt")
    assert r.received_at.year >= 2026 and clock.met_at.year >= 2026
    assert clock.met_at >= clock.started_at
