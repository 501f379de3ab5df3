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
from certguard.cases.models import Case, Clock, Listing, SupervisionFlag
from certguard.cases.referral import referral_propose

PLACE = "140521"


def _id(seq: int) -> str:
    return ids.make_id_no(PLACE, date(1975 + seq % 20, 1 + seq % 12, 1 + seq % 27), seq)


class _Inspection:
    """The demo's source of cases: one inspection of the demo mine by 沁水县应急管理局 (through
    enforcement's services), each demo case opened from a finding recorded in it, so that every
    case links real evidence (the finding, the inspection record, the photos)."""

    KINDS = {"unlicensed": "uncertified", "fake_site_docs": "fake_cert_worker",
             "platform_ads": "fake_cert_worker"}

    def __init__(self, inspector, head) -> None:
        from django.contrib.auth import get_user_model

        from certguard.enforcement import selectors as reads
        from certguard.enforcement import services as enforcement

        self.inspector, self.enforcement = inspector, enforcement
        decided = reads.penalty_decisions_for(user=inspector, decided_only=True).first()
        if decided is None:
            raise RuntimeError("案件演示数据须在执法演示数据之后生成（没有已决定的行政处罚）")
        self.decided = decided
        second = get_user_model().objects.get(username="demo_inspector2")
        task = enforcement.task_create(
            by=inspector, target_id=decided.task.target_id, source="plan",
            planned_on=timezone.localdate(), team=[inspector.pk, second.pk],
            cap_reason="专项行动：对涉证违法行为立案调查取证").task
        enforcement.task_submit(by=inspector, task_id=task.pk)
        enforcement.task_approve(by=head, task_id=task.pk)
        enforcement.task_start(by=inspector, task_id=task.pk)
        self.task = task

    def finding(self, kind: str, description: str, *, name: str = "", id_no: str = "") -> int:
        return self.enforcement.finding_add(
            by=self.inspector, task_id=self.task.pk, kind=self.KINDS.get(kind, kind),
            description=description, people=1, worker_name=name, worker_id_no=id_no,
            photos=[("现场.png", _PNG)]).pk

    def enforcement_findings(self) -> list:
        """The findings of the enforcement demo's inspection of the mine."""
        from certguard.enforcement import selectors as reads

        task = reads.task_get(user=self.inspector, pk=self.decided.task_id)
        return list(reads.task_findings(user=self.inspector, task=task))

    def complete(self) -> None:
        self.enforcement.task_complete(by=self.inspector, task_id=self.task.pk,
                                       handling="发现的问题已立案调查", unit_signed=True)
        self.enforcement.record_issue(by=self.inspector, task_id=self.task.pk)


# A 1×1 PNG: the demo's photo of the scene.
_PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                     "1f15c4890000000d49444154789c63f8cfc0f01f0005000201a5f6e3c2"
                     "0000000049454e44ae426082")


def _case(inspector, head, n: int, title: str, kind: str, *, seller: bool = False,
          articles: tuple[str, ...] = ("L30-41-F",), source: _Inspection) -> Case:
    name, id_no = f"刘{n}民", _id(n)
    finding = source.finding(kind, f"{title}：执法检查中发现，证书在官方平台查询不到。",
                             name=name, id_no=id_no)
    case = services.case_open(by=inspector, source_kind="inspection", source_ref=str(finding),
                              title=title, kind=kind,
                              facts=f"{title}：执法检查中发现，证书在官方平台查询不到。",
                              officers=[inspector, head], articles=list(articles))
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
    if Case.objects.filter(opened_by=inspector).exists():
        return "案件演示数据已存在"
    people = {"inspector": inspector, "head": head, "police": police, "prosecutor": prosecutor}
    source = _Inspection(inspector, head)
    # Cases in every state, each opened from an inspection finding (evidence linked).
    _case(inspector, head, 1, "某煤业电工无证上岗案", "unlicensed", articles=("AQSCF-97-7",),
          source=source)
    decided = _case(inspector, head, 2, "某化工厂焊工使用伪造证书案", "fake_site_docs",
                    source=source)
    services.case_decide(by=inspector, case_id=decided.pk, kind="penalty",
                         article="L30-41-F", text_="警告，并处罚款3000元", amount=3000)
    fined = _case(inspector, head, 3, "某建材厂焊工购买假证上岗案", "platform_ads", seller=True,
                  source=source)
    worker = fined.parties.get(kind="worker")
    services.case_decide(by=inspector, case_id=fined.pk, kind="penalty", party_id=worker.pk,
                         article="L30-41-F", text_="警告，并处罚款2000元", amount=2000)
    services.case_close(by=inspector, case_id=fined.pk, closure="penalty",
                        note="当事人已缴纳罚款")  # markers, fine only, no referral: a warning
    # The mine's forged certificate, found by the enforcement demo: the case links that
    # finding and inspection, shows the penalty enforcement decided for the mine, and is
    # closed on it (fine only, forged documents, no referral): on the 以罚代刑 lists.
    forged = next(f for f in source.enforcement_findings() if f.kind == "fake_cert_employer")
    mine = services.case_open(by=inspector, source_kind="inspection", source_ref=str(forged.pk),
                              title="某煤矿使用伪造提升机操作证案", kind="fake_site_docs",
                              facts="执法检查发现该矿提升机操作工所持特种作业操作证系伪造，"
                                    "该矿已因无证上岗被处以罚款。",
                              officers=[inspector, head], articles=["L30-40"])
    services.case_close(by=inspector, case_id=mine.pk, closure="penalty",
                        note="执法系统已作出行政处罚决定并送达")
    # A referral at each hop; the seller case fans out into buyer cases.
    seller = _case(inspector, head, 10, "“安全培训王老师”网上售卖假证案", "fake_site_docs",
                   seller=True, source=source)
    services.case_split(by=inspector, case_id=seller.pk, parts=[
        {"kind": "worker", "name": f"购证人{i}", "id_no": _id(200 + i)} for i in range(1, 4)])
    for i, hop in enumerate(HOPS):
        case = seller if hop == "proposed" else _case(
            inspector, head, 20 + i, f"售卖假冒特种作业操作证案（{i + 1}）", "fake_site_docs",
            seller=True, source=source)
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
    source.complete()
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
    return (f"案件 {Case.objects.count()} 件（均由执法检查发现立案、关联检查记录；含移送各环节、"
            f"以罚代刑预警 {SupervisionFlag.objects.count()} 件），失信名单 2 条，"
            "典型案例通报草稿 1 份")
