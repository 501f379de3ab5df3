"""Opening a case (立案) from a confirmed clue, a tip or an inspection finding; the team, the
parties, evidence linked never copied, decisions, fan-out, closing; bad input refused whole."""

from __future__ import annotations

import pytest

from certguard.cases import services
from certguard.cases.models import Case, CaseEvidence, SupervisionFlag
from certguard.core.errors import AppError
from tests.cases.records import WORKER_ID, confirmed_clue, open_case, team


def test_a_confirmed_clue_opens_a_case_with_its_evidence_linked(world):
    case = open_case(world)
    assert case.number.startswith("140521yj立〔") and case.status == "open"
    assert case.officers.count() == 2 and case.officers.filter(lead=True).count() == 1
    link = case.evidence.get(kind="clue")
    assert link.ref == case.source_ref  # a reference to the clue, not a copy of it
    assert {p.kind for p in case.parties.all()} == {"worker", "seller"}
    assert set(case.markers) >= {"seller", "forged_documents"}


def test_an_unconfirmed_clue_or_a_small_team_opens_nothing(world):
    from tests.clues.conftest import make_clue

    clue = make_clue(region_id="140521", family="special_ops")
    with pytest.raises(AppError, match="只有已确认的线索才能立案"):
        services.case_open(by=world.user("inspector", "A"), source_kind="clue",
                           source_ref=str(clue.pk), title="案", facts="事实",
                           officers=team(world))
    confirmed = confirmed_clue(world)
    with pytest.raises(AppError, match="办案人员不得少于两人"):
        services.case_open(by=world.user("inspector", "A"), source_kind="clue",
                           source_ref=str(confirmed.pk), title="案", facts="事实",
                           officers=[world.user("inspector", "A")])
    with pytest.raises(AppError, match="不是本单位的执法人员"):
        services.case_open(by=world.user("inspector", "A"), source_kind="clue",
                           source_ref=str(confirmed.pk), title="案", facts="事实",
                           officers=[world.user("inspector", "A"), world.user("inspector", "B")])
    assert not Case.objects.exists()


def test_a_clue_outside_the_county_is_not_found(world):
    clue = confirmed_clue(world)
    with pytest.raises(AppError, match="不存在或无权查看"):
        services.case_open(by=world.user("inspector", "B"), source_kind="clue",
                           source_ref=str(clue.pk), title="案", facts="事实",
                           officers=[world.user("inspector", "B"),
                                     world.user("department_head", "B")])


def test_one_source_opens_one_case(world):
    case = open_case(world)
    with pytest.raises(AppError, match="该来源已立案"):
        services.case_open(by=world.user("inspector", "A"), source_kind="clue",
                           source_ref=case.source_ref, title="再立", facts="事实",
                           officers=team(world))


def test_an_inspection_finding_or_a_tip_opens_a_case(world):
    from tests.cases.records import finding
    from tests.tips.records import matrix_tip

    found = finding(world)
    case = services.case_open(by=world.user("inspector", "A"), source_kind="inspection",
                              source_ref=str(found.pk), title="X煤业无证上岗",
                              facts="两名电工无证上岗", officers=team(world),
                              articles=["AQSCF-97-7"])
    assert {e.kind for e in case.evidence.all()} == {"finding", "inspection_record", "photo"}
    with pytest.raises(AppError, match="执法检查发现的问题检查发现 2026-17不存在或无权查看"):
        services.case_open(by=world.user("inspector", "A"), source_kind="inspection",
                           source_ref="检查发现 2026-17", title="X煤业无证上岗",
                           facts="两名电工无证上岗", officers=team(world))
    from certguard.tips import services as tips

    tip = matrix_tip(world)
    with pytest.raises(AppError, match="举报尚未受理"):
        services.case_open(by=world.user("inspector", "A"), source_kind="tip",
                           source_ref=str(tip.pk), title="举报案", facts="事实",
                           officers=team(world))
    tips.tip_accept(by=world.user("inspector", "A"), pk=tip.pk)
    tip_case = services.case_open(by=world.user("inspector", "A"), source_kind="tip",
                                  source_ref=str(tip.pk), title="举报案", facts="事实",
                                  officers=team(world))
    assert tip_case.evidence.get().kind == "tip"
    with pytest.raises(AppError, match="案件来源只能是"):
        services.case_open(by=world.user("inspector", "A"), source_kind="split",
                           source_ref="x", title="案", facts="事实", officers=team(world))


