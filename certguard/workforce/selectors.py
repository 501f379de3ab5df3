"""Reads of the ledger, always through restrict(user, action); personal data reads are logged."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from certguard.core.personal import logged_reads
from certguard.core.scoping import UserLike
from certguard.workforce.models import LedgerChange, LedgerEntry

SHOWN_FIELDS = ("worker_name", "worker_id_no", "cert_no")


def ledger_for(*, user: UserLike, employer_id: int | None = None, query: str = "",
               active: bool | None = True) -> QuerySet[LedgerEntry]:
    entries = _logged(LedgerEntry.objects.restrict(user, "ledger.view")
                      .select_related("employer"), user)
    if employer_id:
        entries = entries.filter(employer_id=employer_id)
    if active is not None:
        entries = entries.filter(active=active)
    if query:
        entries = entries.filter(Q(worker_name__contains=query) | Q(worker_id_no=query.upper())
                                 | Q(cert_no=query.upper()) | Q(post__contains=query))
    return entries


def _logged(rows: QuerySet, user: UserLike) -> QuerySet:
    return logged_reads(rows, fields=SHOWN_FIELDS, summary="查看持证台账", user=user)


def entry_for(*, user: UserLike, pk: int) -> LedgerEntry | None:
    return _logged(LedgerEntry.objects.restrict(user, "ledger.view").select_related("employer")
                   .filter(pk=pk), user).first()


def worker_history(*, user: UserLike, entry: LedgerEntry) -> QuerySet[LedgerChange]:
    """Every change of every entry of this worker at this employer (all posts), oldest first."""
    changes = (LedgerChange.objects.restrict(user, "ledger.view")
               .filter(employer_id=entry.employer_id, entry__worker_id_no=entry.worker_id_no)
               .select_related("entry", "by").order_by("at", "id"))
    return logged_reads(changes, fields=("changes",), summary="查看持证台账变动", user=user)
