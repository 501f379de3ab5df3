"""Campaign figures of tip-offs, by region, department and period, each able to list its
records (reports). ``reporting`` and ``campaigns`` call only this module."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from certguard.core.errors import AppError
from certguard.core.figures import FigureFilter, filter_from  # noqa: F401 (re-exported)
from certguard.core.scoping import UserLike
from certguard.tips.models import Tip, TipClock

FIGURES = {"received": "收到举报（件）", "accepted": "受理（件）", "refused": "不予受理（件）",
           "handled": "办结（件）", "overdue": "超期未办结（件）", "rewarded": "兑现奖励（件）"}
GROUPS = {"region": "place_id", "department": "department"}


def _period(field: str, f: FigureFilter) -> Q:
    return f.period_q(field)


def _conditions(f: FigureFilter) -> dict[str, Q]:
    now = timezone.now()
    return {"received": _period("created_at", f),
            "accepted": Q(accepted_at__isnull=False) & _period("accepted_at", f),
            "refused": Q(status="refused") & _period("updated_at", f),
            "handled": Q(handled_at__isnull=False) & _period("handled_at", f),
            "overdue": Q(clocks__met_at__isnull=True, clocks__due_at__lt=now)
            & _period("created_at", f),
            "rewarded": Q(reward__status="paid") & _period("reward__paid_at", f)}


def _steps(tips: QuerySet[Tip], f: FigureFilter) -> dict[str, QuerySet[Tip]]:
    """Each figure as its own narrow query, one step per figure: the tips of the place whose
    figure's date falls in the period (an index on that date and the place serves each), so a
    month costs the month's rows, not every tip of the place joined to its clocks."""
    overdue = TipClock.objects.filter(tip=OuterRef("pk"), met_at__isnull=True,
                                      due_at__lt=timezone.now())
    return {"received": tips.filter(_period("created_at", f)),
            "accepted": tips.filter(Q(accepted_at__isnull=False) & _period("accepted_at", f)),
            "refused": tips.filter(Q(status="refused") & _period("updated_at", f)),
            "handled": tips.filter(Q(handled_at__isnull=False) & _period("handled_at", f)),
            "overdue": tips.filter(_period("created_at", f)).filter(Exists(overdue)),
            "rewarded": tips.filter(Q(reward__status="paid") & _period("reward__paid_at", f))}


def _tips(user: UserLike, f: FigureFilter) -> QuerySet[Tip]:
    tips = Tip.objects.restrict(user, "tips.figures")
    if f.region:
        tips = tips.filter(place__code__startswith=f.region)
    if f.department:
        tips = tips.filter(department=f.department)
    return tips


def tips_figures(*, user: UserLike, filters: FigureFilter | None = None,
                 group_by: str = "") -> dict:
    """{"filters", "labels", "totals": {figure: n}, "groups": [{key, figures…}]}."""
    f = filters or FigureFilter()
    if group_by and group_by not in GROUPS:
        raise AppError("bad_group", "分组方式只能是地区或部门")
    tips = _tips(user, f).order_by()
    totals = {name: step.count() for name, step in _steps(tips, f).items()}
    groups = []
    if group_by:
        aggregates = {name: Count("pk", filter=q, distinct=True)
                      for name, q in _conditions(f).items()}
        column = GROUPS[group_by]
        groups = [{"key": row[column], **{k: row[k] for k in FIGURES}}
                  for row in tips.values(column).annotate(**aggregates).order_by(column)]
    return {"filters": f.as_dict(), "labels": FIGURES, "totals": totals, "groups": groups}


def figure_records(*, user: UserLike, figure: str,
                   filters: FigureFilter | None = None) -> QuerySet[Tip]:
    """The reports behind one figure (no reporter identity: that is never in a figure)."""
    if figure not in FIGURES:
        raise AppError("figure_unknown", f"未知的统计项 {figure[:30]}")
    f = filters or FigureFilter()
    return _tips(user, f).filter(_conditions(f)[figure]).distinct().select_related(
        "place", "organisation").order_by("created_at", "pk")
