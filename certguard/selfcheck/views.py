"""Thin pages: upload a roster, check the column mapping, confirm, watch, read the results."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from certguard.core.errors import AppError
from certguard.core.filters import page_filters
from certguard.core.policy import allows, requires
from certguard.orgs.models import Organisation
from certguard.selfcheck import outcomes, rectification, selectors, services
from certguard.selfcheck.filters import ResultFilterSet
from certguard.selfcheck.models import Rectification, RosterUpload


def _as_of(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        raise AppError("date_invalid", "核验基准日格式应为 YYYY-MM-DD") from None


def _upload(request, pk: int, action: str = "selfcheck.view") -> RosterUpload:
    upload = selectors.upload_for(user=request.user, pk=pk, action=action)
    if upload is None:
        raise Http404
    return upload


@requires("selfcheck.view")
def index(request):
    """/selfcheck/ (named in the README) opens the list of roster checks."""
    return redirect("selfcheck:uploads")


@requires("selfcheck.view")
def upload_list(request):
    employer_id = services.actor_employer_id(request.user)
    uploads = rectification.with_progress(selectors.uploads_for(user=request.user)) \
        .order_by("-created_at", "-id")
    page = Paginator(uploads, 30).get_page(request.GET.get("page"))
    return render(request, "selfcheck/upload_list.html",
                  {"page": page, "query": {}, "can_upload": employer_id is not None,
                   "reminders": selectors.reminders_for(user=request.user)[:5]})


@requires("selfcheck.file")
@require_POST
def upload_create(request):
    employer_id = services.actor_employer_id(request.user)
    file = request.FILES.get("file")
    if employer_id is None or file is None:
        messages.error(request, "请选择要导入的花名册文件" if employer_id
                       else "只有用人单位可以导入花名册")
        return redirect("selfcheck:uploads")
    try:
        services.check_upload_size(file.size)
        upload = services.upload_create(by=request.user,
                                        employer=Organisation.objects.get(pk=employer_id),
                                        file_name=file.name, data=file.read())
    except AppError as exc:
        messages.error(request, exc.message)
        return redirect("selfcheck:uploads")
    return redirect("selfcheck:upload", pk=upload.pk)


@requires("selfcheck.view")
def upload_detail(request, pk: int):
    upload = _upload(request, pk)
    context = {"upload": upload, "labels": outcomes.LABELS}
    if upload.status == RosterUpload.Status.PREVIEW:
        context.update(preview=services.upload_preview(upload=upload),
                       fields=services.FIELD_LABELS)
        return render(request, "selfcheck/upload_preview.html", context)
    context["can_review"] = rectification.can_review(user=request.user, upload=upload)
    context["can_confirm"] = (upload.status == RosterUpload.Status.FAILED
                              and allows(request.user, "selfcheck.file", upload))
    if upload.status == RosterUpload.Status.VERIFIED or context["can_review"]:
        rows, filter_error = page_filters(
            ResultFilterSet, request=request,
            queryset=selectors.results_for(user=request.user, upload=upload))
        page = Paginator(rows, 50).get_page(request.GET.get("page"))
        query = {k: request.GET.get(k, "") for k in ResultFilterSet.base_filters}
        context["filter_error"] = filter_error
        context.update(page=page, query=query, counts=[
            (code, label, upload.counts.get(code, 0)) for code, label in outcomes.LABELS.items()])
        context.update(_rectification_context(request, upload, rows=list(page)))
    return render(request, "selfcheck/upload_detail.html", context)


@requires("selfcheck.file")
@require_POST
def upload_mapping(request, pk: int):
    upload = _upload(request, pk, "selfcheck.file")
    overrides: dict[str, dict[str, str | None]] = {}
    for i, sheet in enumerate(upload.mapping):
        for column in sheet["columns"]:
            key = f"map_{i}_{column['index']}"
            if key in request.POST and (request.POST[key] or None) != column["field"]:
                overrides.setdefault(sheet["sheet"], {})[str(column["index"])] = \
                    request.POST[key] or None
    try:
        services.upload_set_mapping(by=request.user, upload=upload, overrides=overrides)
    except AppError as exc:
        messages.error(request, exc.message)
    return redirect("selfcheck:upload", pk=upload.pk)


@requires("selfcheck.file")
@require_POST
def upload_confirm(request, pk: int):
    upload = _upload(request, pk, "selfcheck.file")
    try:
        services.upload_confirm(by=request.user, upload=upload,
                                as_of=_as_of(request.POST.get("as_of", "")),
                                confirm_leaving=request.POST.get("confirm_leaving") == "yes")
    except AppError as exc:
        messages.error(request, exc.message)
    return redirect("selfcheck:upload", pk=upload.pk)


@requires("selfcheck.view")
def upload_progress(request, pk: int):
    """The progress card, polled while the roster is checked; once the check has ended the
    page reloads itself (htmx HX-Refresh) and shows the results."""
    upload = _upload(request, pk)
    if upload.status != RosterUpload.Status.VERIFYING or upload.job is None:
        response = HttpResponse(f'<p class="card">核验已结束（{upload.get_status_display()}），'
                                '正在显示结果……</p>')
        response["HX-Refresh"] = "true"
        return response
    return render(request, "selfcheck/_progress.html", {"upload": upload, "job": upload.job})


@requires("selfcheck.return")
@require_POST
def upload_release(request, pk: int):
    upload = _upload(request, pk, "selfcheck.return")
    try:
        services.upload_release(by=request.user, upload=upload)
        messages.success(request, "已审核放行，企业可以查看核验结果")
    except AppError as exc:
        messages.error(request, exc.message)
    return redirect("selfcheck:upload", pk=upload.pk)


@requires("selfcheck.view")
def upload_export(request, pk: int):
    upload = _upload(request, pk)
    try:
        return services.upload_report_download(user=request.user, upload=upload)
    except AppError as exc:
        messages.error(request, exc.message)
        return redirect("selfcheck:upload", pk=upload.pk)


def _rectification_context(request, upload: RosterUpload, *, rows: list) -> dict:
    progress = rectification.with_progress(selectors.uploads_for(user=request.user)) \
        .filter(pk=upload.pk).values("found", "rectified").first() or {"found": 0,
                                                                         "rectified": 0}
    history = rectification.rectifications_of(user=request.user, upload=upload)
    for row in rows:
        row.history = history.get(row.pk, [])
    return {"actions": Rectification.Action.choices, "progress": progress,
            "outstanding": progress["found"] - progress["rectified"],
            "can_rectify": allows(request.user, "selfcheck.file", upload),
            "can_return": rectification.can_return(user=request.user, upload=upload),
            "events": upload.events.select_related("by"), "today": timezone.localdate().isoformat()}
