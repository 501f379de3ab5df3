"""Reads of the clue inbox, always through ``restrict(user, action)``."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet

from certguard.clues.models import Clue, ClueEvent
from certguard.clues.reference import RULE_NAMES, SEVERITIES, STATUS_CHOICES
from certguard.core.errors import NotFound
from certguard.core.personal import logged_reads
from certguard.core.policy import allows
from certguard.core.scoping import UserLike, actor_of

PERSONAL_FIELDS = ("name", "id_no")


def clues_for(*, user: UserLike, action: str = "clues.view") -> QuerySet[Clue]:
    """The clues the user may see (or work on), in inbox order; filter with ClueFilterSet."""
    clues = Clue.objects.restrict(user, action)
    return _logged(clues.select_related("region", "assignee")
                   .order_by("severity_rank", "rule", "id"), user)


def clue_get(*, user: UserLike, pk: int, action: str = "clues.view") -> Clue:
    events = Prefetch("events", queryset=ClueEvent.objects.select_related("actor", "assignee"))
    clue = _logged(Clue.objects.restrict(user, action).select_related(
        "region", "assignee", "decided_by", "organisation").prefetch_related(events)
        .filter(pk=pk), user).first()
    if clue is None:
        raise NotFound("clue_not_found", "线索不存在或无权查看")
    return clue


def clue_counts(*, clues: QuerySet[Clue]) -> dict[str, list[tuple[str, str, int]]]:
    """How many of the filtered clues fall under each rule, severity and status:
    (key, label, count) per group."""
    base = clues.order_by()
    labels = {"rule": {k: f"{k} {v}" for k, v in RULE_NAMES.items()}, "severity": SEVERITIES,
              "status": dict(STATUS_CHOICES)}
    return {key: [(k, labels[key].get(k, k), n) for k, n in
                  sorted(base.values_list(key).annotate(n=Count("id")))]
            for key in ("rule", "severity", "status")}


def clue_events(*, clue: Clue) -> QuerySet[ClueEvent]:
    return clue.events.select_related("actor", "assignee")


def _logged(clues: QuerySet[Clue], user: UserLike) -> QuerySet[Clue]:
    """Names and ID numbers (and the evidence around them) are personal data."""
    return logged_reads(clues, fields=PERSONAL_FIELDS + ("evidence",), summary="查看线索",
                        user=user)


def _offices_over(clue: Clue) -> dict:
    """Organisations whose region contains the clue's: its county, city and province."""
    code = clue.region_id
    if not code:
        return {"memberships__organisation_id": clue.organisation_id}
    return {"memberships__organisation__region_id__in": {code, code[:4] + "00",
                                                         code[:2] + "0000"}}


def assignable_users(*, clue: Clue) -> list:
    """Colleagues who could take this clue: those of the departments over its region whom the
    policy lets work on clues and whose scope holds it — decided in memory (two queries,
    however many colleagues)."""
    from django.db.models import Prefetch

    from certguard.orgs.models import Membership, User

    candidates = User.objects.filter(
        is_active=True, memberships__active=True, memberships__organisation__kind="department",
        **_offices_over(clue)).distinct().order_by("username").prefetch_related(
        Prefetch("memberships", queryset=Membership.objects.select_related("organisation")))
    return [u for u in candidates[:100] if allows(u, "clues.work") and Clue.row_in_scope(
        actor_of(u), region_id=clue.region_id, family=clue.family,
        employer_sector=clue.employer_sector, organisation_id=clue.organisation_id)]
