"""The clue inbox: list with filters and counts, the clue page, decisions, exports."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from certguard.clues import exports, selectors, services
from certguard.clues.evidence import comparisons, evidence_rows
from certguard.clues.filters import ClueFilterSet
from certguard.clues.forms import AssignForm, DecisionForm
from certguard.clues.reference import RULE_NAMES, SEVERITIES, STATUS_CHOICES
from certguard.core.errors import AppError, NotFound
from certguard.core.exports import Export, download
from certguard.core.filters import apply_filters, page_filters
from certguard.core.policy import requires
from certguard.orgs.models import User


def _clue(request, pk: int, action: str = "clues.view"):
    try:
        return selectors.clue_get(user=request.user, pk=pk, action=action)
    except NotFound as exc:
        raise Http404 from exc


@requires("clues.view")
def inbox(request):
    clues, filter_error = page_filters(ClueFilterSet, request=request,
                                       queryset=selectors.clues_for(user=request.user))
    page = Paginator(clues, 50).get_page(request.GET.get("page"))
    query = {k: v for k, v in request.GET.items() if k in ClueFilterSet.base_filters and v}
    return render(request, "clues/inbox.html", {
        "page": page, "query": query, "filters": query, "filter_error": filter_error,
        "counts": selectors.clue_counts(clues=clues), "rules": RULE_NAMES,
        "severities": SEVERITIES, "statuses": dict(STATUS_CHOICES),
        "export_query": request.GET.urlencode()})


@requires("clues.view")
def detail(request, pk: int):
    clue = _clue(request, pk)
    can_act = services.can_act(user=request.user, clue=clue)
    users = selectors.assignable_users(clue=clue) if can_act else []
    return render(request, "clues/detail.html", {
        "clue": clue, "rows": evidence_rows(clue.evidence),
        "comparisons": comparisons(clue.evidence), "events": selectors.clue_events(clue=clue),
        "can_act": can_act, "decision_form": DecisionForm(), "assign_form": AssignForm(
            users=users)})


def _fail(request, clue_pk: int, exc: AppError):
    messages.error(request, exc.message)
    return redirect("clues:detail", pk=clue_pk)


@requires("clues.work")
@require_POST
def decide(request, pk: int):
    _clue(request, pk, action="clues.work")
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择处理方式并填写理由")
        return redirect("clues:detail", pk=pk)
    service = services.DECISIONS[form.cleaned_data["action"]]
    try:
        service(by=request.user, clue_id=pk, reason=form.cleaned_data["reason"])
    except NotFound as exc:
        raise Http404 from exc
    except AppError as exc:
        return _fail(request, pk, exc)
    messages.success(request, "已保存")
    return redirect("clues:detail", pk=pk)


@requires("clues.work")
@require_POST
def assign(request, pk: int):
    _clue(request, pk, action="clues.work")
    assignee = User.objects.filter(pk=request.POST.get("assignee") or 0).first() \
        if str(request.POST.get("assignee", "")).isdigit() else None
    try:
        services.clue_assign(by=request.user, clue_id=pk, assignee=assignee,
                             reason=request.POST.get("reason", ""))
    except NotFound as exc:
        raise Http404 from exc
    except AppError as exc:
        return _fail(request, pk, exc)
    messages.success(request, "已分派")
    return redirect("clues:detail", pk=pk)


@requires("clues.export")
def export(request, fmt: str):
    try:
        clues = apply_filters(ClueFilterSet, data=request.GET, request=request,
                              queryset=selectors.clues_for(user=request.user))
    except AppError as exc:
        messages.error(request, exc.message)
        return redirect("clues:inbox")
    query = {k: v for k, v in request.GET.items() if k in ClueFilterSet.base_filters and v}
    count = min(clues.count(), exports.MAX_ROWS)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    record = Export(object_type="clues.clue", object_id=f"{count} 条", summary=f"导出线索（{fmt}）",
                    data={"filters": query, "count": count})
    if fmt == "xlsx":
        return download(user=request.user, filename=f"clues-{stamp}.xlsx", export=record,
                        file=exports.xlsx_file(clues))
    return download(user=request.user, filename=f"clues-{stamp}.csv", export=record,
                    chunks=exports.csv_chunks(clues))
