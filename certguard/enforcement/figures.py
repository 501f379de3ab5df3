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
from certguard.enforcement.models import Finding, PenaltyDecision, RectificationOrder, Task
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
    q = Q()
    if f.region:
        q &= Q(region_id__gte=f.region, region_id__lte=f.region + "9" * (6 - len(f.region)))
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


def _value(rows: QuerySet, how: str) -> Decimal | int:
    if how == "count":
        return rows.count()
    if how == "targets":
        return rows.aggregate(n=Count("target_id", distinct=True))["n"] or 0
    if how == "people":
        return rows.aggregate(n=Sum("people"))["n"] or 0
    return rows.aggregate(n=Sum("amount"))["n"] or Decimal(0)


def _grouped(rows: QuerySet, how: str, key: str, when: str) -> dict[str, Decimal | int]:
    if key == "month":
        rows = rows.annotate(month=TruncMonth(when))
    measure = {"count": Count("pk"), "targets": Count("target_id", distinct=True),
               "people": Sum("people"), "amount": Sum("amount")}[how]
    out: dict[str, Decimal | int] = {}
    for group, value in rows.order_by().values_list(key).annotate(v=measure):
        label = group.strftime("%Y-%m") if key == "month" and group else (group or "")
        out[label] = value or 0
    return out


def enforcement_figures(*, user: UserLike, filters: FigureFilter | None = None,
                        group_by: str = "") -> dict:
    """{"filters", "labels", "totals": {figure: n}, "groups": [{key, figures…}]}; fines in
    yuan (a Decimal)."""
    f = filters or FigureFilter()
    if group_by and group_by not in GROUPS:
        raise AppError("bad_group", "分组方式只能是地区、部门、行业或期间（月）")
    totals: dict[str, Decimal | int] = {}
    keyed: dict[str, dict[str, Decimal | int]] = {}
    for figure, (_, when, _, how) in _SPEC.items():
        rows = figure_records(user=user, figure=figure, filters=f).order_by()
        totals[figure] = _value(rows, how)
        if group_by:
            for key, value in _grouped(rows, how, GROUPS[group_by], when).items():
                keyed.setdefault(key, dict.fromkeys(FIGURES, 0))[figure] = value
    groups = [{"key": key, **values} for key, values in sorted(keyed.items())]
    return {"filters": f.as_dict(), "labels": FIGURES, "totals": totals, "groups": groups}
