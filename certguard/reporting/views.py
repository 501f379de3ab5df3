"""Pages of the statistical tables: my unit's reports and the periods I collect, one period's
completeness with the units that have not submitted, one report (values, drill-down,
differences, actions, history), downloads, the dashboard and the forms."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from certguard.core.errors import AppError, NotFound
from certguard.core.exports import Export, download, temporary_copy
from certguard.core.policy import allows, requires
from certguard.core.scoping import actor_of
from certguard.reporting import dashboard, exports, selectors, services
from certguard.reporting.reference import EVENT_KINDS, LEVELS, PERIOD_TYPES, STATUSES


def _report(request, pk: int, action: str = "reporting.view"):
    try:
        return selectors.report_get(user=request.user, pk=pk, action=action)
    except NotFound as exc:
        raise Http404 from exc


@requires("reporting.view")
def home(request):
    actor = actor_of(request.user)
    mine = list(selectors.my_reports(user=request.user)[:50])
    collecting = list(selectors.periods_for(user=request.user).filter(
        region_id=actor.region_code)[:50])
    return render(request, "reporting/home.html", {
        "mine": mine, "collecting": collecting, "statuses": STATUSES,
        "periods": list(selectors.periods_for(user=request.user)[:50])})


@requires("reporting.view", post="reporting.approve")
def period(request, pk: int):
    try:
        found = selectors.period_get(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404 from exc
    actor = actor_of(request.user)
    if request.method == "POST":
        try:
            sent = services.reminders_send(by=request.user, period_id=pk,
                                           message=request.POST.get("message", ""))
            messages.success(request, f"已向 {len(sent)} 个单位催报")
        except NotFound as exc:
            raise Http404 from exc
        except AppError as exc:
            messages.error(request, exc.message)
        return redirect("reporting:period", pk=pk)
    return render(request, "reporting/period.html", {
        "period": found, "completeness": selectors.completeness(period=found),
        "reports": selectors.period_reports(user=request.user, period=found),
        "pending": selectors.non_submitters(period=found, parent=actor.region_code),
        "can_remind": allows(request.user, "reporting.approve", found), "statuses": STATUSES,
        "levels": LEVELS})


@requires("reporting.view")
def report(request, pk: int):
    found = _report(request, pk)
    table = selectors.report_table(report=found)
    actor = actor_of(request.user)
    own = actor.region_code == found.region_id
    upper = found.region.parent_code == actor.region_code
    return render(request, "reporting/report.html", {
        "report": found, "table": table, "events": selectors.report_events(report=found),
        "event_kinds": EVENT_KINDS, "statuses": STATUSES, "levels": LEVELS,
        "can_fill": own and allows(request.user, "reporting.fill", found),
        "can_review": upper and allows(request.user, "reporting.approve", found),
        "can_export": allows(request.user, "reporting.export", found)})


def _act(request, pk: int, handlers: dict):
    name = request.POST.get("action", "")
    handler = handlers.get(name)
    if handler is None:
        messages.error(request, "请选择要办理的事项")
        return redirect("reporting:report", pk=pk)
    try:
        message = handler()
        messages.success(request, message)
    except NotFound as exc:
        raise Http404 from exc
    except AppError as exc:
        messages.error(request, exc.message)
    return redirect("reporting:report", pk=pk)


@requires("reporting.fill")
@require_POST
def fill(request, pk: int):
    _report(request, pk, "reporting.fill")
    by, post = request.user, request.POST

    def compute() -> str:
        services.report_compute(by=by, report_id=pk)
        return "已根据业务记录重新计算"

    def enter() -> str:
        services.value_enter(by=by, report_id=pk, measure=post.get("measure", ""),
                             item=post.get("item", ""), value=post.get("value", ""))
        return "已保存"

    def submit() -> str:
        done = services.report_submit(by=by, report_id=pk)
        return "已报送（按时）" if done.on_time else "已报送（逾期）"

    return _act(request, pk, {"compute": compute, "enter": enter, "submit": submit})


@requires("reporting.approve")
@require_POST
def review(request, pk: int):
    _report(request, pk, "reporting.approve")
    by, post = request.user, request.POST

    def approve() -> str:
        services.report_approve(by=by, report_id=pk)
        return "已审核通过，数值已锁定"

    def back() -> str:
        services.report_return(by=by, report_id=pk, reason=post.get("reason", ""))
        return "已退回"

    def unlock() -> str:
        services.value_unlock(by=by, report_id=pk, measure=post.get("measure", ""),
                              item=post.get("item", ""), reason=post.get("reason", ""))
        return "已解锁该数值，等待填报单位更正"

    return _act(request, pk, {"approve": approve, "return": back, "unlock": unlock})


@requires("reporting.view")
def records(request, pk: int):
    found = _report(request, pk)
    try:
        drill = selectors.value_records(user=request.user, report=found,
                                        measure=request.GET.get("measure", ""),
                                        item=request.GET.get("item", ""))
    except NotFound as exc:
        raise Http404 from exc
    except AppError as exc:
        messages.error(request, exc.message)
        return redirect("reporting:report", pk=pk)
    return render(request, "reporting/records.html", {"report": found, "drill": drill})


@requires("reporting.export")
def export(request, pk: int, fmt: str):
    found = _report(request, pk, "reporting.export")
    table = selectors.report_table(report=found)
    name = found.region.name
    writer = exports.write_xlsx if fmt == "xlsx" else exports.write_pdf
    handle = temporary_copy(lambda path: writer(table, path, unit_name=name), suffix=f".{fmt}")
    record = Export(object_type="reporting.report", object_id=found.pk,
                    summary=f"导出统计表（{fmt}）",
                    data={"form": found.period.form.code, "period": found.period.label,
                          "region": found.region_id})
    return download(user=request.user, export=record, file=handle,
                    filename=f"{found.period.form.code}-{found.region_id}-"
                             f"{found.period.start:%Y%m}.{fmt}")


@requires("reporting.view")
def dashboard_page(request):
    try:
        data = dashboard.dashboard_data(user=request.user, form=request.GET.get("form", ""),
                                        measure=request.GET.get("measure", ""))
    except AppError as exc:
        messages.error(request, exc.message)
        data = dashboard.dashboard_data(user=request.user)
    return render(request, "reporting/dashboard.html", {"data": data})


@requires("reporting.view", post="reporting.forms")
def forms(request):
    if request.method == "POST":
        try:
            layout = json.loads(request.POST.get("layout", "") or "null")
            due = json.loads(request.POST.get("due", "") or "null")
        except ValueError:
            messages.error(request, "表样和报送期限应为 JSON 格式")
            return redirect("reporting:forms")
        try:
            version = services.form_version_create(
                by=request.user, code=request.POST.get("code", ""),
                name=request.POST.get("name", ""), source=request.POST.get("source", ""),
                period_type=request.POST.get("period_type", ""),
                fill_level=request.POST.get("fill_level", ""), due=due, layout=layout,
                note=request.POST.get("note", ""))
            messages.success(request, f"已保存：{version}")
        except AppError as exc:
            messages.error(request, exc.message)
        return redirect("reporting:forms")
    return render(request, "reporting/forms.html", {
        "versions": selectors.versions_for(user=request.user).order_by("form__code", "number"),
        "period_types": PERIOD_TYPES, "can_add": allows(request.user, "reporting.forms")})
