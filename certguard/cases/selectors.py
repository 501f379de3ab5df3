"""Reads of the cases app, always through ``restrict(user, action)``; parties' names, ID and
phone numbers are personal data (logged where read)."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from certguard.cases.models import (
    Bulletin,
    Case,
    CaseEvidence,
    CaseParty,
    Clock,
    Listing,
    Referral,
    ReferralEvent,
    SupervisionFlag,
)
from certguard.core.errors import NotFound
from certguard.core.personal import logged_reads
from certguard.core.policy import allows, require
from certguard.core.scoping import UserLike, actor_of

PARTY_FIELDS = ("name", "id_no", "phone")


def view_action(user: UserLike) -> str:
    """Police and prosecutors read cases through their inbox action; regulators through
    ``cases.view``."""
    return "cases.referrals" if actor_of(user).is_judicial else "cases.view"


def cases_for(*, user: UserLike, action: str = "") -> QuerySet[Case]:
    return (Case.objects.restrict(user, action or view_action(user))
            .select_related("region", "organisation", "referral")
            .order_by("-opened_at", "-id"))


def case_get(*, user: UserLike, pk: int) -> Case:
    case = cases_for(user=user).select_related("parent", "opened_by").prefetch_related(
        Prefetch("officers__user"), Prefetch("decisions"),
        Prefetch("children", queryset=Case.objects.order_by("id"))).filter(pk=pk).first()
    if case is None:
        raise NotFound("case_not_found", "案件不存在或无权查看")
    return case


def case_parties(*, user: UserLike, case: Case) -> QuerySet[CaseParty]:
    return logged_reads(CaseParty.objects.filter(case=case).order_by("id"), fields=PARTY_FIELDS,
                        summary="查看案件当事人", user=user)


def case_evidence(*, case: Case) -> list[CaseEvidence]:
    """The case's own evidence links and, for a split case, the seller case's (shared)."""
    cases = [case.pk] + ([case.parent_id] if case.parent_id else [])
    return list(CaseEvidence.objects.filter(case_id__in=cases).order_by("case_id", "id"))


def can_work(*, user: UserLike, case: Case) -> bool:
    return allows(user, "cases.work") and Case.objects.restrict(user, "cases.work").filter(
        pk=case.pk).exists()


def referral_of(*, user: UserLike, case: Case) -> Referral | None:
    action = view_action(user)
    return (Referral.objects.restrict(user, action).filter(case=case)
            .select_related("police_org", "procuratorate_org")
            .prefetch_related(*_history()).first())


def _history() -> tuple[Prefetch, Prefetch]:
    return (Prefetch("events", queryset=ReferralEvent.objects.select_related("actor")),
            Prefetch("clocks", queryset=Clock.objects.select_related("owner_org", "case")))


def referral_get(*, user: UserLike, pk: int) -> Referral:
    found = (Referral.objects.restrict(user, view_action(user))
             .select_related("case", "case__organisation", "police_org", "procuratorate_org")
             .prefetch_related(*_history()).filter(pk=pk).first())
    if found is None:
        raise NotFound("referral_not_found", "移送记录不存在或无权查看")
    return found


def referrals_inbox(*, user: UserLike) -> QuerySet[Referral]:
    """Police and prosecutors: the referrals transferred to their organisation, the open
    clocks first (what they owe next is on each row)."""
    return (Referral.objects.restrict(user, "cases.referrals")
            .select_related("case", "case__organisation", "police_org", "procuratorate_org")
            .prefetch_related(Prefetch("clocks", queryset=Clock.objects.filter(
                met_at__isnull=True).select_related("owner_org", "case"),
                to_attr="open_clocks"), *_history())
            .order_by("-transferred_at", "-id"))


def open_clocks(*, user: UserLike) -> QuerySet[Clock]:
    """The clocks the user's organisation owes next (due soonest first)."""
    actor = actor_of(user)
    return (Clock.objects.restrict(user, view_action(user))
            .filter(met_at__isnull=True, owner_org_id=actor.organisation_id)
            .select_related("case", "referral", "owner_org").order_by("due_at"))


def overdue_clocks(*, user: UserLike) -> QuerySet[Clock]:
    """Overdue clocks owed by the user's own organisation (the agency head's list, the
    police's); the procuratorate, copied on every transfer, sees all of those referrals'."""
    actor = actor_of(user)
    action = "cases.head" if allows(user, "cases.head") else "cases.referrals"
    clocks = (Clock.objects.restrict(user, action)
              .filter(met_at__isnull=True, due_at__lt=timezone.now())
              .select_related("case", "referral", "owner_org").order_by("due_at"))
    if actor.role == "prosecutor" or actor.is_admin:
        return clocks
    return clocks.filter(owner_org_id=actor.organisation_id)


def supervision_list(*, user: UserLike) -> QuerySet[SupervisionFlag]:
    return (SupervisionFlag.objects.restrict(user, "cases.supervision")
            .select_related("case", "organisation", "region").order_by("-created_at"))


def listings_for(*, user: UserLike, status: str = "") -> QuerySet[Listing]:
    rows = (Listing.objects.restrict(user, "cases.listings")
            .select_related("case", "condition", "organisation", "party")
            .order_by("-noticed_at", "-id"))
    return rows.filter(status=status) if status else rows


def listing_get(*, user: UserLike, pk: int) -> Listing:
    found = listings_for(user=user).prefetch_related("events").filter(pk=pk).first()
    if found is None:
        raise NotFound("listing_not_found", "失信名单记录不存在或无权查看")
    return found


def public_listings(*, user: UserLike) -> QuerySet[Listing]:
    """The public page: published listings (individuals' names masked), not the party —
    the same for everyone, so read as the anonymous visitor sees them."""
    require(user, "cases.public_list")
    return (Listing.objects.restrict(None, "cases.public_list")
            .select_related("condition", "organisation").only(
                "public_name", "facts", "decision_no", "decided_at", "published_at",
                "expires_at", "status", "condition__title", "condition__source",
                "organisation__name").order_by("-published_at", "-id"))


def credit_records(*, user: UserLike) -> QuerySet[Listing]:
    """Individuals' records for the personal credit system: listings of individual parties
    that were decided (whatever happened after)."""
    rows = (Listing.objects.restrict(user, "cases.credit_export")
            .filter(Q(condition__subject__in=("individual", "both")),
                    party__kind__in=("worker", "seller", "website_operator"),
                    decided_at__isnull=False)
            .select_related("party", "condition", "organisation", "case").order_by("id"))
    return logged_reads(rows, fields=("party__name", "party__id_no"),
                        summary="导出个人信用记录", user=user)


def bulletins_for(*, user: UserLike) -> QuerySet[Bulletin]:
    return (Bulletin.objects.restrict(user, "cases.bulletins")
            .select_related("organisation", "drafted_by", "approved_by")
            .order_by("-created_at", "-id"))


def bulletin_get(*, user: UserLike, pk: int) -> Bulletin:
    found = bulletins_for(user=user).filter(pk=pk).first()
    if found is None:
        raise NotFound("bulletin_not_found", "通报不存在或无权查看")
    return found
