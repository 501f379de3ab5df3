"""Case records for tests: a confirmed clue in county A and the case opened from it by county
A's 应急管理局 (inspector A and head A), with a seller, and its referral at any hop."""

from __future__ import annotations

from datetime import date, timedelta

from certguard import ids
from tests.conftest import COUNTY_A

SELLER_ID = ids.make_id_no(COUNTY_A, date(1980, 1, 2), 11)
WORKER_ID = ids.make_id_no(COUNTY_A, date(1990, 5, 6), 23)


def confirmed_clue(world, **values):
    from certguard.clues import services as clues
    from tests.clues.conftest import make_clue

    clue = make_clue(region_id=COUNTY_A, family="special_ops", cert_no="TA9",
                     employer_code=world.cast.enterprise_x.credit_code, name="王五",
                     id_no=WORKER_ID, **values)
    return clues.clue_confirm(by=world.user("inspector", "A"), clue_id=clue.pk,
                              reason="经核实证书系伪造")


def team(world):
    return [world.user("inspector", "A"), world.user("department_head", "A")]


def open_case(world, *, seller=True, kind="fake_site_docs"):
    from certguard.cases import services

    clue = confirmed_clue(world)
    case = services.case_open(by=world.user("inspector", "A"), source_kind="clue",
                              source_ref=str(clue.pk), title="王五使用伪造特种作业操作证案",
                              facts=f"王五（身份证号{WORKER_ID}，电话13912345678）"
                                    "使用从网上购买的伪造电工证上岗。",
                              officers=team(world), kind=kind,
                              articles=["L30-41-F"])
    services.case_party_add(by=world.user("inspector", "A"), case_id=case.pk, kind="worker",
                            name="王五", id_no=WORKER_ID, phone="13912345678")
    if seller:
        services.case_party_add(by=world.user("inspector", "A"), case_id=case.pk,
                                kind="seller", name="赵六", id_no=SELLER_ID)
    case.refresh_from_db()
    return case


def inspection(world):
    """An inspection of enterprise X by county A's 应急管理局, in progress (the enforcement
    team of ``tests.enforcement.records``, made once per test)."""
    from tests.enforcement.records import new_task
    from tests.enforcement.records import team as enforcement_team

    if not hasattr(world, "_enforcement_team"):
        world._enforcement_team = enforcement_team(world)
    return world._enforcement_team, new_task(world._enforcement_team, status="in_progress")


PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c63f8cfc0f01f0005000201a5f6e3c2"
                    "0000000049454e44ae426082")


def finding(world, kind="uncertified", description="电焊工1人无证上岗", people=1, **worker):
    """A finding (with a photo) recorded in a fresh inspection of enterprise X."""
    from certguard.enforcement import services as enforcement

    t, task = inspection(world)
    return enforcement.finding_add(by=t.inspector, task_id=task.pk, kind=kind,
                                   description=description, people=people,
                                   photos=[("现场.png", PNG)], **worker)


def decided_penalty(world, found, amount="20000"):
    """The penalty enforcement proposes and decides for a finding."""
    from certguard.enforcement import services as enforcement

    inspector = world.user("inspector", "A")
    penalty = enforcement.penalty_propose(by=inspector, finding_id=found.pk, amount=amount)
    enforcement.penalty_notify(by=inspector, penalty_id=penalty.pk)
    enforcement.penalty_decide(by=inspector, penalty_id=penalty.pk, hearing_waived=True)
    penalty.refresh_from_db()
    return penalty


def expire(clock_kind: str, referral) -> None:
    """Let the hop's due time pass (as if days went by)."""
    from django.utils import timezone

    from certguard.cases.models import Clock

    Clock.objects.filter(referral=referral, kind=clock_kind).update(
        started_at=timezone.now() - timedelta(days=5), due_at=timezone.now() - timedelta(days=2))


HOPS = ["proposed", "approved", "transferred", "received", "police_refused", "reconsideration",
        "reconsider_refused", "supervision", "police_accepted", "judged"]


