"""Campaign figures of tip-offs, by region, department and period, each able to list its
records (reports). ``reporting`` and ``campaigns`` call only this module."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, time

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from certguard.core.errors import AppError
from certguard.core.scoping import UserLike
from certguard.tips.models import Tip

FIGURES = {"received": "收到举报（件）", "accepted": "受理（件）", "refused": "不予受理（件）",
           "handled": "办结（件）", "overdue": "超期未办结（件）", "rewarded": "兑现奖励（件）"}
GROUPS = {"region": "place_id", "department": "department"}


@dataclass(frozen=True)
class FigureFilter:
    region: str = ""
    department: str = ""
    start: date | None = None
    end: date | None = None

    def as_dict(self) -> dict:
        return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in asdict(self).items()}


def filter_from(query) -> FigureFilter:
    def day(value: str) -> date | None:
        try:
            return date.fromisoformat(value) if value else None
        except ValueError:
            raise AppError("bad_date", f"日期无效：{value[:20]}（格式 YYYY-MM-DD）") from None

    region = str(query.get("region", "") or "").strip()
    if region and not (region.isdigit() and 2 <= len(region) <= 6):
        raise AppError("region_invalid", "地区应为2至6位行政区划代码")
    f = FigureFilter(region=region, department=str(query.get("department", "") or "")[:10],
                     start=day(str(query.get("start", "") or "")),
                     end=day(str(query.get("end", "") or "")))
    if f.start and f.end and f.start > f.end:
        raise AppError("bad_period", "统计期间的开始日期晚于结束日期")
    return f


def _bounds(f: FigureFilter):
    tz = timezone.get_current_timezone()
    start = datetime.combine(f.start, time.min, tz) if f.start else None
    end = datetime.combine(f.end, time.max, tz) if f.end else None
    return start, end


def _period(field: str, f: FigureFilter) -> Q:
    start, end = _bounds(f)
    q = Q()
    if start:
        q &= Q(**{f"{field}__gte": start})
    if end:
        q &= Q(**{f"{field}__lte": end})
    return q


def _conditions(f: FigureFilter) -> dict[str, Q]:
    now = timezone.now()
    return {"received": _period("created_at", f),
            "accepted": Q(accepted_at__isnull=False) & _period("accepted_at", f),
            "refused": Q(status="refused") & _period("updated_at", f),
            "handled": Q(handled_at__isnull=False) & _period("handled_at", f),
            "overdue": Q(clocks__met_at__isnull=True, clocks__due_at__lt=now)
            & _period("created_at", f),
            "rewarded": Q(reward__status="paid") & _period("reward__paid_at", f)}


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
    aggregates = {name: Count("pk", filter=q, distinct=True)
                  for name, q in _conditions(f).items()}
    tips = _tips(user, f).order_by()
    totals = tips.aggregate(**aggregates)
    groups = []
    if group_by:
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
