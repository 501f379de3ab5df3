"""Pages of enforcement: tasks (list, new, detail with its actions, the phone page that works
offline), plans, registers, draws, penalties, overdue clocks, figures, and the public pages
(published draws with their files, published penalty decisions)."""

from __future__ import annotations

import io
from datetime import date

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from certguard.core.errors import AppError, NotFound
from certguard.core.exports import Export, download
from certguard.core.filters import page_filters
from certguard.core.policy import allows, requires
from certguard.enforcement import actions, selectors, services
from certguard.enforcement import figures as enforcement_figures
from certguard.enforcement.documents import document_for
from certguard.enforcement.filters import PenaltyFilterSet, TaskFilterSet
from certguard.enforcement.models import Draw, Inspector, PenaltyDecision, Plan, Task
from certguard.enforcement.reference import (
    CERT_RESULTS,
    CHECK_RESULTS,
    FINDING_KINDS,
    MODES,
    RISK_TIERS,
    SOURCES,
)
from certguard.orgs.selectors import members_for, organisations_for


def _may(request, model, pk: int, action: str) -> None:
    """A write on a record outside what ``action`` reaches for this user: 404."""
    if not model.objects.restrict(request.user, action).filter(pk=pk).exists():
        raise Http404


def _or_404(fn, **kwargs):
    try:
        return fn(**kwargs)
    except NotFound as exc:
        raise Http404 from exc


# --- tasks ----------------------------------------------------------------------------------

@requires("enforcement.view")
def tasks(request):
    rows, error = page_filters(TaskFilterSet, request=request,
                               queryset=selectors.tasks_for(user=request.user))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "enforcement/tasks.html", {
        "page": page, "filter_error": error, "can_create": allows(request.user,
                                                                  "enforcement.task_create"),
        "query": request.GET})


@requires("enforcement.task_create")
def task_new(request):
    targets = organisations_for(user=request.user).filter(
        kind__in=("enterprise", "institution", "exam_centre")).order_by("name")[:500]
    team = Inspector.objects.restrict(request.user, "enforcement.view").filter(
        active=True).select_related("organisation").order_by("region_id", "name")[:300]
    if request.method == "POST":
        post = request.POST
        try:
            created = services.task_create(
                by=request.user, target_id=int(post.get("target") or 0),
                source=post.get("source", ""), planned_on=post.get("planned_on", ""),
                mode=post.get("mode", "normal"), team=[int(u) for u in post.getlist("team")
                                                       if u.isdigit()],
                source_ref=post.get("source_ref", ""), cap_reason=post.get("cap_reason", ""))
        except AppError as exc:
            messages.error(request, exc.message)
        else:
            for warning in created.warnings:
                messages.warning(request, warning)
            messages.success(request, "检查任务已创建，请报部门负责人审批")
            return redirect("enforcement:task", pk=created.task.pk)
    return render(request, "enforcement/task_new.html", {
        "targets": targets, "team": team, "sources": {k: v for k, v in SOURCES.items()
                                                      if k != "reinspection"},
        "modes": MODES, "form": request.POST})


@requires("enforcement.view")
def task(request, pk: int):
    found = _or_404(selectors.task_get, user=request.user, pk=pk)
    year = found.planned_on.year
    return render(request, "enforcement/task.html", {
        "task": found, "workers": selectors.task_workers(user=request.user, task=found),
        "findings": selectors.task_findings(user=request.user, task=found),
        "may_work": selectors.may_work(user=request.user, task=found),
        "may_approve": selectors.may_approve(user=request.user, task=found),
        "may_penalty": allows(request.user, "enforcement.penalty"),
        "earlier": services.earlier_inspections(user=request.user, target_id=found.target_id,
                                                year=year, exclude=found.pk),
        "penalties": selectors.penalty_decisions_for(user=request.user, task_id=found.pk),
        "results": CHECK_RESULTS, "cert_results": CERT_RESULTS, "kinds": FINDING_KINDS,
        "labels": actions.TASK_ACTION_LABELS})


