"""Reads of the ledger, always through restrict(user, action); personal data reads are logged."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from certguard.core.audit import audit_read
from certguard.workforce.models import LedgerChange, LedgerEntry

SHOWN_FIELDS = ("worker_name", "worker_id_no", "cert_no")


def ledger_for(*, user: object, employer_id: int | None = None, query: str = "",
               active: bool | None = True) -> QuerySet[LedgerEntry]:
    entries = LedgerEntry.objects.restrict(user, "view").select_related("employer")
    if employer_id:
        entries = entries.filter(employer_id=employer_id)
    if active is not None:
        entries = entries.filter(active=active)
    if query:
        entries = entries.filter(Q(worker_name__contains=query) | Q(worker_id_no=query.upper())
                                 | Q(cert_no=query.upper()) | Q(post__contains=query))
    return entries


def ledger_shown(*, user: object, entries: list[LedgerEntry]) -> None:
    """Log that these entries' personal data was shown to the user."""
    if entries:
        audit_read(object_type="workforce.ledgerentry", object_ids=[e.pk for e in entries],
                   fields=SHOWN_FIELDS, summary="查看持证台账", user=user)


def entry_for(*, user: object, pk: int) -> LedgerEntry | None:
    entry = LedgerEntry.objects.restrict(user, "view").select_related("employer").filter(
        pk=pk).first()
    if entry is not None:
        ledger_shown(user=user, entries=[entry])
    return entry


def worker_history(*, user: object, entry: LedgerEntry) -> QuerySet[LedgerChange]:
    """Every change of every entry of this worker at this employer (all posts), oldest first."""
    return (LedgerChange.objects.restrict(user, "view")
            .filter(employer_id=entry.employer_id, entry__worker_id_no=entry.worker_id_no)
            .select_related("entry", "by").order_by("at", "id"))
