"""Thin pages: the campaign figures of the self-inspection, and reminders to non-filers."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from certguard.core.errors import AppError
from certguard.core.scoping import actor_of
from certguard.orgs.models import Organisation
from certguard.selfcheck import figures as f


def _period(request) -> f.Period:
    default = f.Period.this_year(timezone.localdate())
    try:
        start = date.fromisoformat(request.GET.get("start") or default.start.isoformat())
        end = date.fromisoformat(request.GET.get("end") or default.end.isoformat())
    except ValueError:
        messages.error(request, "日期格式应为 YYYY-MM-DD，已按本年度统计")
        return default
    return f.Period(start, end)


def _regulator(request) -> None:
    actor = actor_of(request.user)
    if not (actor.is_admin or actor.is_regulator):
        raise PermissionDenied


@login_required
def figures(request):
    _regulator(request)
    period = _period(request)
    query = {k: request.GET.get(k, "").strip() for k in ("region", "sector")}
    rows = f.employer_rows(user=request.user, period=period, **query)
    return render(request, "selfcheck/figures.html", {
        "period": period, "query": query, "rows": rows, "rollup": f.rollup(rows),
        "not_filed": [r for r in rows if not r.figures.filed],
        "can_remind": f.can_remind(user=request.user), "message": f.DEFAULT_MESSAGE})


def _sender(request) -> str:
    actor = actor_of(request.user)
    org = Organisation.objects.filter(pk=actor.organisation_id).values_list("name", flat=True)
    return next(iter(org), "")


@login_required
@require_POST
def remind(request):
    _regulator(request)
    ids = [i for i in request.POST.getlist("employer") if i.isdigit()]
    try:
        sent = f.reminder_send(by=request.user, employer_ids=ids,
                               message=request.POST.get("message", ""),
                               sender_name=_sender(request))
        messages.success(request, f"已向 {len(sent)} 家单位发送提醒")
    except AppError as exc:
        messages.error(request, exc.message)
    keep = {k: request.POST[k] for k in ("region", "sector", "start", "end") if request.POST.get(k)}
    return redirect(f"{reverse('selfcheck:figures')}?{urlencode(keep)}")
