"""Thin pages: record a rectification, send a filing back, re-file it."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from certguard.core.errors import AppError
from certguard.core.policy import requires
from certguard.selfcheck import rectification, selectors
from certguard.selfcheck.models import RosterUpload


def _upload(request, pk: int, action: str) -> RosterUpload:
    upload = selectors.upload_for(user=request.user, pk=pk, action=action)
    if upload is None:
        raise Http404
    return upload


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        raise AppError("date_invalid", "整改日期格式应为 YYYY-MM-DD") from None


@requires("selfcheck.file")
@require_POST
def rectify(request, pk: int, result_pk: int):
    upload = _upload(request, pk, "selfcheck.file")
    result = selectors.results_for(user=request.user, upload=upload).filter(pk=result_pk).first()
    if result is None:
        raise Http404
    try:
        rectification.rectification_record(
            by=request.user, result=result, action=request.POST.get("action", ""),
            done_on=_date(request.POST.get("done_on", "").strip()),
            note=request.POST.get("note", ""), cert_source=request.POST.get("cert_source", ""))
        messages.success(request, f"已记录 {result.worker_name} 的整改情况")
    except AppError as exc:
        messages.error(request, exc.message)
    return redirect(f"{_back(upload)}?result=problems")


def _back(upload: RosterUpload) -> str:
    return reverse("selfcheck:upload", args=[upload.pk])


@requires("selfcheck.return")
@require_POST
def send_back(request, pk: int):
    upload = _upload(request, pk, "selfcheck.return")
    try:
        rectification.upload_return(by=request.user, upload=upload,
                                    reason=request.POST.get("reason", ""))
        messages.success(request, "已退回，企业将看到退回理由")
    except AppError as exc:
        messages.error(request, exc.message)
    return redirect(_back(upload))


@requires("selfcheck.file")
@require_POST
def refile(request, pk: int):
    upload = _upload(request, pk, "selfcheck.file")
    try:
        rectification.upload_refile(by=request.user, upload=upload,
                                    note=request.POST.get("note", ""))
        messages.success(request, "已重新报送")
    except AppError as exc:
        messages.error(request, exc.message)
    return redirect(_back(upload))
