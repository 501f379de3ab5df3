"""Ledger pages: the list (own enterprise, or the regulator's remit); one worker's history."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from certguard.core.policy import requires
from certguard.workforce import selectors

_ACTIVE = {"": True, "all": None, "ended": False}


@requires("ledger.view")
def ledger_list(request):
    query = {k: request.GET.get(k, "").strip() for k in ("q", "status", "employer")}
    employer = int(query["employer"]) if query["employer"].isdigit() else None
    entries = selectors.ledger_for(user=request.user, employer_id=employer, query=query["q"],
                                   active=_ACTIVE.get(query["status"], True))
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "workforce/ledger_list.html", {"page": page, "query": query})


@requires("ledger.view")
def entry_detail(request, pk: int):
    entry = selectors.entry_for(user=request.user, pk=pk)
    if entry is None:
        raise Http404
    history = selectors.worker_history(user=request.user, entry=entry)
    return render(request, "workforce/entry_detail.html", {"entry": entry, "history": history})