@requires("enforcement.view", post="enforcement.work")
@require_POST
def task_act(request, pk: int):
    if not Task.objects.restrict(request.user, "enforcement.work").filter(pk=pk).exists():
        raise Http404
    action = request.POST.get("action", "")
    try:
        result = actions.task_act(by=request.user, task_id=pk, action=action,
                                  data=request.POST, files=request.FILES)
    except AppError as exc:
        messages.error(request, exc.message)
    else:
        label = actions.TASK_ACTION_LABELS.get(action, "")
        messages.success(request, f"已{label}" + (f"：{result.number}"
                                                   if hasattr(result, "number") else ""))
        if action == "penalty":
            return redirect("enforcement:penalty", pk=result.pk)
    return redirect("enforcement:task", pk=pk)


@requires("enforcement.work")
def onsite(request, pk: int):
    """The phone page: works offline once opened (service worker + local storage)."""
    found = Task.objects.restrict(request.user, "enforcement.work").filter(pk=pk).first()
    if found is None:
        raise Http404
    return render(request, "enforcement/onsite.html", {
        "task": found, "kinds": FINDING_KINDS, "results": CHECK_RESULTS,
        "bundle_url": f"/api/v1/enforcement/tasks/{pk}/offline",
        "sync_url": f"/api/v1/enforcement/tasks/{pk}/sync"})


@requires("enforcement.public")
def service_worker(request):
    """The service worker, served from /enforcement/ so that it may cache the phone pages."""
    from django.contrib.staticfiles import finders

    path = finders.find("enforcement/sw.js")
    body = open(path, encoding="utf-8").read() if path else ""
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/enforcement/"
    response["Cache-Control"] = "no-cache"
    return response


@requires("enforcement.view")
def photo(request, pk: int):
    """A finding's photo, for whoever may see the finding's inspection (the download helper
    audits it: a photo may show people's faces and certificates)."""
    found = _or_404(selectors.finding_photo_get, user=request.user, pk=pk)
    path = services.photo_path(found)
    if not path.is_file():
        raise Http404("照片文件已不在存储中，请联系系统管理员")
    return download(user=request.user, filename=f"现场照片-问题{found.finding_id}-{found.pk}."
                    f"{'jpg' if found.kind == 'jpeg' else found.kind}",
                    export=Export("enforcement.findingphoto", found.pk,
                                  f"查看现场照片（问题 #{found.finding_id}）"),
                    path=path, content_type=f"image/{found.kind}")


@requires("enforcement.view")
def document_pdf(request, pk: int):
    document = _or_404(document_for, by=request.user, pk=pk)
    data = services.document_pdf(document)
    return download(user=request.user, filename=f"{document.get_kind_display()}-"
                    f"{document.year}-{document.seq}.pdf",
                    export=Export("enforcement.document", document.pk,
                                  f"下载执法文书 {document.number}"),
                    file=io.BytesIO(data), content_type="application/pdf")


# --- plans, registers, draws ----------------------------------------------------------------

@requires("enforcement.view", post="enforcement.plan")
def plans(request):
    if request.method == "POST":
        post = request.POST
        try:
            plan = services.plan_create(
                by=request.user, year=int(post.get("year") or 0), title=post.get("title", ""),
                matters=[{"basis": post.get("basis", ""), "subject": post.get("subject", ""),
                          "content": post.get("content", ""), "method": post.get("method", "")}],
                proportions=[{"sector": "", "risk_tier": t, "percent": post.get(f"ratio_{t}")}
                             for t in RISK_TIERS if post.get(f"ratio_{t}", "") != ""])
        except (AppError, ValueError) as exc:
            messages.error(request, exc.message if isinstance(exc, AppError) else "年度无效")
        else:
            messages.success(request, "年度检查计划已保存，请报部门负责人批准")
            return redirect("enforcement:plan", pk=plan.pk)
    return render(request, "enforcement/plans.html", {
        "plans": selectors.plans_for(user=request.user), "tiers": RISK_TIERS,
        "can_plan": allows(request.user, "enforcement.plan"), "year": date.today().year})


