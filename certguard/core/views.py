from __future__ import annotations

from datetime import datetime

from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from certguard.core import selectors
from certguard.core.audit_anchor import anchor_path, anchor_read
from certguard.core.audit_filters import AuditFilterSet
from certguard.core.filters import page_filters
from certguard.core.jobs import job_start
from certguard.core.models import AuditEntry
from certguard.core.policy import requires
from certguard.core.scoping import actor_of


def _wants_json(request) -> bool:
    return request.path.startswith("/api/")


def _error(request, status: int, code: str, message: str):
    if _wants_json(request):
        return JsonResponse({"error": {"code": code, "message": message}}, status=status)
    return render(request, "core/error.html", {"status": status, "message": message},
                  status=status)


def error_400(request, exception=None):
    return _error(request, 400, "bad_request", "请求有误")


def error_403(request, exception=None):
    return _error(request, 403, "permission_denied", "您无权访问此页面")


def error_404(request, exception=None):
    return _error(request, 404, "not_found", "页面不存在或您无权查看")


def error_500(request):
    return _error(request, 500, "internal_error", "服务器内部错误，已记录，请稍后再试或联系管理员")


@requires("jobs.view")
def job_detail(request, pk: int):
    job = get_object_or_404(selectors.jobs_for(user=request.user), pk=pk)
    template = "core/_job_progress.html" if request.headers.get("HX-Request") else "core/job.html"
    return render(request, template, {"job": job})


@requires("jobs.view")
def job_list(request):
    jobs = selectors.jobs_for(user=request.user)[:100]
    return render(request, "core/job_list.html", {"jobs": jobs})


@requires("audit.view")
def audit_log(request):
    entries, filter_error = page_filters(AuditFilterSet, request=request,
                                         queryset=selectors.audit_entries(user=request.user))
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    anchor, _, anchor_problem = anchor_read()
    return render(request, "core/audit_log.html", {
        "page": page, "query": request.GET, "filter_error": filter_error,
        "actions": AuditEntry.Action.choices, "anchor": anchor, "anchor_problem": anchor_problem,
        "anchor_name": anchor_path().name,
        "anchor_at": datetime.fromisoformat(anchor.at) if anchor else None,
        "alarms": AuditEntry.objects.filter(action=AuditEntry.Action.ALARM).count()})


@requires("audit.verify")
@require_POST
def audit_verify_start(request):
    job = job_start(kind="audit_verify", title="审计日志完整性校验", owner=request.user,
                    organisation_id=actor_of(request.user).organisation_id)
    return redirect("core:job", pk=job.pk)
