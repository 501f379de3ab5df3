from __future__ import annotations

from django.db.models import QuerySet

from certguard.core.errors import NotFound
from certguard.core.policy import allows
from certguard.core.scoping import UserLike
from certguard.screening.models import ScreeningRun


def runs_for(*, user: UserLike) -> QuerySet[ScreeningRun]:
    return ScreeningRun.objects.restrict(user, "screening.view").select_related(
        "owner", "organisation", "job")


def run_get(*, user: UserLike, pk: int) -> ScreeningRun:
    run = runs_for(user=user).filter(pk=pk).first()
    if run is None:
        raise NotFound("run_not_found", "筛查批次不存在或无权查看")
    return run


def run_to_retry(*, user: UserLike, pk: int) -> ScreeningRun:
    """A run the user may start again (its own organisation's), else NotFound."""
    run = ScreeningRun.objects.restrict(user, "screening.run").filter(pk=pk).first()
    if run is None:
        raise NotFound("run_not_found", "筛查批次不存在或无权重新运行")
    return run


def can_start(*, user: UserLike) -> bool:
    return allows(user, "screening.run")
