"""Reads of tip-offs, always through restrict(); the report text is personal data."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from certguard.core.errors import NotFound
from certguard.core.personal import logged_reads
from certguard.core.scoping import UserLike
from certguard.tips.models import Tip, TipClock

PERSONAL = ("description", "subject_name")


def tips_for(*, user: UserLike, action: str = "tips.view") -> QuerySet[Tip]:
    tips = Tip.objects.restrict(user, action).select_related("place", "organisation", "matter")
    return logged_reads(tips.order_by("-created_at"), fields=PERSONAL, summary="查看举报",
                        user=user)


def tip_get(*, user: UserLike, pk: int) -> Tip:
    tip = tips_for(user=user).filter(pk=pk).first()
    if tip is None:
        raise NotFound("tip_not_found", "举报不存在或无权查看")
    return tip


def can_handle(*, user: UserLike, tip: Tip) -> bool:
    return Tip.objects.restrict(user, "tips.handle").filter(pk=tip.pk).exists()


def possible_duplicates(*, user: UserLike, tip: Tip) -> list[Tip]:
    """Earlier reports of the same department about the same subject."""
    from django.db.models import Q

    same = Q(subject_name=tip.subject_name)
    if tip.subject_code:
        same |= Q(subject_code=tip.subject_code)
    return list(Tip.objects.restrict(user, "tips.view").filter(
        same, department=tip.department, created_at__lt=tip.created_at).exclude(
        pk=tip.pk).order_by("created_at")[:10])


def overdue_clocks(*, user: UserLike) -> QuerySet[TipClock]:
    """Open deadlines already past, of reports the head's department handles or oversees."""
    visible = Tip.objects.restrict(user, "tips.overdue").values("pk")
    return TipClock.objects.filter(tip_id__in=visible, met_at__isnull=True,
                                   due_at__lt=timezone.now()).select_related(
        "tip", "organisation").order_by("due_at")


def open_clocks(*, tip: Tip) -> list[TipClock]:
    return list(tip.clocks.order_by("started_at"))
