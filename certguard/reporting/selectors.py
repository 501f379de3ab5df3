"""Reads of the statistical tables, always through ``restrict``: periods, reports, the table
of one report as it is printed (with the derived 累计 column and the differences found by a
recomputation), the records behind one value, completeness and timeliness."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from certguard.core.errors import AppError, NotFound
from certguard.core.figures import FigureFilter
from certguard.core.scoping import UserLike, actor_of
from certguard.orgs.reference import DEPARTMENTS
from certguard.orgs.selectors import region_names
from certguard.reporting import formulas, sources
from certguard.reporting.models import Form, FormVersion, Period, Report, ReportEvent, Value
from certguard.reporting.reference import LEVELS, MISSING_TEXT, SOURCES, STATUSES


def forms_for(*, user: UserLike) -> QuerySet[Form]:
    return Form.objects.restrict(user, "reporting.view").prefetch_related("versions")


def versions_for(*, user: UserLike) -> QuerySet[FormVersion]:
    return FormVersion.objects.restrict(user, "reporting.view").select_related("form")


def periods_for(*, user: UserLike, series: str = "") -> QuerySet[Period]:
    periods = Period.objects.restrict(user, "reporting.view").select_related("form", "version",
                                                                             "region")
    return periods.filter(series=series) if series else periods


def period_get(*, user: UserLike, pk: int) -> Period:
    period = periods_for(user=user).filter(pk=pk).first()
    if period is None:
        raise NotFound("period_not_found", "报送期间不存在或无权查看")
    return period


def reports_for(*, user: UserLike, action: str = "reporting.view") -> QuerySet[Report]:
    return Report.objects.restrict(user, action).select_related(
        "period__form", "period__version", "region")


def report_get(*, user: UserLike, pk: int, action: str = "reporting.view") -> Report:
    report = reports_for(user=user, action=action).filter(pk=pk).first()
    if report is None:
        raise NotFound("report_not_found", "报表不存在或无权查看")
    return report


def report_events(*, report: Report) -> list[ReportEvent]:
    return list(report.events.order_by("created_at", "id"))


def my_reports(*, user: UserLike) -> QuerySet[Report]:
    """The reports of the unit the user acts for, newest period first."""
    actor = actor_of(user)
    return reports_for(user=user).filter(region_id=actor.region_code).annotate(
        reminders=Count("events", filter=Q(events__kind="remind"))).order_by(
        "-period__start", "period__form__code")


# --- the table of one report ---------------------------------------------------------------------

@dataclass
class Cell:
    measure: str
    item: str
    value: Decimal | None
    source: str
    locked: bool = False
    recomputed: Decimal | None = None
    difference: Decimal | None = None
    unlock_reason: str = ""
    cumulative: Decimal | None = None

    @property
    def text(self) -> str:
        return MISSING_TEXT if self.source == "missing" else _fmt(self.value)

    @property
    def cumulative_text(self) -> str:
        return MISSING_TEXT if self.source == "missing" else _fmt(self.cumulative)

    @property
    def source_label(self) -> str:
        return SOURCES.get(self.source, self.source)

    def as_dict(self) -> dict[str, Any]:
        return {"measure": self.measure, "item": self.item, "value": _num(self.value),
                "text": self.text, "source": self.source, "locked": self.locked,
                "recomputed": _num(self.recomputed), "difference": _num(self.difference),
                "unlock_reason": self.unlock_reason, "cumulative": _num(self.cumulative)}


def _num(value: Decimal | None) -> str | None:
    return None if value is None else _fmt(value)


def _fmt(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


@dataclass
class Table:
    report: Report
    measures: list[dict]
    items: list[str]
    cells: dict[tuple[str, str], Cell]
    cumulative: bool
    orientation: str
    units: list[tuple[str, str, str]] = field(default_factory=list)  # (code, name, status)

    def cell(self, measure: str, item: str = "") -> Cell:
        return self.cells.get((measure, item)) or Cell(measure, item, None, "missing")

    def item_label(self, item: str) -> str:
        return DEPARTMENTS[item][0] if item in DEPARTMENTS else ""

    @property
    def rows(self) -> list[dict[str, Any]]:
        """Rows as printed: per measure (with 本期 / 累计) or per department."""
        if self.orientation == "dimension_rows":
            return [{"label": self.item_label(item), "item": item,
                     "cells": [self.cell(m["code"], item) for m in self.measures]}
                    for item in self.items]
        return [{"group": m.get("group", ""), "label": m["label"], "measure": m["code"],
                 "manual": bool(m.get("manual")), "formula": m.get("formula", ""),
                 "cells": [self.cell(m["code"], item) for item in self.items]}
                for m in self.measures]

    @property
    def differences(self) -> list[Cell]:
        return [c for c in self.cells.values() if c.difference is not None]


def report_table(*, report: Report) -> Table:
    version = report.period.version
    cells = {(v.measure, v.item): Cell(v.measure, v.item, v.value, v.source, v.locked,
                                       v.recomputed, v.difference, v.unlock_reason)
             for v in report.values.all()}
    if version.cumulative:
        for key, total in _running_totals(report).items():
            if key in cells:
                cells[key].cumulative = total
    return Table(report=report, measures=version.measures, items=version.items, cells=cells,
                 cumulative=version.cumulative,
                 orientation=version.layout.get("orientation", "measure_rows"))


def _running_totals(report: Report) -> dict[tuple[str, str], Decimal]:
    """累计: this period's and the earlier periods' values of the same unit and series, from
    the campaign start (derived, never typed)."""
    period = report.period
    earlier = Q(report__period__form=period.form, report__period__series=period.series,
                report__period__region=period.region, report__region=report.region,
                report__period__start__lte=period.start)
    if period.cumulative_from:
        earlier &= Q(report__period__start__gte=period.cumulative_from)
    rows = Value.objects.filter(earlier).values("measure", "item").annotate(total=Sum("value"))
    return {(r["measure"], r["item"]): r["total"] or Decimal(0) for r in rows}


# --- drill-down -------------------------------------------------------------------------------

@dataclass
class Drill:
    label: str
    formula: str
    parts: list[dict[str, Any]]  # {"ref", "label", "available", "records"}


def value_records(*, user: UserLike, report: Report, measure: str, item: str = "",
                  limit: int = 200) -> Drill:
    """The records each indicator of one value counts, as the user may see them."""
    version = report.period.version
    spec = next((m for m in version.measures if m["code"] == measure), None)
    if spec is None:
        raise AppError("measure_unknown", "该报表没有这个指标")
    if item and item not in version.items:
        raise AppError("item_invalid", "该报表没有这个部门")
    if spec.get("manual"):
        return Drill(spec["label"], "手工填报", [])
    if report.level != version.fill_level:
        raise AppError("drill_upper", "汇总表的数值来自下级报表，请在下级报表中查看明细")
    filters = FigureFilter(region=report.region_id, department=item, start=report.period.start,
                           end=report.period.end)
    parts = []
    for ref in formulas.parse(spec["formula"]).refs:
        rows = sources.records(user=user, ref=ref, filters=filters)
        parts.append({"ref": ref, "label": sources.label(ref), "available": rows is not None,
                      "count": None if rows is None else rows.count(),
                      "records": [] if rows is None else [_record(r) for r in rows[:limit]]})
    return Drill(spec["label"], spec["formula"], parts)


def _record(row: Any) -> dict[str, Any]:
    when = getattr(row, "created_at", None)
    return {"type": row._meta.verbose_name, "id": row.pk, "text": str(row)[:120],
            "created_at": when.isoformat() if when else None}


# --- completeness and timeliness -----------------------------------------------------------------

@dataclass
class Completeness:
    level: str
    expected: int
    submitted: int
    on_time: int

    @property
    def level_label(self) -> str:
        return LEVELS[self.level]

    @property
    def reporting_rate(self) -> float | None:
        return self.submitted / self.expected if self.expected else None

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.expected if self.expected else None

    def as_dict(self) -> dict[str, Any]:
        return {"level": self.level, "expected": self.expected, "submitted": self.submitted,
                "on_time": self.on_time, "reporting_rate": self.reporting_rate,
                "on_time_rate": self.on_time_rate}


SUBMITTED = ("submitted", "approved")


def completeness(*, period: Period) -> list[Completeness]:
    """Per level below the collecting office: reports expected, submitted (submitted or
    approved; a returned one is not), on time (one query)."""
    rows = (Report.objects.filter(period=period).exclude(region_id=period.region_id)
            .values("level").annotate(
                expected=Count("pk"), submitted=Count("pk", filter=Q(status__in=SUBMITTED)),
                on_time=Count("pk", filter=Q(status__in=SUBMITTED, on_time=True))))
    by_level = {r["level"]: r for r in rows}
    return [Completeness(level, by_level[level]["expected"], by_level[level]["submitted"],
                         by_level[level]["on_time"])
            for level in ("county", "city") if level in by_level]


def non_submitters(*, period: Period, parent: str = "") -> list[dict[str, Any]]:
    reports = Report.objects.filter(period=period, status__in=("draft", "returned")).exclude(
        region_id=period.region_id)
    if parent:
        reports = reports.filter(region__parent_code=parent)
    rows = list(reports.select_related("region").annotate(
        reminders=Count("events", filter=Q(events__kind="remind"))).order_by("region_id"))
    return [{"report": r, "region": r.region_id, "name": r.region.name, "status": r.status,
             "status_label": STATUSES[r.status],
             "reminders": r.reminders} for r in rows]


def period_reports(*, user: UserLike, period: Period) -> list[Report]:
    return list(reports_for(user=user).filter(period=period).order_by("level", "region_id"))


def unit_names(codes: set[str]) -> dict[str, str]:
    return region_names(codes=codes)


def figure_totals(*, app: str, filters: FigureFilter) -> dict[str, int] | None:
    """An app's figures for a place and period (None: the app has no figures module yet)."""
    return sources.totals(app=app, filters=filters)