def test_bad_party_and_basis_are_refused(world):
    case = open_case(world, seller=False)
    with pytest.raises(AppError, match="身份证号无效"):
        services.case_party_add(by=world.user("inspector", "A"), case_id=case.pk,
                                kind="worker", name="甲", id_no="123")
    with pytest.raises(AppError, match=r"法律依据不在处罚条款目录中.*nope"):
        services.case_decide(by=world.user("inspector", "A"), case_id=case.pk, kind="penalty",
                             article="nope", text_="罚", amount=100)
    with pytest.raises(AppError, match="超出依据规定的幅度"):
        services.case_decide(by=world.user("inspector", "A"), case_id=case.pk, kind="penalty",
                             article="L30-41-F", text_="罚", amount=9000)
    with pytest.raises(AppError, match=r"法律依据不在处罚条款目录中.*criminal_280"):
        # a criminal offence is cited by the referral, never as an administrative basis
        services.case_decide(by=world.user("inspector", "A"), case_id=case.pk, kind="penalty",
                             article="criminal_280", text_="罚", amount=0)
    assert case.parties.count() == 1 and not case.decisions.exists()


def test_a_decision_is_numbered_and_sets_the_state(world):
    case = open_case(world)
    worker = case.parties.get(kind="worker")
    decision = services.case_decide(by=world.user("inspector", "A"), case_id=case.pk,
                                    kind="penalty", article="L30-41-F",
                                    text_="警告并罚款3000元", amount="3000", party_id=worker.pk)
    assert "罚〔" in decision.number and decision.amount == 3000
    case.refresh_from_db()
    assert case.status == "decided"


def test_a_seller_case_fans_out_sharing_its_evidence(world):
    seller = open_case(world, kind="fake_site_docs")
    children = services.case_split(
        by=world.user("inspector", "A"), case_id=seller.pk,
        parts=[{"kind": "enterprise", "name": "沁水县X煤业有限公司",
                "credit_code": world.cast.enterprise_x.credit_code},
               {"kind": "worker", "name": "王五", "id_no": WORKER_ID},
               {"kind": "enterprise", "name": "沁水县Z建筑工程有限公司",
                "credit_code": world.cast.construction_site_a.credit_code}])
    assert len(children) == 3 and all(c.parent_id == seller.pk for c in children)
    assert not CaseEvidence.objects.filter(case__in=children).exists()  # shared, not copied
    from certguard.cases.selectors import case_evidence

    assert [e.kind for e in case_evidence(case=children[0])] == ["clue", "screening_run"]
    seller.refresh_from_db()
    assert "many_buyers" in seller.markers
    with pytest.raises(AppError, match="上游案件已关联此证据"):
        services.case_evidence_link(by=world.user("inspector", "A"), case_id=children[0].pk,
                                    kind="clue", ref=seller.source_ref)


def test_a_case_with_markers_closed_with_a_fine_only_is_flagged(world):
    case = open_case(world)
    services.case_decide(by=world.user("inspector", "A"), case_id=case.pk, kind="penalty",
                         article="L30-41-F", text_="罚款", amount=2000)
    services.case_close(by=world.user("inspector", "A"), case_id=case.pk, closure="penalty")
    flag = SupervisionFlag.objects.get(case=case)
    assert "seller" in flag.markers and flag.fine == 2000
    with pytest.raises(AppError, match="已结案"):
        services.case_party_add(by=world.user("inspector", "A"), case_id=case.pk,
                                kind="worker", name="甲", id_no=WORKER_ID)


def test_a_case_without_markers_closes_quietly(world):
    from tests.cases.records import finding

    case = services.case_open(by=world.user("inspector", "A"), source_kind="inspection",
                              source_ref=str(finding(world).pk), title="无证上岗",
                              facts="一名焊工无证上岗",
                              officers=team(world), articles=["AQSCF-97-7"],
                              kind="unlicensed")
    with pytest.raises(AppError, match="尚未作出行政处罚决定"):
        services.case_close(by=world.user("inspector", "A"), case_id=case.pk, closure="penalty")
    services.case_decide(by=world.user("inspector", "A"), case_id=case.pk, kind="penalty",
                         article="AQSCF-97-7", text_="罚款", amount=8000)
    services.case_close(by=world.user("inspector", "A"), case_id=case.pk, closure="penalty")
    assert not SupervisionFlag.objects.exists()


def test_only_the_own_authority_changes_a_case(world):
    case = open_case(world)
    with pytest.raises(AppError) as refused:
        services.case_party_add(by=world.user("inspector", "city"), case_id=case.pk,
                                kind="worker", name="甲", id_no=WORKER_ID)
    assert refused.value.status == 403
    with pytest.raises(AppError) as hidden:
        services.case_party_add(by=world.user("inspector", "B"), case_id=case.pk,
                                kind="worker", name="甲", id_no=WORKER_ID)
    assert hidden.value.status == 404


def test_every_step_is_in_the_audit_log(world):
    from certguard.core.audit_spool import audit_ingest
    from certguard.core.models import AuditEntry

    open_case(world)
    audit_ingest(force=True)
    kinds = set(AuditEntry.objects.filter(object_type__startswith="cases.")
                .values_list("object_type", flat=True))
    assert {"cases.case", "cases.caseofficer", "cases.caseparty", "cases.caseevidence"} <= kinds
