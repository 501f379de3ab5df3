"""One filter for the clue list, shared by the inbox, the API and the exports (as a FilterSet)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass

from django.db.models import Q, QuerySet

from certguard.clues.reference import RULE_NAMES, SEVERITIES, SOURCE_CHOICES, STATUS_CHOICES

FIELDS = ("rule", "severity", "status", "region", "employer", "q", "source_kind", "source_id",
          "mine")
_STATUSES = {k for k, _ in STATUS_CHOICES} | {"open"}
OPEN = ("new", "assigned")
_SOURCES = {k for k, _ in SOURCE_CHOICES}


def _choice(value: str, allowed) -> str:
    return value if value in allowed else ""


def _digits(value: str, limit: int) -> str:
    value = value.strip()
    return value[:limit] if value.isdigit() else ""


@dataclass(frozen=True)
class ClueFilter:
    rule: str = ""
    severity: str = ""
    status: str = ""  # one status, or "open" (new or assigned)
    region: str = ""  # region code prefix, e.g. 1405 = the whole city
    employer: str = ""  # employer credit code (exact)
    q: str = ""  # certificate number, ID number, name or text of the detail
    source_kind: str = ""
    source_id: str = ""
    mine: str = ""  # "1": assigned to me

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> ClueFilter:
        """Unknown values are dropped rather than refused: a stale link still opens."""
        get = lambda key: str(query.get(key, "") or "").strip()  # noqa: E731
        return cls(
            rule=_choice(get("rule").upper(), RULE_NAMES), severity=_choice(get("severity"),
                                                                             SEVERITIES),
            status=_choice(get("status"), _STATUSES), region=_digits(get("region"), 6),
            employer=get("employer")[:40], q=get("q")[:100],
            source_kind=_choice(get("source_kind"), _SOURCES),
            source_id=_digits(get("source_id"), 18), mine="1" if get("mine") == "1" else "")

    def as_query(self) -> dict[str, str]:
        return {k: v for k, v in asdict(self).items() if v}

    def apply(self, clues: QuerySet, *, user_id: int | None = None) -> QuerySet:
        exact = {"rule": self.rule, "severity": self.severity, "employer_code": self.employer,
                 "source_kind": self.source_kind}
        clues = clues.filter(**{k: v for k, v in exact.items() if v})
        if self.status:
            clues = clues.filter(status__in=OPEN) if self.status == "open" else clues.filter(
                status=self.status)
        if self.source_id:
            clues = clues.filter(source_id=int(self.source_id))
        if self.region:
            clues = clues.filter(region__code__startswith=self.region)
        if self.mine and user_id is not None:
            clues = clues.filter(assignee_id=user_id)
        if self.q:
            clues = clues.filter(Q(cert_no=self.q) | Q(id_no=self.q) | Q(name=self.q)
                                 | Q(detail__contains=self.q))
        return clues
