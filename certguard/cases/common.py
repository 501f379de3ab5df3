"""Small helpers shared by the cases app's services: texts, locking, numbering, events."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Max
from django.utils import timezone

from certguard.core.errors import AppError, Forbidden, NotFound
from certguard.core.policy import allows, right
from certguard.core.scoping import UserLike


def text(value: object, *, field: str, what: str, required: bool = True,
         limit: int = 2000) -> str:
    value = str(value or "").strip()
    if required and not value:
        raise AppError(f"{field}_required", f"请填写{what}", fields={field: [f"请填写{what}"]})
    if len(value) > limit:
        raise AppError(f"{field}_too_long", f"{what}不能超过{limit}字",
                       fields={field: [f"{what}过长"]})
    return value


def locked(model: Any, *, by: UserLike, pk: object, action: str, view: str,
           missing: str) -> Any:
    """The record, locked for the change: 403 when the role may not do ``action``, 404 when
    the actor may not see the record, 403 when they see it but it is not theirs to change."""
    if not allows(by, action):
        raise Forbidden("permission_denied", f"无权{right(action).label}")
    if not model.objects.restrict(by, view).filter(pk=pk).exists():
        raise NotFound("not_found", missing)
    found = model.objects.restrict(by, action).select_for_update().filter(pk=pk).first()
    if found is None:
        raise Forbidden("permission_denied", f"无权{right(action).label}（不是本单位办理的）")
    return found


def next_seq(model: Any, **where: object) -> int:
    return (model.objects.filter(**where).aggregate(m=Max("seq"))["m"] or 0) + 1


def now():
    return timezone.now()


def add_months(moment, months: int):
    """The same day ``months`` later (the month's last day when it has fewer days)."""
    import calendar

    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def hours(n: int) -> timedelta:
    return timedelta(hours=n)
