"""Campaign figures of enforcement (seed 002's 执法检查 columns: 企业数, 无证假证人员数, 问题
总数, 限期整改企业数, 停产整顿企业数, 罚款金额), by region, department, sector and period
(month), each able to list its records. ``reporting`` and ``campaigns`` call only this.

Codes (the reporting helper relies on them): inspections, units_inspected,
uncertified_people, fake_cert_people, problems, orders, suspensions, fines (yuan)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from certguard.core.errors import AppError
from certguard.core.figures import FigureFilter, filter_from  # noqa: F401 (re-exported)
from certguard.core.scoping import UserLike
from certguard.enforcement.models import (
    DailyFigures,
    Finding,
    PenaltyDecision,
    RectificationOrder,
    Task,
    region_within,
)
from certguard.enforcement.reference import FAKE_KINDS, UNCERTIFIED_KINDS

FIGURES = {
    "inspections": "开展执法检查（次）",
    "units_inspected": "检查单位（家）",
    "uncertified_people": "查出无证人员（人）",
    "fake_cert_people": "查出持假证人员（人）",
    "problems": "查出问题（项）",
    "orders": "责令限期整改（家次）",
    "suspensions": "责令停产停业整顿（家次）",
    "fines": "罚款金额（元）",
}
GROUPS = {"region": "region_id", "department": "department", "sector": "sector",
          "period": "month"}
# Figure → (model, time field, extra condition, how it is counted)
_SPEC: dict[str, tuple[type, str, Q, str]] = {
    "inspections": (Task, "completed_at", Q(status="completed"), "count"),
    "units_inspected": (Task, "completed_at", Q(status="completed"), "targets"),
    "uncertified_people": (Finding, "found_at", Q(kind__in=UNCERTIFIED_KINDS), "people"),
    "fake_cert_people": (Finding, "found_at", Q(kind__in=FAKE_KINDS), "people"),
    "problems": (Finding, "found_at", Q(), "count"),
    "orders": (RectificationOrder, "issued_at", Q(), "count"),
    "suspensions": (PenaltyDecision, "decided_at", Q(suspension=True, decided_at__isnull=False),
                    "count"),
    "fines": (PenaltyDecision, "decided_at", Q(decided_at__isnull=False), "amount"),
}


def _place(f: FigureFilter) -> Q:
    q = region_within(f.region) if f.region else Q()
    if f.department:
        q &= Q(department=f.department)
    return q


def figure_records(*, user: UserLike, figure: str, filters: FigureFilter | None = None
                   ) -> QuerySet:
    """The records behind one figure: tasks, findings, orders or penalty decisions."""
    f = filters or FigureFilter()
    if figure not in FIGURES:
        raise AppError("figure_unknown", f"未知的统计项 {figure[:30]}")
    model, when, condition, _ = _SPEC[figure]
    rows = model.objects.restrict(user, "enforcement.figures")  # type: ignore[attr-defined]
    return rows.filter(condition, _place(f), f.period_q(when)).order_by(when, "pk")


def _days(f: FigureFilter) -> Q:
    q = Q()
    if f.start:
        q &= Q(day__gte=f.start)
    if f.end:
        q &= Q(day__lte=f.end)
    return q


# One pass over each table: the figures it feeds. Additive figures of inspections and
# findings come from the daily rows (kept as they happen); distinct units from the tasks.
_PASSES: list[tuple[str, dict]] = [
    ("daily", {"inspections": Sum("inspections"), "problems": Sum("problems"),
               "uncertified_people": Sum("uncertified_people"),
               "fake_cert_people": Sum("fake_cert_people")}),
    ("units_inspected", {"units_inspected": Count("target_id", distinct=True)}),
    ("orders", {"orders": Count("pk")}),
    ("fines", {"fines": Sum("amount"),
               "suspensions": Count("pk", filter=Q(suspension=True))}),
]


def _rows(user: UserLike, base: str, f: FigureFilter) -> tuple[QuerySet, str]:
    if base == "daily":
        rows = DailyFigures.objects.restrict(user, "enforcement.figures")
        return rows.filter(_place(f), _days(f)), "day"
    return figure_records(user=user, figure=base, filters=f), _SPEC[base][1]


def enforcement_figures(*, user: UserLike, filters: FigureFilter | None = None,
                        group_by: str = "") -> dict:
    """{"filters", "labels", "totals": {figure: n}, "groups": [{key, figures…}]}; fines in
    yuan (a Decimal). Four queries, grouped or not."""
    f = filters or FigureFilter()
    if group_by and group_by not in GROUPS:
        raise AppError("bad_group", "分组方式只能是地区、部门、行业或期间（月）")
    totals: dict[str, Decimal | int] = dict.fromkeys(FIGURES, 0)
    keyed: dict[str, dict[str, Decimal | int]] = {}
    for base, measures in _PASSES:
        rows, when = _rows(user, base, f)
        rows = rows.order_by()
        if not group_by:
            for name, value in rows.aggregate(**measures).items():
                totals[name] = value or 0
            continue
        key = GROUPS[group_by]
        if key == "month":
            rows = rows.annotate(month=TruncMonth(when))
        for row in rows.values(key).annotate(**measures):
            group = row.pop(key)
            label = group.strftime("%Y-%m") if key == "month" and group else (group or "")
            slot = keyed.setdefault(label, dict.fromkeys(FIGURES, 0))
            for name, value in row.items():
                slot[name] = value or 0
                totals[name] += value or 0
    if group_by:  # distinct units are not additive across groups: count them once
        rows = figure_records(user=user, figure="units_inspected", filters=f).order_by()
        totals["units_inspected"] = rows.aggregate(n=Count("target_id", distinct=True))["n"]
    groups = [{"key": key, **values} for key, values in sorted(keyed.items())]
    return {"filters": f.as_dict(), "labels": FIGURES, "totals": totals, "groups": groups}
