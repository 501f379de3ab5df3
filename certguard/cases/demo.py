"""Demo cases of 沁水县应急管理局 in every state, a referral at each hop of 行刑衔接 (one
overdue at the head, one overdue at the police), a 以罚代刑 warning, dishonesty listings (one
published, one in its objection period) and a draft bulletin: the demo head, inspector, police
officer and prosecutor each have work waiting. Safe to re-run."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from certguard import ids
from certguard.cases import services
from certguard.cases.listings import conditions_for
from certguard.cases.models import Case, Clock, Listing
from certguard.cases.referral import referral_propose

PLACE = "140521"


def _id(seq: int) -> str:
    return ids.make_id_no(PLACE, date(1975 + seq % 20, 1 + seq % 12, 1 + seq % 27), seq)


def _case(inspector, head, n: int, title: str, kind: str, *, seller: bool = False,
          basis: tuple[str, ...] = ("order30_41_forge",)) -> Case:
    case = services.case_open(by=inspector, source_kind="inspection",
                              source_ref=f"演示检查发现-{n}", title=title, kind=kind,
                              facts=f"{title}：执法检查中发现，证书在官方平台查询不到。",
                              officers=[inspector, head], basis_keys=list(basis))
    services.case_party_add(by=inspector, case_id=case.pk, kind="worker", name=f"刘{n}民",
                            id_no=_id(n), phone=f"1390000{n:04d}")
    if seller:
        services.case_party_add(by=inspector, case_id=case.pk, kind="seller",
                                name=f"“安全培训王老师”{n}", id_no=_id(100 + n))
        services.case_evidence_link(by=inspector, case_id=case.pk, kind="page_capture",
                                    ref=f"演示取证-{n}", title="售证广告网页截图")
    return case


def _overdue(referral, kind: str) -> None:
    """Demo data only: the hop started days ago."""
    now = timezone.now()
    Clock.objects.filter(referral=referral, kind=kind, met_at__isnull=True).update(
        started_at=now - timedelta(days=5), due_at=now - timedelta(days=2))


HOPS = ["proposed", "approved", "transferred", "received", "police_refused", "reconsideration",
        "reconsider_refused", "supervision", "police_accepted", "judged"]


def _advance(referral, hop: str, *, inspector, head, police, prosecutor):
    steps = [("approved", lambda: services.referral_head_decide(by=head, pk=referral.pk,
                                                                refer=True, reasons="同意移送")),
             ("transferred", lambda: services.referral_transfer(by=inspector, pk=referral.pk)),
             ("received", lambda: services.referral_receipt(by=police, pk=referral.pk))]
    if hop in ("police_accepted", "judged"):
        steps += [("police_accepted", lambda: services.referral_police_decide(
                      by=police, pk=referral.pk, accept=True,
                      case_no=f"沁公刑立〔{timezone.now().year}〕{referral.pk}号")),
                  ("judged", lambda: services.referral_court(
                      by=prosecutor, pk=referral.pk, outcome="convicted",
                      note="以买卖国家机关证件罪判处有期徒刑一年"))]
    else:
        steps += [("police_refused", lambda: services.referral_police_decide(
                      by=police, pk=referral.pk, accept=False,
                      reasons="现有证据不足以证明售证数量")),
                  ("reconsideration", lambda: services.referral_reconsider(
                      by=inspector, pk=referral.pk, reasons="已补充网店交易记录，请复议")),
                  ("reconsider_refused", lambda: services.referral_reconsider_answer(
                      by=police, pk=referral.pk, accept=False, reasons="维持不予立案决定")),
                  ("supervision", lambda: services.referral_supervise(
                      by=inspector, pk=referral.pk, reasons="建议检察机关依法立案监督"))]
    for state, step in steps:
        if referral.status == hop:
            break
        referral = step()
        assert referral.status == state
    return referral


@transaction.atomic
def demo_cases_build(*, inspector, head, police, prosecutor) -> str:
    if Case.objects.filter(source_ref__startswith="演示检查发现-").exists():
        return "案件演示数据已存在"
    people = {"inspector": inspector, "head": head, "police": police, "prosecutor": prosecutor}
    # Cases in every state.
    _case(inspector, head, 1, "某煤业电工无证上岗案", "unlicensed", basis=("aqscf_97_7",))
    decided = _case(inspector, head, 2, "某化工厂焊工使用伪造证书案", "fake_site_docs")
    services.case_decide(by=inspector, case_id=decided.pk, kind="penalty",
                         basis_key="order30_41_forge", text_="警告，并处罚款3000元", amount=3000)
    fined = _case(inspector, head, 3, "某建材厂焊工购买假证上岗案", "platform_ads", seller=True)
    worker = fined.parties.get(kind="worker")
    services.case_decide(by=inspector, case_id=fined.pk, kind="penalty", party_id=worker.pk,
                         basis_key="order30_41_forge", text_="警告，并处罚款2000元", amount=2000)
    services.case_close(by=inspector, case_id=fined.pk, closure="penalty",
                        note="当事人已缴纳罚款")  # markers, fine only, no referral: a warning
    # A referral at each hop; the seller case fans out into buyer cases.
    seller = _case(inspector, head, 10, "“安全培训王老师”网上售卖假证案", "fake_site_docs",
                   seller=True)
    services.case_split(by=inspector, case_id=seller.pk, parts=[
        {"kind": "worker", "name": f"购证人{i}", "id_no": _id(200 + i)} for i in range(1, 4)])
    for i, hop in enumerate(HOPS):
        case = seller if hop == "proposed" else _case(
            inspector, head, 20 + i, f"售卖假冒特种作业操作证案（{i + 1}）", "fake_site_docs",
            seller=True)
        referral = referral_propose(by=inspector, case_id=case.pk,
                                    reason="售证者涉嫌买卖国家机关证件，涉及多名购证者",
                                    offences=["criminal_280"])
        referral = _advance(referral, hop, **people)
        if hop == "proposed":
            _overdue(referral, "head_decision")  # the head's overdue list
        if hop == "received":
            _overdue(referral, "police_decision")  # the police's overdue list
        if hop == "police_accepted":
            services.referral_early(by=prosecutor, pk=referral.pk, note="派员提前介入，引导取证")
        if hop == "judged":
            services.case_close(by=inspector, case_id=case.pk, closure="referred")
    # Dishonesty listings: one published, one in its objection period.
    condition = next(c for c in conditions_for(region_code=PLACE)
                     if c.code == "local_personal_forged_cert")
    listing = services.listing_notice(by=inspector, case_id=fined.pk, party_id=worker.pk,
                                      condition_id=condition.pk,
                                      facts="使用从网上购买的伪造焊工证上岗作业")
    Listing.objects.filter(pk=listing.pk).update(  # demo: the objection period has passed
        noticed_at=timezone.now() - timedelta(days=10),
        objection_due_at=timezone.now() - timedelta(days=5))
    services.listing_decide(by=head, pk=listing.pk, listed=True, note="异议期内未提出异议")
    services.listing_publish(by=head, pk=listing.pk)
    services.listing_notice(by=inspector, case_id=decided.pk,
                            party_id=decided.parties.get(kind="worker").pk,
                            condition_id=condition.pk, facts="使用伪造的焊工证上岗作业")
    # A draft bulletin from this quarter's closed cases.
    now = timezone.now()
    services.bulletin_draft(by=inspector, kind="quarterly",
                            period=f"{now.year}Q{(now.month - 1) // 3 + 1}")
    return (f"案件 {Case.objects.count()} 件（含移送各环节、以罚代刑预警 1 件），失信名单 2 条，"
            "典型案例通报草稿 1 份")