@requires("enforcement.view", post="enforcement.approve")
def plan(request, pk: int):
    found = _or_404(selectors.plan_get, user=request.user, pk=pk)
    if request.method == "POST":
        _may(request, Plan, pk, "enforcement.approve")
        try:
            services.plan_approve(by=request.user, plan_id=pk)
            messages.success(request, "年度检查计划已批准")
        except AppError as exc:
            messages.error(request, exc.message)
        return redirect("enforcement:plan", pk=pk)
    return render(request, "enforcement/plan.html", {
        "plan": found, "draws": selectors.draws_for(user=request.user).filter(plan=found),
        "can_approve": allows(request.user, "enforcement.approve"),
        "can_draw": allows(request.user, "enforcement.plan")})


@requires("enforcement.view", post="enforcement.plan")
def registers(request):
    if request.method == "POST":
        post, what = request.POST, request.POST.get("action", "")
        try:
            if what == "sync":
                done = services.register_sync(by=request.user)
                messages.success(request, f"名录库已更新：新增 {done['added']}，更新 "
                                          f"{done['updated']}")
            elif what == "inspector":
                services.inspector_register(by=request.user, user_id=int(post.get("user") or 0),
                                            cert_no=post.get("cert_no", ""))
                messages.success(request, "已登记执法检查人员")
            elif what == "recusal":
                services.recusal_add(by=request.user,
                                     inspector_id=int(post.get("inspector") or 0),
                                     unit_id=int(post.get("unit") or 0),
                                     reason=post.get("reason", ""))
                messages.success(request, "已登记回避")
            elif what == "risk":
                services.unit_risk_set(by=request.user, unit_id=int(post.get("unit") or 0),
                                       risk_tier=post.get("risk_tier", ""))
                messages.success(request, "风险等级已更新")
            else:
                raise AppError("action_invalid", "未知的操作")
        except AppError as exc:
            messages.error(request, exc.message)
        except ValueError:
            messages.error(request, "编号应为整数")
        return redirect("enforcement:registers")
    units = Paginator(selectors.units_for(user=request.user), 100).get_page(
        request.GET.get("page"))
    can_plan = allows(request.user, "enforcement.plan")
    colleagues = members_for(user=request.user) if can_plan else []
    return render(request, "enforcement/registers.html", {
        "units": units, "inspectors": selectors.inspectors_for(user=request.user)[:300],
        "tiers": RISK_TIERS, "can_plan": can_plan, "colleagues": colleagues})


@requires("enforcement.view", post="enforcement.plan")
def draws(request):
    if request.method == "POST":
        post = request.POST
        try:
            draw = services.draw_commit(
                by=request.user, plan_id=int(post.get("plan") or 0),
                commitment=post.get("commitment", ""), seed_source=post.get("seed_source", ""),
                cross_county=post.get("cross_county") == "1",
                per_team=int(post.get("per_team") or 2))
        except AppError as exc:
            messages.error(request, exc.message)
        except ValueError:
            messages.error(request, "编号应为整数")
        else:
            messages.success(request, "名录库已冻结，种子承诺已公布；请在约定时间揭示种子")
            return redirect("enforcement:draw", pk=draw.pk)
    return render(request, "enforcement/draws.html", {
        "draws": selectors.draws_for(user=request.user),
        "plans": selectors.plans_for(user=request.user).filter(approved_at__isnull=False),
        "can_draw": allows(request.user, "enforcement.plan")})


