"""Dishonesty lists (严重失信主体名单, 应急管理部令第11号) and personal credit records (seed
000): notice → objection → decision → publication → removal after the listing period; a repair
request after 12 months with its review; restoration when the repair was obtained by fraud.

Conditions are versioned rows per jurisdiction (``ListingCondition``)."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import Q

from certguard.cases.common import add_months, locked, now, text
from certguard.cases.models import Case, Listing, ListingCondition, ListingEvent
from certguard.cases.reference import INDIVIDUAL_PARTIES
from certguard.core.errors import AppError
from certguard.core.scoping import UserLike, account_of

MISSING = "失信名单记录不存在或无权查看"


def conditions_for(*, region_code: str, on=None) -> list[ListingCondition]:
    """The conditions in force at a place: the national ones and those of its province, city
    or county, the latest version of each code."""
    day = (on or now()).date()
    places = {"", region_code[:2] + "0000", region_code[:4] + "00", region_code}
    rows = ListingCondition.objects.filter(
        Q(effective_to__isnull=True) | Q(effective_to__gt=day), jurisdiction__in=places,
        effective_from__lte=day).order_by("jurisdiction", "code", "-version")
    latest: dict[tuple[str, str], ListingCondition] = {}
    for row in rows:
        latest.setdefault((row.jurisdiction, row.code), row)
    return list(latest.values())


def _listing(by: UserLike, pk: int, action: str) -> Listing:
    return locked(Listing, by=by, pk=pk, action=action, view="cases.listings", missing=MISSING)


def _event(listing: Listing, kind: str, by: UserLike, note: str = "") -> None:
    ListingEvent.objects.create(listing=listing, kind=kind, actor=account_of(by), note=note)


def _status(listing: Listing, *allowed: str, message: str) -> None:
    if listing.status not in allowed:
        raise AppError("listing_step_invalid",
                       f"{message}（当前状态：{listing.get_status_display()}）")


def _public_name(party) -> str:
    if party.kind in INDIVIDUAL_PARTIES:
        return (party.name[:1] + "某某") if party.name else "某某"
    return party.name


@transaction.atomic
def listing_notice(*, by: UserLike, case_id: int, party_id: int, condition_id: int,
                   facts: str) -> Listing:
    """告知: the party is told of the intended listing and may object within the period."""
    case = locked(Case, by=by, pk=case_id, action="cases.work", view="cases.view",
                  missing="案件不存在或无权查看")
    party = case.parties.filter(pk=party_id).first()
    if party is None:
        raise AppError("party_invalid", "当事人不属于本案", fields={"party": ["当事人无效"]})
    condition = next((c for c in conditions_for(region_code=case.region_id)
                      if c.pk == condition_id), None)
    if condition is None:
        raise AppError("condition_invalid", "列入条件不适用于本辖区或已失效",
                       fields={"condition": ["条件无效"]})
    individual = party.kind in INDIVIDUAL_PARTIES
    if (condition.subject == "organisation" and individual) or \
            (condition.subject == "individual" and not individual):
        raise AppError("condition_subject", f"该列入条件只适用于{condition.get_subject_display()}")
    if Listing.objects.filter(party=party, condition__code=condition.code).exclude(
            status__in=("dropped", "removed")).exists():
        raise AppError("listing_exists", "该当事人已因同一情形在办理或已列入")
    noticed = now()
    listing = Listing.objects.create(
        case=case, party=party, condition=condition, organisation_id=case.organisation_id,
        region_id=case.region_id, department=case.department, status="noticed",
        public_name=_public_name(party), facts=text(facts, field="facts", what="失信事实"),
        noticed_at=noticed, objection_due_at=noticed + timedelta(days=condition.objection_days))
    _event(listing, "notice", by, f"异议期至 {listing.objection_due_at:%Y-%m-%d %H:%M}")
    return listing


@transaction.atomic
def listing_objection(*, by: UserLike, pk: int, text_: str) -> Listing:
    """The party's objection, recorded by the department (within the period or not: a late
    objection is recorded with its date, never refused)."""
    listing = _listing(by, pk, "cases.listing_work")
    _status(listing, "noticed", message="只能在告知后、决定前记录异议")
    listing.objection = text(text_, field="text", what="异议内容")
    listing.status = "objected"
    listing.save(update_fields=["objection", "status", "updated_at"])
    late = now() > listing.objection_due_at
    _event(listing, "objection", by, ("（逾期提出）" if late else "") + listing.objection[:500])
    return listing


@transaction.atomic
def listing_decide(*, by: UserLike, pk: int, listed: bool, note: str = "") -> Listing:
    """The written decision: after the notice and its objection period (or the objection
    answered in this decision)."""
    listing = _listing(by, pk, "cases.listing_decide")
    _status(listing, "noticed", "objected", message="只有已告知当事人的才能作出列入决定")
    if listing.status == "noticed" and now() < listing.objection_due_at:
        raise AppError("objection_period",
                       "列入前须告知当事人并给予异议期（应急管理部令第11号），异议期至"
                       f"{listing.objection_due_at:%Y年%m月%d日 %H:%M}，期满前不能作出列入决定")
    note = text(note, field="note", what="决定理由（含对异议的答复）",
                required=listing.status == "objected" or not listed)
    if listing.status == "objected":
        _event(listing, "objection_result", by, note)
    moment = now()
    if not listed:
        listing.status = "dropped"
        listing.save(update_fields=["status", "updated_at"])
        _event(listing, "drop", by, note)
        return listing
    count = Listing.objects.filter(organisation_id=listing.organisation_id,
                                   decided_at__year=moment.year).count() + 1
    listing.decision_no = f"{listing.region_id}{listing.department}失信〔{moment.year}〕{count}号"
    listing.status, listing.decided_at = "decided", moment
    listing.expires_at = add_months(moment, 12 * listing.condition.years)
    listing.save(update_fields=["decision_no", "status", "decided_at", "expires_at",
                                "updated_at"])
    _event(listing, "decide", by, note)
    return listing


@transaction.atomic
def listing_publish(*, by: UserLike, pk: int) -> Listing:
    listing = _listing(by, pk, "cases.listing_decide")
    if listing.status in ("noticed", "objected"):
        raise AppError("not_decided", "尚未作出列入决定，不能公示")
    _status(listing, "decided", message="不能公示")
    listing.status, listing.published_at = "published", now()
    listing.save(update_fields=["status", "published_at", "updated_at"])
    _event(listing, "publish", by)
    return listing


@transaction.atomic
def listing_repair_request(*, by: UserLike, pk: int, text_: str) -> Listing:
    """信用修复 may be requested 12 months after the decision (or the condition's period)."""
    listing = _listing(by, pk, "cases.listing_work")
    _status(listing, "published", message="只有已公示的失信记录才能申请信用修复")
    earliest = add_months(listing.decided_at, listing.condition.repair_after_months)
    if now() < earliest:
        raise AppError("repair_too_early", f"列入满{listing.condition.repair_after_months}个月后"
                       f"方可申请信用修复（最早{earliest:%Y年%m月%d日}）")
    listing.repair_text = text(text_, field="text", what="信用修复申请（整改情况）")
    listing.status, listing.repair_requested_at = "repair_requested", now()
    listing.save(update_fields=["repair_text", "status", "repair_requested_at", "updated_at"])
    _event(listing, "repair_request", by, listing.repair_text[:500])
    return listing


@transaction.atomic
def listing_repair_review(*, by: UserLike, pk: int, grant: bool, note: str) -> Listing:
    listing = _listing(by, pk, "cases.listing_decide")
    _status(listing, "repair_requested", message="没有待审核的信用修复申请")
    note = text(note, field="note", what="审核意见")
    if grant:
        listing.status, listing.removed_at = "removed", now()
    else:
        listing.status = "published"
    listing.save(update_fields=["status", "removed_at", "updated_at"])
    _event(listing, "repair_grant" if grant else "repair_refuse", by, note)
    return listing


@transaction.atomic
def listing_restore(*, by: UserLike, pk: int, reason: str) -> Listing:
    """A repair obtained by fraud is revoked: the listing is published again until its
    original expiry."""
    listing = _listing(by, pk, "cases.listing_decide")
    repaired = listing.events.filter(kind="repair_grant").exists()
    if listing.status != "removed" or not repaired:
        raise AppError("not_repaired", "只有经信用修复移出的记录才能因修复材料虚假而恢复列入")
    reason = text(reason, field="reason", what="恢复列入的理由（修复材料虚假的事实）")
    listing.status, listing.removed_at, listing.published_at = "published", None, now()
    listing.save(update_fields=["status", "removed_at", "published_at", "updated_at"])
    _event(listing, "restore", by, reason)
    return listing


@transaction.atomic
def listings_expire(*, by: UserLike = None) -> int:
    """Remove the listings whose period has ended (a daily job or the CLI)."""
    moment, count = now(), 0
    for listing in Listing.objects.select_for_update().filter(
            status__in=("published", "decided"), expires_at__lte=moment):
        listing.status, listing.removed_at = "removed", moment
        listing.save(update_fields=["status", "removed_at", "updated_at"])
        _event(listing, "expire", by, "列入期满，自动移出")
        count += 1
    return count
