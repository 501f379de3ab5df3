"""Pages of the cases app: case list and file (with its action forms), the referral inbox of
the police and the procuratorate, overdue clocks, the 以罚代刑 list, listings and the public
list, bulletins, credit-record downloads and figures. Thin: ``cases.actions`` and the
selectors do the work."""

from __future__ import annotations

import io

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from certguard.cases import actions, api, figures, selectors, services
from certguard.cases.documents_referral import transfer_letter_pdf
from certguard.cases.filters import CaseFilterSet
from certguard.cases.listings import conditions_for
from certguard.cases.models import Bulletin, Case, Listing, Referral
from certguard.cases.reference import (
    BULLETIN_KINDS,
    BULLETIN_TYPES,
    CLOSURES,
    COURT_OUTCOMES,
    CRIMINAL_MARKERS,
    CRIMINAL_OFFENCES,
    DECISION_KINDS,
    EVIDENCE_KINDS,
    PARTY_KINDS,
)
from certguard.core.errors import AppError, NotFound
from certguard.core.exports import Export, download
from certguard.core.figures import filter_from
from certguard.core.filters import page_filters
from certguard.core.policy import allows, requires

MARKERS = {m["code"]: m["label"] for m in CRIMINAL_MARKERS}


def _found(selector, **kwargs):
    try:
        return selector(**kwargs)
    except NotFound as exc:
        raise Http404 from exc


def _visible_or_404(model, request, pk: int, action: str) -> None:
    if not model.objects.restrict(request.user, action).filter(pk=pk).exists():
        raise Http404


def _act(request, table, pk: int, done: str, back):
    try:
        actions.run(table, by=request.user, pk=pk, data=request.POST)
    except NotFound as exc:
        raise Http404 from exc
    except AppError as exc:
        messages.error(request, exc.message)
        return back
    messages.success(request, done)
    return back


@requires("cases.view", post="cases.work")
def case_list(request):
    if request.method == "POST":
        return _open(request)
    rows, error = page_filters(CaseFilterSet, request=request,
                               queryset=selectors.cases_for(user=request.user))
    return render(request, "cases/list.html", {
        "page": Paginator(rows, 50).get_page(request.GET.get("page")), "filter_error": error,
        "filters": {k: v for k, v in request.GET.items() if k in CaseFilterSet.base_filters},
        "kinds": BULLETIN_KINDS, "markers": MARKERS, "articles": selectors.citable_articles(),
        "clocks": selectors.open_clocks(user=request.user)[:50], "now": timezone.now(),
        "can_open": allows(request.user, "cases.work")})


def _open(request):
    from certguard.core.scoping import actor_of
    from certguard.orgs.selectors import members_for

    names = {n.strip() for n in request.POST.get("officers", "").replace("，", ",").split(",")}
    own = actor_of(request.user).organisation_id
    team = [m.user for m in members_for(user=request.user, organisation_id=own)
            if m.user.username in names]
    try:
        case = services.case_open(
            by=request.user, source_kind=request.POST.get("source_kind", ""),
            source_ref=request.POST.get("source_ref", ""), title=request.POST.get("title", ""),
            facts=request.POST.get("facts", ""), officers=team,
            kind=request.POST.get("kind", ""), articles=request.POST.getlist("articles"))
    except AppError as exc:
        messages.error(request, exc.message)
        return redirect("cases:list")
    messages.success(request, f"已立案：{case.number}")
    return redirect("cases:detail", pk=case.pk)


@requires("cases.view", post="cases.work")
def case_detail(request, pk: int):
    case = _found(selectors.case_get, user=request.user, pk=pk)
    if request.method == "POST":
        _visible_or_404(Case, request, pk, "cases.work")
        return _act(request, actions.CASE_ACTIONS, pk, "已保存", redirect("cases:detail", pk=pk))
    referral = selectors.referral_of(user=request.user, case=case)
    decisions = list(case.decisions.all())
    linked = {d.penalty_id for d in decisions if d.penalty_id}
    penalties = list(selectors.enforcement_penalties(user=request.user, case=case))
    for penalty in penalties:
        penalty.linked = penalty.pk in linked
    return render(request, "cases/detail.html", {
        "case": case, "parties": list(selectors.case_parties(user=request.user, case=case)),
        "evidence": selectors.evidence_resolved(user=request.user, case=case),
        "referral": referral, "decisions": decisions, "penalties": penalties,
        "bases": list(case.bases.all()), "articles": selectors.citable_articles(),
        "unmatched": [b for b in case.bases.all() if b.article_id is None]
        + [d for d in decisions if d.article_id is None or d.legacy_enforcement_ref],
        "markers": [MARKERS.get(m, m) for m in case.markers],
        "can_work": selectors.can_work(user=request.user, case=case),
        "can_head": allows(request.user, "cases.head"), "party_kinds": PARTY_KINDS,
        "evidence_kinds": EVIDENCE_KINDS, "decision_kinds": DECISION_KINDS,
        "offences": CRIMINAL_OFFENCES,
        "closures": CLOSURES, "conditions": conditions_for(region_code=case.region_id)})


@requires("cases.view", post="cases.work")
def case_referral(request, pk: int):
    """The agency's referral steps (the head's decision is checked by the service)."""
    case = _found(selectors.case_get, user=request.user, pk=pk)
    if request.method != "POST":
        return redirect("cases:detail", pk=pk)
    referral = Referral.objects.restrict(request.user, "cases.work").filter(case=case).first()
    if referral is None:
        raise Http404
    return _act(request, actions.AGENCY_ACTIONS, referral.pk, "已保存",
                redirect("cases:detail", pk=pk))


@requires("cases.view")
def transfer_letter(request, pk: int):
    case = _found(selectors.case_get, user=request.user, pk=pk)
    return _letter(request, selectors.referral_of(user=request.user, case=case))