def referral_at(world, hop: str, case=None):
    """A referral of a fresh case advanced to ``hop``."""
    from certguard.cases import services

    case = case or open_case(world)
    agency, head = world.user("inspector", "A"), world.user("department_head", "A")
    police, prosecutor = world.user("police", "A"), world.user("prosecutor", "A")
    r = services.referral_propose(by=agency, case_id=case.pk, reason="售证者涉嫌买卖国家机关证件",
                                  offences=["criminal_280"])
    steps = [
        ("approved", lambda: services.referral_head_decide(by=head, pk=r.pk, refer=True)),
        ("transferred", lambda: services.referral_transfer(by=agency, pk=r.pk)),
        ("received", lambda: services.referral_receipt(by=police, pk=r.pk)),
    ]
    if hop in ("police_accepted", "judged"):
        steps.append(("police_accepted", lambda: services.referral_police_decide(
            by=police, pk=r.pk, accept=True, case_no="沁公刑立〔2026〕1号")))
        steps.append(("judged", lambda: services.referral_court(
            by=prosecutor, pk=r.pk, outcome="convicted", note="判处有期徒刑一年")))
    else:
        steps += [
            ("police_refused", lambda: services.referral_police_decide(
                by=police, pk=r.pk, accept=False, reasons="证据不足")),
            ("reconsideration", lambda: services.referral_reconsider(
                by=agency, pk=r.pk, reasons="证据充分，请复议")),
            ("reconsider_refused", lambda: services.referral_reconsider_answer(
                by=police, pk=r.pk, accept=False, reasons="维持原决定")),
            ("supervision", lambda: services.referral_supervise(
                by=agency, pk=r.pk, reasons="请检察院立案监督")),
        ]
    for state, step in steps:
        if r.status == hop:
            break
        r = step()
        assert r.status == state
    r.refresh_from_db()
    return r


def matrix_records(world) -> dict:
    """For the permission matrix: a case of county A's 应急管理局 transferred to county A's
    police (copied to its procuratorate), a listing noticed on it, a draft bulletin."""
    from certguard.cases import services
    from certguard.cases.models import Bulletin

    referral = referral_at(world, "transferred")
    case = referral.case
    listing = services.listing_notice(
        by=world.user("inspector", "A"), case_id=case.pk,
        party_id=case.parties.get(kind="worker").pk,
        condition_id=_condition_id("local_personal_forged_cert"), facts="使用伪造证书")
    bulletin = Bulletin.objects.create(
        kind="quarterly", period="2026Q3", title="典型案例通报", organisation=case.organisation,
        region_id=case.region_id, department=case.department,
        entries=[{"number": case.number, "kind": "", "title": "王某某使用伪造证书案",
                  "facts": "王某某使用伪造证书", "handling": "罚款"}], case_ids=[case.pk])
    return {"case": case, "referral": referral, "listing": listing, "bulletin": bulletin}


def _condition_id(code: str) -> int:
    from certguard.cases.models import ListingCondition

    return ListingCondition.objects.get(code=code, version=1).pk


# --- query-count growth (tests/core/test_query_counts.py) ------------------------------------

def grow_case(world, case, n, start=[0]):  # noqa: B006 - a counter across calls
    from django.utils import timezone

    from certguard.cases.models import CaseBasis, CaseDecision, CaseEvidence, CaseParty
    from certguard.catalog.services import penalty_article_get

    article = penalty_article_get(code="AQSCF-97-7", on=timezone.localdate())
    for _ in range(n):
        start[0] += 1
        CaseParty.objects.create(case=case, kind="worker", name=f"人{start[0]}",
                                 id_no=WORKER_ID)
        # enforcement records (resolved through its selectors, one query per kind)
        CaseEvidence.objects.create(case=case, kind="photo", ref=str(900000 + start[0]))
        CaseEvidence.objects.create(case=case, kind="finding", ref=str(900000 + start[0]))
        CaseBasis.objects.create(case=case, legacy_ref=f"旧依据{start[0]}")
        CaseDecision.objects.create(case=case, kind="order", number=f"N{start[0]}",
                                    article=article, text="责令改正",
                                    decided_at=timezone.now())


def grow_referral(world, referral, n):
    from certguard.cases.models import ReferralEvent

    for i in range(n):
        ReferralEvent.objects.create(referral=referral, kind="early", note=f"介入{i}",
                                     actor=world.user("prosecutor", "A"))


def grow_listing(world, listing, n):
    from certguard.cases.models import ListingEvent

    for i in range(n):
        ListingEvent.objects.create(listing=listing, kind="objection", note=f"异议{i}",
                                    actor=world.user("inspector", "A"))


def grow_cases(world, records, n, start=[0]):  # noqa: B006
    from django.utils import timezone

    from certguard.cases.models import Bulletin, Case, Listing

    base = records.cases["case"]
    listing = records.cases["listing"]
    for _ in range(n):
        start[0] += 1
        case = Case.objects.create(number=f"Q{start[0]}", year=2026, seq=1000 + start[0],
                                   title="案", organisation=base.organisation,
                                   region_id=base.region_id, department=base.department,
                                   source_kind="inspection", source_ref=f"Q{start[0]}",
                                   facts="事实", opened_at=timezone.now())
        Listing.objects.create(case=case, party=listing.party, condition=listing.condition,
                               organisation=base.organisation, region_id=base.region_id,
                               department=base.department, status="noticed",
                               public_name="王某某", facts="事实", noticed_at=timezone.now(),
                               objection_due_at=timezone.now())
        Bulletin.objects.create(kind="quarterly", period="2026Q3", title="通报",
                                organisation=base.organisation, region_id=base.region_id,
                                department=base.department)
