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
    history = selectors.worker_history(user=request.user, entry=entry)
    return render(request, "workforce/entry_detail.html", {"entry": entry, "history": history})
