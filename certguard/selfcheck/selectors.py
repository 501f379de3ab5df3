"""Reads of uploads and results, always through restrict(user, action)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from certguard.core.personal import logged_reads
from certguard.selfcheck.models import Reminder, RosterUpload, WorkerResult

SHOWN_FIELDS = ("worker_name", "worker_id_no", "cert_no", "registry")


def uploads_for(*, user: object, action: str = "selfcheck.view") -> QuerySet[RosterUpload]:
    return RosterUpload.objects.restrict(user, action).select_related("employer", "uploaded_by")


def upload_for(*, user: object, pk: int, action: str = "selfcheck.view") -> RosterUpload | None:
    return uploads_for(user=user, action=action).filter(pk=pk).first()


def results_for(*, user: object, upload: RosterUpload, result: str = "",
                query: str = "") -> QuerySet[WorkerResult]:
    rows = WorkerResult.objects.restrict(user, "selfcheck.view").filter(upload=upload)
    if result == "problems":
        rows = rows.exclude(result__in=("valid", "rejected"))
    elif result:
        rows = rows.filter(result=result)
    if query:
        rows = rows.filter(Q(worker_name__contains=query) | Q(worker_id_no=query.upper())
                           | Q(cert_no=query.upper()))
    return logged_reads(rows.order_by("id"), fields=SHOWN_FIELDS, summary="查看花名册核验结果",
                        user=user)


def reminders_for(*, user: object) -> QuerySet[Reminder]:
    return Reminder.objects.restrict(user, "selfcheck.reminders").select_related("employer")
