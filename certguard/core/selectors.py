from __future__ import annotations

from django.db.models import QuerySet

from certguard.core.models import AuditEntry, Job
from certguard.core.policy import allows


def jobs_for(*, user: object) -> QuerySet[Job]:
    return Job.objects.restrict(user, "jobs.view").select_related("owner")


def audit_entries(*, user: object, query: dict) -> QuerySet[AuditEntry]:
    """The audit administrator reads the log, filtered by actor, action or object."""
    if not allows(user, "audit.view"):
        return AuditEntry.objects.none()
    entries = AuditEntry.objects.order_by("-id")
    if query.get("actor"):
        entries = entries.filter(actor=query["actor"])
    if query.get("action"):
        entries = entries.filter(action=query["action"])
    if query.get("object_type"):
        entries = entries.filter(object_type=query["object_type"])
    return entries