def _letter(request, referral):
    if referral is None or referral.transferred_at is None:
        raise Http404
    return download(user=request.user, filename=f"移送书-{referral.transfer_no}.pdf",
                    export=Export(object_type="cases.referral", object_id=referral.pk,
                                  summary="下载涉嫌犯罪案件移送书"),
                    file=io.BytesIO(transfer_letter_pdf(referral)),
                    content_type="application/pdf")


@requires("cases.head")
def overdue(request):
    return render(request, "cases/clocks.html", {
        "title": "超期未完成的移送期限", "clocks": selectors.overdue_clocks(user=request.user)})


@requires("cases.supervision")
def supervision(request):
    flags = [(flag, [MARKERS.get(m, m) for m in flag.markers])
             for flag in selectors.supervision_list(user=request.user)[:500]]
    return render(request, "cases/supervision.html", {"flags": flags})


# --- police and procuratorate -----------------------------------------------------------------

@requires("cases.referrals")
def inbox(request):
    return render(request, "cases/inbox.html", {
        "referrals": selectors.referrals_inbox(user=request.user),
        "overdue": selectors.overdue_clocks(user=request.user)})


@requires("cases.referrals")
def referral_detail(request, pk: int):
    referral = _found(selectors.referral_get, user=request.user, pk=pk)
    return render(request, "cases/referral.html", {
        "referral": referral, "outcomes": COURT_OUTCOMES,
        "is_police": allows(request.user, "cases.police"),
        "is_prosecutor": allows(request.user, "cases.procuratorate")})


@requires("cases.police")
@require_POST
def police_act(request, pk: int):
    _visible_or_404(Referral, request, pk, "cases.police")
    return _act(request, actions.POLICE_ACTIONS, pk, "已记录",
                redirect("cases:referral", pk=pk))


@requires("cases.procuratorate")
@require_POST
def procuratorate_act(request, pk: int):
    _visible_or_404(Referral, request, pk, "cases.procuratorate")
    return _act(request, actions.PROCURATORATE_ACTIONS, pk, "已记录",
                redirect("cases:referral", pk=pk))


@requires("cases.referrals")
def referral_letter(request, pk: int):
    return _letter(request, _found(selectors.referral_get, user=request.user, pk=pk))


# --- listings ---------------------------------------------------------------------------------

@requires("cases.listings")
def listings(request):
    rows = selectors.listings_for(user=request.user)
    return render(request, "cases/listings.html", {
        "page": Paginator(rows, 50).get_page(request.GET.get("page")),
        "can_export": allows(request.user, "cases.credit_export")})


@requires("cases.listings", post="cases.listing_work")
def listing_detail(request, pk: int):
    listing = _found(selectors.listing_get, user=request.user, pk=pk)
    if request.method == "POST":
        _visible_or_404(Listing, request, pk, "cases.listing_work")
        return _act(request, actions.LISTING_WORK_ACTIONS, pk, "已记录",
                    redirect("cases:listing", pk=pk))
    return render(request, "cases/listing.html", {
        "listing": listing, "can_decide": allows(request.user, "cases.listing_decide")})


@requires("cases.listing_decide")
@require_POST
def listing_decide(request, pk: int):
    _visible_or_404(Listing, request, pk, "cases.listing_decide")
    return _act(request, actions.LISTING_DECIDE_ACTIONS, pk, "已保存",
                redirect("cases:listing", pk=pk))


@requires("cases.public_list")
def public_list(request):
    rows = selectors.public_listings(user=request.user)
    return render(request, "cases/public.html", {
        "page": Paginator(rows, 50).get_page(request.GET.get("page"))})


@requires("cases.credit_export")
def credit_records(request, fmt: str):
    return api.credit_download(request, fmt)


# --- bulletins and figures --------------------------------------------------------------------

@requires("cases.bulletins", post="cases.bulletin_draft")
def bulletins(request):
    if request.method == "POST":
        try:
            bulletin = services.bulletin_draft(by=request.user, kind=request.POST.get("kind", ""),
                                               period=request.POST.get("period", ""))
        except AppError as exc:
            messages.error(request, exc.message)
            return redirect("cases:bulletins")
        return redirect("cases:bulletin", pk=bulletin.pk)
    return render(request, "cases/bulletins.html", {
        "bulletins": selectors.bulletins_for(user=request.user), "types": BULLETIN_TYPES,
        "can_draft": allows(request.user, "cases.bulletin_draft")})


@requires("cases.bulletins", post="cases.bulletin_approve")
def bulletin_detail(request, pk: int):
    bulletin = _found(selectors.bulletin_get, user=request.user, pk=pk)
    if request.method == "POST":
        _visible_or_404(Bulletin, request, pk, "cases.bulletin_approve")
        return _act(request, actions.BULLETIN_ACTIONS, pk, "已保存",
                    redirect("cases:bulletin", pk=pk))
    return render(request, "cases/bulletin.html", {
        "bulletin": bulletin, "can_approve": allows(request.user, "cases.bulletin_approve")})


@requires("cases.bulletins")
def bulletin_file(request, pk: int, fmt: str):
    try:
        return api.bulletin_download(request, pk, fmt)
    except NotFound as exc:
        raise Http404 from exc
    except AppError as exc:
        messages.error(request, exc.message)
        return redirect("cases:bulletins")


@requires("cases.figures")
def figures_page(request):
    try:
        out = figures.cases_figures(user=request.user, filters=filter_from(request.GET),
                                    group_by=request.GET.get("group_by", "region"))
    except AppError as exc:
        messages.error(request, exc.message)
        out = figures.cases_figures(user=request.user, group_by="region")
    return render(request, "cases/figures.html", {"out": out})
