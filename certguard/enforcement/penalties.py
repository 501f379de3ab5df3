"""Penalties with their basis: the article and discretion tier suggested from the catalogue
for a finding, an amount outside the tier's range only with a written reason and legal review
(法制审核, Art. 58), the prior notice (Art. 44) and the decision (Art. 59) as numbered
documents, and the clocks: decision within 90 days of 立案, delivery 7 days, hearing request
5 days, payment 15 days (late: 3 % a day, at most the fine), publication within 7 working
days (Art. 78) on the public page with personal data masked."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from certguard import ids
from certguard.catalog.services import penalty_article_get
from certguard.core.errors import AppError, Forbidden, NotFound
from certguard.core.policy import require
from certguard.core.scoping import UserLike, actor_of
from certguard.enforcement.common import day, now, text, today
from certguard.enforcement.documents import issue, refuse_manual_number
from certguard.enforcement.models import Clock, Document, Finding, PenaltyDecision
from certguard.enforcement.reference import (
    CLOCK_DAYS,
    FINDING_ARTICLES,
    PUBLICATION_WORKING_DAYS,
    SURCHARGE_RATE_PER_DAY,
)


def suggest_for(*, kind: str, people: int, uncorrected: bool = False,
                on: date | None = None) -> dict:
    """The article, tier and range the catalogue gives for a kind of finding."""
    code = FINDING_ARTICLES.get(kind)
    if code is None:
        raise AppError("no_article", "该类问题没有对应的处罚条款，请依法另行处理")
    on = on or today()
    article = penalty_article_get(code=code, on=on)
    if uncorrected and article.escalation_code:
        article = penalty_article_get(code=article.escalation_code, on=on)
    tiers = list(article.tiers.all())
    tier = next((t for t in tiers if t.min_people <= people
                 and (t.max_people is None or people <= t.max_people)), tiers[0] if tiers else None)
    low = tier.min_amount if tier else article.min_amount
    high = tier.max_amount if tier else article.max_amount
    return {"article": article.code, "version": article.version, "basis": article.basis,
            "conduct": article.conduct, "party": article.party, "penalty": article.penalty,
            "tier": tier.code if tier else "", "tier_label": tier.label if tier else "",
            "min": str(low), "max": str(high),
            "statutory_min": str(article.min_amount), "statutory_max": str(article.max_amount),
            "suspension": bool((tier and tier.suspension) or article.suspension),
            "source": (tier.source if tier else article.source),
            "unconfirmed": bool((tier and tier.unconfirmed) or article.unconfirmed)}


def _finding(by: UserLike, finding_id: int) -> Finding:
    finding = Finding.objects.restrict(by, "enforcement.work").select_related(
        "task__organisation", "task__target").filter(pk=finding_id).first()
    if finding is None:
        raise NotFound("finding_not_found", "问题记录不存在或您不是该任务的检查组成员")
    return finding


def penalty_suggest(*, by: UserLike, finding_id: int, uncorrected: bool = False) -> dict:
    require(by, "enforcement.penalty")
    finding = _finding(by, finding_id)
    return suggest_for(kind=finding.kind, people=max(finding.people, 1), uncorrected=uncorrected)


def _amount(value: object) -> Decimal:
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise AppError("amount_invalid", "罚款金额应为数字（元）",
                       fields={"amount": ["无效"]}) from None
    if amount < 0 or amount > Decimal("100000000") or amount != amount.quantize(Decimal("0.01")):
        raise AppError("amount_invalid", "罚款金额应为0以上、最多两位小数的数（元）",
                       fields={"amount": ["无效"]})
    return amount


def _clock(penalty: PenaltyDecision, kind: str, start: datetime, due: datetime) -> Clock:
    return Clock.objects.create(penalty=penalty, kind=kind, organisation=penalty.organisation,
                                region_id=penalty.region_id, department=penalty.department,
                                started_at=start, due_at=due)


def _meet(penalty: PenaltyDecision, *kinds: str) -> None:
    Clock.objects.filter(penalty=penalty, kind__in=kinds, met_at__isnull=True).update(
        met_at=now())


def _end_of(day_: date) -> datetime:
    return datetime.combine(day_, time.max, timezone.get_current_timezone())


def working_days_after(start: date, n: int) -> date:
    """The n-th working day after ``start`` (Saturdays and Sundays skipped; public holidays
    are not known to the platform — the clock errs on the early side)."""
    current, left = start, n
    while left:
        current += timedelta(days=1)
        if current.weekday() < 5:
            left -= 1
    return current


@transaction.atomic
def penalty_propose(*, by: UserLike, finding_id: int, amount: object, facts: str = "",
                    reason_outside: str = "", uncorrected: bool = False,
                    party_name: str = "", party_id_no: str = "") -> PenaltyDecision:
    """立案 and the proposed penalty. An amount outside the suggested range needs a written
    reason and goes to legal review before the notice."""
    actor = require(by, "enforcement.penalty")
    finding = _finding(by, finding_id)
    suggestion = suggest_for(kind=finding.kind, people=max(finding.people, 1),
                             uncorrected=uncorrected)
    money = _amount(amount)
    low, high = Decimal(suggestion["min"]), Decimal(suggestion["max"])
    reason = text(reason_outside, name="reason_outside", what="超出裁量幅度的理由", limit=2000,
                  required=False)
    outside = not (low <= money <= high)
    if outside and not reason:
        raise AppError("reason_required", f"罚款金额 {money} 元超出裁量幅度（{low}至{high}元，"
                       f"{suggestion['basis']}），须写明理由并提交法制审核",
                       fields={"reason_outside": ["必填"]})
    task = finding.task
    if suggestion["party"] == "person":
        name = text(party_name or finding.worker_name, name="party_name", what="当事人姓名",
                    limit=50)
        raw = party_id_no or finding.worker_id_no
        check = ids.check_id_no(raw)
        if not check.ok:
            raise AppError("id_no_invalid", f"当事人身份证号有误：{check.message}",
                           fields={"party_id_no": [check.message]})
        party_kind, party_id = "person", check.id_no
    else:
        name, party_kind, party_id = task.target_name, "organisation", ""
    filed = now()
    penalty = PenaltyDecision.objects.create(
        task=task, finding=finding, organisation=task.organisation, department=task.department,
        region_id=task.region_id, sector=task.sector, party_kind=party_kind, party_name=name,
        party_id_no=party_id, article_code=suggestion["article"],
        article_version=suggestion["version"], basis=suggestion["basis"],
        tier_code=suggestion["tier"], range_min=low, range_max=high, amount=money,
        suspension=suggestion["suspension"],
        facts=text(facts or f"{finding.get_kind_display()}：{finding.description}",
                   name="facts", what="违法事实", limit=4000),
        reason_outside=reason, review_status="pending" if outside else "",
        status="review" if outside else "draft", filed_at=filed,
        created_by_id=actor.user_id)
    _clock(penalty, "decision", filed, filed + timedelta(days=CLOCK_DAYS["decision"]))
    return penalty


def _penalty(by: UserLike, pk: int) -> PenaltyDecision:
    penalty = PenaltyDecision.objects.restrict(by, "enforcement.penalty").select_for_update() \
        .filter(pk=pk).first()
    if penalty is None:
        raise NotFound("penalty_not_found", "处罚记录不存在或不是本机关的处罚")
    return penalty


@transaction.atomic
def penalty_review(*, by: UserLike, penalty_id: int, approve: bool, note: str) -> PenaltyDecision:
    """法制审核 of an amount outside the range: the department head."""
    actor = actor_of(by)
    if actor.role not in ("department_head", "system"):
        raise Forbidden("not_head", "法制审核须由部门负责人（法制审核人员）办理")
    require(by, "enforcement.approve")
    penalty = PenaltyDecision.objects.restrict(by, "enforcement.approve").select_for_update() \
        .filter(pk=penalty_id).first()
    if penalty is None:
        raise NotFound("penalty_not_found", "处罚记录不存在或不是本机关的处罚")
    if penalty.review_status != "pending":
        raise AppError("no_review", "该处罚不需要或已完成法制审核")
    penalty.review_status = "approved" if approve else "rejected"
    penalty.review_note = text(note, name="note", what="审核意见", limit=500)
    penalty.reviewed_by_id = actor.user_id
    penalty.status = "draft"
    penalty.save(update_fields=["review_status", "review_note", "reviewed_by", "status",
                                "updated_at"])
    return penalty


@transaction.atomic
def penalty_notify(*, by: UserLike, penalty_id: int, number: object = None) -> Document:
    """行政处罚告知书 (Art. 44): facts, grounds, rights; 5 days to request a hearing."""
    require(by, "enforcement.penalty")
    refuse_manual_number(number)
    penalty = _penalty(by, penalty_id)
    if penalty.review_status in ("pending", "rejected"):
        raise AppError("review_pending", "罚款金额超出裁量幅度，须经法制审核通过后才能告知"
                       if penalty.review_status == "pending"
                       else "法制审核未通过，不能告知；请重新拟定处罚")
    if penalty.status != "draft":
        raise AppError("already_notified", "已告知当事人")
    penalty.notified_at = now()
    penalty.status = "notified"
    penalty.save(update_fields=["notified_at", "status", "updated_at"])
    _clock(penalty, "hearing", penalty.notified_at,
           _end_of(timezone.localtime(penalty.notified_at).date()
                   + timedelta(days=CLOCK_DAYS["hearing"])))
    return issue(task=penalty.task, kind="notice", penalty=penalty, by=by,
                 content=_content(penalty))


@transaction.atomic
def penalty_decide(*, by: UserLike, penalty_id: int, hearing_requested: bool = False,
                   hearing_waived: bool = False, number: object = None) -> Document:
    """行政处罚决定书 (Art. 59), after the hearing window (or the party's written waiver)."""
    require(by, "enforcement.penalty")
    refuse_manual_number(number)
    penalty = _penalty(by, penalty_id)
    if penalty.status != "notified":
        raise AppError("not_notified", "须先送达行政处罚告知书，再作出处罚决定")
    window = Clock.objects.filter(penalty=penalty, kind="hearing").first()
    if window and window.due_at > now() and not (hearing_waived or hearing_requested):
        raise AppError("hearing_window", f"当事人可在{timezone.localtime(window.due_at):%Y-%m-%d}"
                       "前申请听证，期满或当事人书面放弃后才能作出决定")
    penalty.hearing_requested = bool(hearing_requested)
    penalty.decided_at = now()
    penalty.status = "decided"
    penalty.save(update_fields=["hearing_requested", "decided_at", "status", "updated_at"])
    _meet(penalty, "decision", "hearing")
    decided = timezone.localtime(penalty.decided_at).date()
    _clock(penalty, "delivery", penalty.decided_at,
           _end_of(decided + timedelta(days=CLOCK_DAYS["delivery"])))
    _clock(penalty, "publication", penalty.decided_at,
           _end_of(working_days_after(decided, PUBLICATION_WORKING_DAYS)))
    return issue(task=penalty.task, kind="decision", penalty=penalty, by=by,
                 content=_content(penalty))


@transaction.atomic
def penalty_deliver(*, by: UserLike, penalty_id: int) -> PenaltyDecision:
    require(by, "enforcement.penalty")
    penalty = _penalty(by, penalty_id)
    if penalty.status != "decided":
        raise AppError("not_decided", "只有已作出的处罚决定才能送达")
    penalty.delivered_at, penalty.status = now(), "delivered"
    penalty.save(update_fields=["delivered_at", "status", "updated_at"])
    _meet(penalty, "delivery")
    _clock(penalty, "payment", penalty.delivered_at,
           _end_of(timezone.localtime(penalty.delivered_at).date()
                   + timedelta(days=CLOCK_DAYS["payment"])))
    return penalty


def surcharge(penalty: PenaltyDecision, on: date) -> Decimal:
    """加处罚款 (Art. 72): 3 % of the fine per day after the 15-day payment period, at most
    the fine itself."""
    if penalty.delivered_at is None:
        return Decimal(0)
    due = timezone.localtime(penalty.delivered_at).date() + timedelta(days=CLOCK_DAYS["payment"])
    late = (on - due).days
    if late <= 0:
        return Decimal(0)
    return min(penalty.amount * SURCHARGE_RATE_PER_DAY * late / 100, penalty.amount) \
        .quantize(Decimal("0.01"))


@transaction.atomic
def penalty_pay(*, by: UserLike, penalty_id: int, paid_on: object, amount: object) -> dict:
    require(by, "enforcement.penalty")
    penalty = _penalty(by, penalty_id)
    if penalty.status != "delivered":
        raise AppError("not_delivered", "处罚决定送达后才能登记缴纳")
    when = day(paid_on, name="paid_on", what="缴纳日期")
    if when > today() or when < timezone.localtime(penalty.delivered_at).date():
        raise AppError("paid_on_invalid", "缴纳日期不能早于送达日期，也不能晚于今天",
                       fields={"paid_on": ["日期无效"]})
    due_extra = surcharge(penalty, when)
    paid = _amount(amount)
    if paid < penalty.amount + due_extra:
        raise AppError("amount_short", f"应缴 {penalty.amount + due_extra} 元（罚款 "
                       f"{penalty.amount} 元，加处罚款 {due_extra} 元），登记的金额不足",
                       fields={"amount": ["金额不足"]})
    penalty.paid_at = _end_of(when) if when < today() else now()
    penalty.paid_amount, penalty.status = paid, "paid"
    penalty.save(update_fields=["paid_at", "paid_amount", "status", "updated_at"])
    _meet(penalty, "payment")
    return {"fine": str(penalty.amount), "surcharge": str(due_extra), "paid": str(paid)}


@transaction.atomic
def penalty_publish(*, by: UserLike, penalty_id: int) -> PenaltyDecision:
    """Art. 78: publish the decision (public page, personal data masked)."""
    require(by, "enforcement.penalty")
    penalty = _penalty(by, penalty_id)
    if penalty.decided_at is None:
        raise AppError("not_decided", "只有已作出的处罚决定才能公开")
    if penalty.published_at:
        raise AppError("already_published", "处罚决定已公开")
    penalty.published_at = now()
    penalty.save(update_fields=["published_at", "updated_at"])
    _meet(penalty, "publication")
    return penalty


def _content(penalty: PenaltyDecision) -> dict:
    return {"party": penalty.party_name, "party_kind": penalty.party_kind,
            "party_id_no": ids.mask_id_no(penalty.party_id_no) if penalty.party_id_no else "",
            "facts": penalty.facts, "basis": penalty.basis, "article": penalty.article_code,
            "tier": penalty.tier_code, "amount": str(penalty.amount),
            "suspension": penalty.suspension}


def penalty_document_sections(document: Document) -> tuple[list[tuple[str, str]], str]:
    c = document.content
    penalty_text = f"罚款人民币 {c['amount']} 元" + (
        "，责令停产停业整顿" if c["suspension"] else "")
    party = c["party"] + (f"（身份证号 {c['party_id_no']}）" if c.get("party_id_no") else "")
    if document.kind == "notice":
        return ([("当事人", party), ("违法事实", c["facts"]), ("处罚依据", c["basis"]),
                 ("拟作出的行政处罚", penalty_text),
                 ("当事人的权利", "你（单位）有权进行陈述和申辩；对较大数额罚款等处罚，有权在"
                                  "收到本告知书之日起5日内要求听证。逾期未提出的，视为放弃"
                                  "上述权利。")], "")
    return ([("当事人", party), ("违法事实和证据", c["facts"]), ("处罚依据", c["basis"]),
             ("行政处罚的种类和数额", penalty_text),
             ("履行方式和期限", "自收到本决定书之日起15日内到指定银行或通过电子支付系统缴纳"
                                "罚款；逾期不缴纳的，每日按罚款数额的3%加处罚款（加处罚款"
                                "数额不超过罚款数额）。"),
             ("申请行政复议或者提起行政诉讼的途径和期限",
              "如不服本决定，可以在收到本决定书之日起60日内依法申请行政复议，或者在6个月内"
              "依法提起行政诉讼。")], "本决定书加盖执法机关印章后生效。")