@requires("enforcement.view", post="enforcement.plan")
def draw(request, pk: int):
    found = _or_404(selectors.draw_get, user=request.user, pk=pk)
    if request.method == "POST":
        _may(request, Draw, pk, "enforcement.plan")
        try:
            services.draw_reveal(by=request.user, draw_id=pk, seed=request.POST.get("seed", ""))
            messages.success(request, "抽取结果已公布，抽中的单位已生成待报批的检查任务")
        except AppError as exc:
            messages.error(request, exc.message)
        return redirect("enforcement:draw", pk=pk)
    return render(request, "enforcement/draw.html", {
        "draw": found, "tasks": selectors.tasks_for(user=request.user).filter(draw=found),
        "can_draw": allows(request.user, "enforcement.plan")})


# --- penalties, clocks, figures ---------------------------------------------------------------

@requires("enforcement.view")
def penalties(request):
    rows, error = page_filters(PenaltyFilterSet, request=request,
                               queryset=selectors.penalty_decisions_for(user=request.user))
    return render(request, "enforcement/penalties.html", {
        "page": Paginator(rows, 50).get_page(request.GET.get("page")), "filter_error": error})


@requires("enforcement.view", post="enforcement.penalty")
def penalty(request, pk: int):
    found = _or_404(selectors.penalty_get, user=request.user, pk=pk)
    if request.method == "POST":
        _may(request, PenaltyDecision, pk, "enforcement.penalty")
        try:
            actions.penalty_act(by=request.user, penalty_id=pk,
                                action=request.POST.get("action", ""), data=request.POST)
            messages.success(request, "已办理")
        except AppError as exc:
            messages.error(request, exc.message)
        return redirect("enforcement:penalty", pk=pk)
    from django.utils import timezone

    return render(request, "enforcement/penalty.html", {
        "penalty": found, "clocks": found.clocks.all(), "documents": found.documents.all(),
        "surcharge": services.surcharge(found, timezone.localdate()),
        "labels": actions.PENALTY_ACTION_LABELS,
        "may_act": allows(request.user, "enforcement.penalty")})


@requires("enforcement.overdue")
def overdue(request):
    return render(request, "enforcement/overdue.html",
                  {"clocks": selectors.overdue_clocks(user=request.user)})


@requires("enforcement.figures")
def figures(request):
    error, result = "", None
    try:
        filters = enforcement_figures.filter_from(request.GET)
        result = enforcement_figures.enforcement_figures(
            user=request.user, filters=filters, group_by=request.GET.get("group", ""))
    except AppError as exc:
        error = exc.message
    return render(request, "enforcement/figures.html", {"result": result, "error": error,
                                                        "query": request.GET})


# --- public ---------------------------------------------------------------------------------

@requires("enforcement.public")
def public_draws(request):
    return render(request, "enforcement/public_draws.html",
                  {"draws": selectors.published_draws()[:200]})


@requires("enforcement.public")
def public_draw(request, pk: int):
    found = _or_404(selectors.published_draw, pk=pk)
    return render(request, "enforcement/public_draw.html", {
        "draw": found, "manifest": services.manifest(found),
        "targets": found.result.get("targets", [])[:1000]})


@requires("enforcement.public")
def public_draw_file(request, pk: int, name: str):
    found = _or_404(selectors.published_draw, pk=pk, with_files=True)
    units, inspectors = services.registers_of(found)
    files = {"units.csv": (units, "text/csv"), "inspectors.csv": (inspectors, "text/csv"),
             "manifest.json": (services.manifest_json(found), "application/json")}
    if name not in files:
        raise Http404
    body, kind = files[name]
    return download(user=request.user, filename=f"draw-{pk}-{name}",
                    export=Export("enforcement.draw", pk, f"下载公布的抽取文件 {name}"),
                    file=io.BytesIO(body.encode("utf-8")), content_type=kind)


@requires("enforcement.public")
def public_penalties(request):
    return render(request, "enforcement/public_penalties.html",
                  {"rows": selectors.published_decisions()})

