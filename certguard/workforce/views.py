"""Ledger pages: the list (own enterprise, or the regulator's remit); one worker's history."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render

from certguard.core.filters import page_filters
from certguard.core.policy import requires
from certguard.workforce import selectors
from certguard.workforce.filters import LedgerFilterSet


@requires("ledger.view")
def index(request):
    """/workforce/ (named in the README) opens the ledger."""
    return redirect("workforce:ledger")


@requires("ledger.view")
def ledger_list(request):
    entries, filter_error = page_filters(
        LedgerFilterSet, request=request,
        queryset=selectors.ledger_for(user=request.user, active=None))
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = {k: request.GET.get(k, "") for k in LedgerFilterSet.base_filters}
    return render(request, "workforce/ledger_list.html", {
        "page": page, "query": query, "filter_error": filter_error})


@requires("ledger.view")
def entry_detail(request, pk: int):
    entry = selectors.entry_for(user=request.user, pk=pk)
    if entry is None:
        raise Http404
    history = [(change, _changes_shown(change.changes or {}))
               for change in selectors.worker_history(user=request.user, entry=entry)]
    return render(request, "workforce/entry_detail.html", {"entry": entry, "history": history})


def field_label(name: str) -> str:
    """A ledger field's Chinese name (the model's verbose name), for the change history."""
    from django.core.exceptions import FieldDoesNotExist

    from certguard.workforce.models import LedgerEntry

    extra = {"reason": "原因"}
    try:
        return str(getattr(LedgerEntry._meta.get_field(name), "verbose_name", name))
    except FieldDoesNotExist:
        return extra.get(name, name)


def _changes_shown(changes: dict) -> list[str]:
    shown = []
    for name, pair in changes.items():
        if name == "reason":
            shown.append(str(pair))
        elif isinstance(pair, list | tuple) and len(pair) == 2:
            shown.append(f"{field_label(name)}：{pair[0] or '—'} → {pair[1] or '—'}")
        else:
            shown.append(f"{field_label(name)}：{pair}")
    return shown
