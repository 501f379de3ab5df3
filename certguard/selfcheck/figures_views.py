"""Thin pages: the campaign figures of the self-inspection, reminders to non-filers, and the
employer marking a reminder read."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from certguard.core.errors import AppError
from certguard.core.filters import REGION_CODE
from certguard.core.policy import requires
from certguard.orgs.reference import SECTORS
from certguard.selfcheck import figures as f

REGION_RE = re.compile(REGION_CODE.regex)  # the filter's own pattern


def _period(request) -> f.Period:
    try:
        return f.period_parse(start=request.GET.get("start", ""), end=request.GET.get("end", ""))
    except AppError as exc:
        messages.error(request, f"{exc.message}，已按本年度统计")
        return f.Period.this_year(timezone.localdate())


@requires("selfcheck.figures")
def figures(request):
    period = _period(request)
    query = {k: request.GET.get(k, "").strip() for k in ("region", "sector")}
    problems = []
    if query["region"] and not REGION_RE.fullmatch(query["region"]):
        problems.append(f"地区：“{query['region'][:20]}”不是2、4或6位数字的行政区划代码")
    if query["sector"] and query["sector"] not in SECTORS:
        problems.append(f"行业：“{query['sector'][:20]}”不是有效的行业")
    if problems:
        messages.error(request, f"筛选条件有误（{'；'.join(problems)}），未按该条件统计")
        query = {"region": "", "sector": ""}
    rows = f.employer_rows(user=request.user, period=period, **query)
    return render(request, "selfcheck/figures.html", {
        "period": period, "query": query, "rows": rows, "rollup": f.rollup(rows),
        "not_filed": f.not_filed(rows),
        "can_remind": f.can_remind(user=request.user), "message": f.DEFAULT_MESSAGE})


@requires("selfcheck.remind")
@require_POST
def remind(request):
    ids = [i for i in request.POST.getlist("employer") if i.isdigit()]
    try:
        sent = f.reminder_send(by=request.user, employer_ids=ids,
                               message=request.POST.get("message", ""))
        messages.success(request, f"已向 {len(sent)} 家单位发送提醒")
    except AppError as exc:
        messages.error(request, exc.message)
    keep = {k: request.POST[k] for k in ("region", "sector", "start", "end") if request.POST.get(k)}
    return redirect(f"{reverse('selfcheck:figures')}?{urlencode(keep)}")


@requires("selfcheck.reminder_read")
@require_POST
def reminder_read(request, pk: int):
    reminder = f.reminders_of(user=request.user).filter(pk=pk).first()
    if reminder is None:
        raise Http404
    try:
        f.reminder_mark_read(by=request.user, reminder=reminder)
        messages.success(request, "已标记为已读")
    except AppError as exc:
        messages.error(request, exc.message)
    return redirect("selfcheck:uploads")
