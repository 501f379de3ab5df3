from __future__ import annotations

from django.db.models import QuerySet

from certguard.core.models import AuditEntry, Job
from certguard.core.personal import logged_reads
from certguard.core.policy import allows
from certguard.core.scoping import UserLike


def jobs_for(*, user: UserLike) -> QuerySet[Job]:
    return Job.objects.restrict(user, "jobs.view").select_related("owner")


def audit_entries(*, user: UserLike) -> QuerySet[AuditEntry]:
    """The audit administrator reads the log (filter with AuditFilterSet). The log holds
    personal data, so reading it is itself logged."""
    if not allows(user, "audit.view"):
        return AuditEntry.objects.none()
    return logged_reads(AuditEntry.objects.order_by("-id"), fields=("actor", "data", "ip"),
                        summary="查阅审计日志", user=user)
