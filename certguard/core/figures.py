"""The one filter every app's campaign figures take (region, department, period), so that
``reporting`` and ``campaigns`` ask each app's ``figures`` module the same question.

Contract of ``certguard/<app>/figures.py``: ``FIGURES`` (code → Chinese label with its unit),
``<app>_figures(*, user, filters, group_by="") -> {"filters", "labels", "totals", "groups"}``
and ``figure_records(*, user, figure, filters) -> QuerySet`` listing what a figure counts."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, time

from django.db.models import Q
from django.utils import timezone

from certguard.core.errors import AppError


@dataclass(frozen=True)
class FigureFilter:
    region: str = ""
    department: str = ""
    start: date | None = None
    end: date | None = None

    def as_dict(self) -> dict:
        return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in asdict(self).items()}

    def bounds(self) -> tuple[datetime | None, datetime | None]:
        """The period as aware datetimes: from the first to the last instant of its days."""
        tz = timezone.get_current_timezone()
        start = datetime.combine(self.start, time.min, tz) if self.start else None
        end = datetime.combine(self.end, time.max, tz) if self.end else None
        return start, end

    def period_q(self, field: str) -> Q:
        """``field`` (a datetime or date lookup path) within the period."""
        start, end = self.bounds()
        q = Q()
        if start:
            q &= Q(**{f"{field}__gte": start})
        if end:
            q &= Q(**{f"{field}__lte": end})
        return q


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        raise AppError("bad_date", f"日期无效：{value[:20]}（格式 YYYY-MM-DD）") from None


def filter_from(query) -> FigureFilter:
    """A FigureFilter from a query dict (page or API), with a Chinese message for bad values."""
    region = str(query.get("region", "") or "").strip()
    if region and not (region.isdigit() and 2 <= len(region) <= 6):
        raise AppError("region_invalid", "地区应为2至6位行政区划代码")
    f = FigureFilter(region=region, department=str(query.get("department", "") or "")[:10],
                     start=_day(str(query.get("start", "") or "")),
                     end=_day(str(query.get("end", "") or "")))
    if f.start and f.end and f.start > f.end:
        raise AppError("bad_period", "统计期间的开始日期晚于结束日期")
    return f
