"""Reads of the cases app, always through ``restrict(user, action)``; parties' names, ID and
phone numbers are personal data (logged where read)."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from certguard.cases.models import (
    Bulletin,
    Case,
    CaseBasis,
    CaseDecision,
    CaseEvidence,
    CaseParty,
    Clock,
    Listing,
    Referral,
    ReferralEvent,
    SupervisionFlag,
)
from certguard.cases.reference import ENFORCEMENT_EVIDENCE, INDIVIDUAL_PARTIES
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
            .prefetch_related(Prefetch("bases", queryset=CaseBasis.objects.select_related(
                "article")))
            .order_by("-opened_at", "-id"))


def case_get(*, user: UserLike, pk: int) -> Case:
    case = cases_for(user=user).select_related("parent", "opened_by").prefetch_related(
        Prefetch("officers__user"),
        Prefetch("decisions", queryset=CaseDecision.objects.select_related("article", "party")),
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


def evidence_resolved(*, user: UserLike, case: Case) -> list[dict]:
    """The evidence links with what they point to, read now from the app that holds it (the
    enforcement app's records through its selectors, a query per kind): ``available`` is False
    when the record is gone or ``user`` may not see it (police and prosecutors see the link,
    not the inspection file)."""
    links = case_evidence(case=case)
    held: dict[str, dict[int, dict]] = {k: {} for k in ENFORCEMENT_EVIDENCE}
    wanted: dict[str, list[int]] = {k: [] for k in ENFORCEMENT_EVIDENCE}
    for link in links:
        if link.kind in wanted and link.ref.isdigit():
            wanted[link.kind].append(int(link.ref))
    if any(wanted.values()) and allows(user, "enforcement.view"):
        from certguard.enforcement import selectors as enforcement

        if wanted["finding"]:
            for f in enforcement.findings_by_ids(user=user, ids_=wanted["finding"]):
                held["finding"][f.pk] = {
                    "summary": f"{f.get_kind_display()}：{f.description}"
                               + (f"（涉及{f.people}人）" if f.people else ""),
                    "when": f.found_at, "url": reverse("enforcement:task", args=[f.task_id])}
        if wanted["inspection_record"]:
            for t in enforcement.tasks_for(user=user).filter(
                    pk__in=wanted["inspection_record"]).prefetch_related("documents"):
                record = next((d for d in t.documents.all() if d.kind == "record"), None)
                held["inspection_record"][t.pk] = {
                    "summary": f"{t.target_name} 现场检查（{t.get_status_display()}）"
                               + (f"，现场检查记录 {record.number}" if record else ""),
                    "when": t.started_at or t.planned_on,
                    "url": reverse("enforcement:document", args=[record.pk]) if record
                    else reverse("enforcement:task", args=[t.pk])}
        if wanted["photo"]:
            for p in enforcement.photos_by_ids(user=user, ids_=wanted["photo"]):
                held["photo"][p.pk] = {
                    "summary": f"现场照片（{p.finding.get_kind_display()}，SHA-256 "
                               f"{p.sha256[:16]}…）", "when": None,
                    "url": reverse("enforcement:task", args=[p.finding.task_id])}
        if wanted["penalty"]:
            for d in enforcement.penalty_decisions_for(user=user, ids_=wanted["penalty"]):
                held["penalty"][d.pk] = {
                    "summary": f"{d.party_name}：{d.basis}，罚款{d.amount}元"
                               f"（{d.get_status_display()}）", "when": d.decided_at,
                    "url": reverse("enforcement:penalty", args=[d.pk])}
    out = []
    for link in links:
        row = {"link": link, "id": link.pk, "case": link.case_id, "kind": link.kind,
               "kind_label": link.get_kind_display(), "ref": link.ref, "title": link.title,
               "added_at": link.added_at, "shared": link.case_id != case.pk,
               "available": None, "summary": "", "url": ""}
        if link.kind in held:
            found = held[link.kind].get(int(link.ref)) if link.ref.isdigit() else None
            row["available"] = found is not None
            if found:
                row.update(summary=found["summary"], url=found["url"])
        out.append(row)
    return out


def enforcement_penalties(*, user: UserLike, case: Case, decided_only: bool = False):
    """The penalty decisions the enforcement app recorded for the case's parties (persons by
    ID number, organisations as the inspected unit or by name), read through enforcement's
    selector with ``user``'s rights (none for police and prosecutors)."""
    from certguard.enforcement.selectors import penalty_decisions_for

    parties = list(CaseParty.objects.filter(case=case).values_list(
        "kind", "name", "id_no", "organisation_id"))
    people = [p[2] for p in parties if p[2]]
    units = [p[3] for p in parties if p[3]]
    names = [p[1] for p in parties if p[0] not in INDIVIDUAL_PARTIES]
    return penalty_decisions_for(user=user, party_id_nos=people, organisation_ids=units,
                                 organisation_names=names, decided_only=decided_only)


def citable_articles() -> list:
    """The penalty catalogue's articles in force today: what a case and its decisions cite."""
    from certguard.catalog.services import penalty_articles

    return penalty_articles(on=timezone.localdate())


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
