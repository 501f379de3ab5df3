"""Reads of uploads and results, always through restrict(user, action)."""

from __future__ import annotations

from django.db.models import QuerySet

from certguard.core.personal import logged_reads
from certguard.core.policy import allows
from certguard.core.scoping import UserLike
from certguard.selfcheck.models import Reminder, RosterUpload, WorkerResult

SHOWN_FIELDS = ("worker_name", "worker_id_no", "cert_no", "registry")


def uploads_for(*, user: UserLike, action: str = "selfcheck.view") -> QuerySet[RosterUpload]:
    return RosterUpload.objects.restrict(user, action).select_related("employer", "uploaded_by")


def upload_for(*, user: UserLike, pk: int, action: str = "selfcheck.view") -> RosterUpload | None:
    return uploads_for(user=user, action=action).filter(pk=pk).first()


def results_for(*, user: UserLike, upload: RosterUpload) -> QuerySet[WorkerResult]:
    """The upload's results the user may see; filter with ResultFilterSet."""
    rows = WorkerResult.objects.restrict(user, "selfcheck.view").filter(upload=upload)
    if upload.status == RosterUpload.Status.HELD and not allows(user, "selfcheck.return",
                                                                  upload):
        rows = rows.none()  # held for the regulator's review: not shown to the employer
    return logged_reads(rows.order_by("id"), fields=SHOWN_FIELDS, summary="查看花名册核验结果",
                        user=user)


def reminders_for(*, user: UserLike) -> QuerySet[Reminder]:
    return Reminder.objects.restrict(user, "selfcheck.reminders").select_related("employer")
