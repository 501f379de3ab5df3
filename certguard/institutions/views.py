"""Thin pages of the institutions' self-inspection: the work page (filers and regulators), an
upload's per-row report, a finding with its answers, a plan, a filing and its documents."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from certguard.core.errors import AppError, NotFound
from certguard.core.exports import Export, download, temporary_copy
from certguard.core.filters import page_filters
from certguard.core.policy import allows, requires
from certguard.core.scoping import UserLike
from certguard.institutions import checklists, selectors, services
from certguard.institutions.filters import FindingFilterSet
from certguard.institutions.reference import CHECKLISTS, RULE_LABELS, UPLOAD_KINDS


def _or_404(getter, **kwargs):
    try:
        return getter(**kwargs)
    except NotFound as exc:
        raise Http404 from exc


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        raise AppError("bad_date", "日期格式应为 YYYY-MM-DD") from None


@requires("institutions.view")
def home(request):
    user = request.user
    findings, filter_error = page_filters(FindingFilterSet, request=request,
                                          queryset=selectors.findings_for(user=user))
    kind = services.filer_kind(user=user)
    return render(request, "institutions/home.html", {
        "kind": kind, "upload_kind": UPLOAD_KINDS.get("training" if kind == "training"
                                                      else "exams", ""),
        "can_file": allows(user, "institutions.file") and kind in ("training", "exam"),
        "can_file_authority": allows(user, "institutions.authority_file") and kind == "authority",
        "uploads": selectors.uploads_for(user=user)[:20],
        "page": Paginator(findings, 50).get_page(request.GET.get("page")),
        "filter_error": filter_error, "rules": RULE_LABELS,
        "plans": selectors.plans_for(user=user)[:50],
        "filings": selectors.filings_for(user=user)[:50],
        "periods": selectors.periods_for(user=user)[:10],
        "overview": selectors.progress_by_institution(user=user) if not kind else [],
    })


@requires("institutions.file")
def upload(request):
    if request.method != "POST":
        return redirect("institutions:home")
    handle = request.FILES.get("file")
    if handle is None:
        messages.error(request, "请选择要上传的 CSV 或 Excel 文件")
        return redirect("institutions:home")
    try:
        made = services.upload_create(by=request.user, file_name=handle.name,
                                      data=handle.read())
    except AppError as exc:
        messages.error(request, exc.message)
        return redirect("institutions:home")
    messages.success(request, f"已上传：接受 {made.accepted} 行，拒绝 {made.rejected_count} 行")
    return redirect("institutions:upload_detail", pk=made.pk)


@requires("institutions.file")
@require_POST
def check(request):
    try:
        result = services.check_run(by=request.user)
        messages.success(request, f"自查完成：发现问题 {result.found} 条（新增 {result.new} 条，"
                                  f"不再出现 {result.gone} 条）")
    except AppError as exc:
        messages.error(request, exc.message)
    return redirect("institutions:home")


@requires("institutions.view")
def upload_detail(request, pk: int):
    made = _or_404(selectors.upload_get, user=request.user, pk=pk)
    return render(request, "institutions/upload.html", {"upload": made})


@requires("institutions.view", post="institutions.file")
def finding_detail(request, pk: int):
    finding = _or_404(selectors.finding_get, user=request.user, pk=pk)
    if request.method == "POST":
        try:
            services.finding_answer(by=request.user, finding_id=pk,
                                    kind=request.POST.get("kind", ""),
                                    text=request.POST.get("text", ""),
                                    deadline=_date(request.POST.get("deadline", "")))
            messages.success(request, "答复已保存")
        except NotFound as exc:
            raise Http404 from exc
        except AppError as exc:
            messages.error(request, exc.message)
        return redirect("institutions:finding", pk=pk)
    return render(request, "institutions/finding.html", {
        "finding": finding, "answers": selectors.answers_of(finding=finding),
        "columns": list(finding.rows[0]) if finding.rows else [],
        "can_answer": allows(request.user, "institutions.file", finding),
        "can_refer": allows(request.user, "institutions.refer", finding)
        and not finding.clue_id})


@requires("institutions.refer")
@require_POST
def finding_refer(request, pk: int):
    _or_404(selectors.finding_get, user=request.user, pk=pk, action="institutions.refer")
    try:
        clue_id = services.finding_refer(by=request.user, finding_id=pk)
        messages.success(request, f"已转为线索 #{clue_id}")
    except NotFound as exc:
        raise Http404 from exc
    except AppError as exc:
        messages.error(request, exc.message)
    return redirect("institutions:finding", pk=pk)


@requires("institutions.view", post="institutions.file")
def plan_detail(request, pk: int):
    plan = _or_404(selectors.plan_get, user=request.user, pk=pk)
    if request.method == "POST":
        evidence = request.FILES.get("evidence")
        try:
            services.plan_progress(by=request.user, plan_id=pk, note=request.POST.get("note", ""),
                                   completes=request.POST.get("completes") == "1",
                                   evidence_name=evidence.name if evidence else "",
                                   evidence=evidence.read() if evidence else None)
            messages.success(request, "整改进展已保存")
        except NotFound as exc:
            raise Http404 from exc
        except AppError as exc:
            messages.error(request, exc.message)
        return redirect("institutions:plan", pk=pk)
    return render(request, "institutions/plan.html", {
        "plan": plan, "progress": selectors.progress_of(plan=plan),
        "can_edit": allows(request.user, "institutions.file", plan) and plan.status != "done"})


def _filing_form(request, pk: int, kind: str):
    period = selectors.periods_for(user=request.user).filter(pk=pk).first()
    if period is None:
        raise Http404
    items = CHECKLISTS[kind]
    if request.method == "POST":
        post = request.POST
        try:
            filing = services.filing_file(
                by=request.user, period_id=pk,
                answers={i.key: {f: post.get(f"{f}_{i.key}", "")
                                 for f in ("situation", "problems", "measures")} for i in items},
                principal=post.get("principal", ""), contact=post.get("contact", ""),
                phone=post.get("phone", ""), problems_found=post.get("problems_found", 0),
                procedures_streamlined=post.get("procedures_streamlined", 0))
        except NotFound as exc:
            raise Http404 from exc
        except AppError as exc:
            messages.error(request, exc.message)
            return redirect(request.path)
        late = services.late_message(filing)
        (messages.warning if late else messages.success)(request, late or "自查表已报送")
        return redirect("institutions:filing", pk=filing.pk)
    return render(request, "institutions/filing_form.html", {
        "period": period, "items": items, "kind": kind})


@requires("institutions.file")
def filing_form(request, pk: int):
    kind = services.filer_kind(user=request.user)
    return _filing_form(request, pk, kind if kind in ("training", "exam") else "training")


@requires("institutions.authority_file")
def authority_filing_form(request, pk: int):
    return _filing_form(request, pk, "authority")


@requires("institutions.view", post="institutions.return")
def filing_detail(request, pk: int):
    filing = _or_404(selectors.filing_get, user=request.user, pk=pk)
    if request.method == "POST":
        try:
            services.filing_return(by=request.user, filing_id=pk,
                                   reason=request.POST.get("reason", ""))
            messages.success(request, "已退回")
        except NotFound as exc:
            raise Http404 from exc
        except AppError as exc:
            messages.error(request, exc.message)
        return redirect("institutions:filing", pk=pk)
    return render(request, "institutions/filing.html", {
        "filing": filing, "lines": checklists.lines(filing),
        "late": services.late_message(filing),
        "can_return": allows(request.user, "institutions.return", filing)
        and filing.status == "filed"})


def checklist_file(*, user: UserLike, filing, fmt: str) -> object:
    """The checklist of one filing as XLSX or PDF, with its audit entry."""
    if fmt not in ("xlsx", "pdf"):
        raise AppError("format_unknown", "格式应为 xlsx 或 pdf")
    handle = temporary_copy(lambda path: checklists.checklist_write(filing=filing, fmt=fmt,
                                                                    path=path), suffix=f".{fmt}")
    title = checklists.TITLES[filing.kind]
    return download(user=user, file=handle, filename=f"{title}-{filing.pk}.{fmt}",
                    content_type=None if fmt == "xlsx" else "application/pdf",
                    export=Export(object_type="institutions.filing", object_id=filing.pk,
                                  summary=f"导出{title}（{filing.organisation.name}）",
                                  data={"format": fmt}))


@requires("institutions.view")
def filing_download(request, pk: int, fmt: str):
    filing = _or_404(selectors.filing_get, user=request.user, pk=pk)
    try:
        return checklist_file(user=request.user, filing=filing, fmt=fmt)
    except AppError as exc:
        messages.error(request, exc.message)
        return redirect("institutions:filing", pk=pk)


@requires("institutions.figures")
def figures_page(request):
    from certguard.institutions import figures

    try:
        f = figures.filter_from(request.GET)
        group_by = request.GET.get("group_by", "region")
        data = figures.institutions_figures(user=request.user, filters=f, group_by=group_by)
        figure = request.GET.get("figure", "")
        records = figures.figure_records(user=request.user, figure=figure, filters=f)[:200] \
            if figure else None
    except AppError as exc:
        messages.error(request, exc.message)
        data, records, figure = None, None, ""
    rows = [(g["key"], [g[k] for k in data["labels"]]) for g in data["groups"]] if data else []
    return render(request, "institutions/figures.html", {
        "data": data, "rows": rows, "records": records, "figure": figure,
        "query": request.GET})


@requires("institutions.view", post="institutions.periods")
def periods(request):
    if request.method == "POST":
        try:
            start, end = _date(request.POST.get("start", "")), _date(request.POST.get("end", ""))
            closes = _date(request.POST.get("closes_on", ""))
            if not (start and end and closes):
                raise AppError("dates_required", "请填写开始、结束和报送截止日期")
            made = services.period_create(by=request.user, name=request.POST.get("name", ""),
                                          start=start, end=end, closes_on=closes)
            messages.success(request, f"已设立自查期间：{made.name}")
        except AppError as exc:
            messages.error(request, exc.message)
        return redirect("institutions:periods")
    return render(request, "institutions/periods.html", {
        "periods": selectors.periods_for(user=request.user)[:100],
        "can_create": allows(request.user, "institutions.periods")})
