"""The dashboard's data: the trend of one measure per period, the latest period by unit, and
the self-check by sector — each as a chart (Apache ECharts, served locally) and as the plain
table beside it (the accessible form of the same numbers)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.utils import timezone

from certguard.core.errors import AppError
from certguard.core.figures import FigureFilter
from certguard.core.scoping import UserLike, actor_of
from certguard.orgs.reference import SECTORS
from certguard.reporting.models import Value
from certguard.reporting.selectors import SUBMITTED, periods_for, unit_names
from certguard.reporting.sources import SelfcheckSource


def _float(value: Decimal | None) -> float:
    return float(value or 0)


def dashboard_data(*, user: UserLike, form: str = "", measure: str = "") -> dict[str, Any]:
    actor = actor_of(user)
    prefix = "" if actor.role == "system" else actor.region_prefix
    periods = list(periods_for(user=user).order_by("start"))
    codes = list(dict.fromkeys(p.form.code for p in periods))
    form = form or (codes[0] if codes else "")
    if form and form not in codes:
        raise AppError("form_unknown", "没有这个报表的报送期间")
    chosen = [p for p in periods if p.form.code == form]
    measures = chosen[-1].version.measures if chosen else []
    labels = {m["code"]: m["label"] for m in measures}
    measure = measure or (measures[0]["code"] if measures else "")
    if measure and measure not in labels:
        raise AppError("measure_unknown", "该报表没有这个指标")
    values = Value.objects.filter(report__period__in=chosen, measure=measure,
                                  report__status__in=SUBMITTED,
                                  report__region__code__startswith=prefix)
    fill = {p.pk: p.version.fill_level for p in chosen}
    trend_rows = {row["report__period"]: row["total"] for row in values.filter(
        report__level__in=set(fill.values())).values("report__period").annotate(
        total=Sum("value")).order_by()}
    trend_labels = [p.label for p in chosen]
    trend_values = [_float(trend_rows.get(p.pk)) for p in chosen]
    trend = {"labels": trend_labels, "values": trend_values}
    latest = next((p for p in reversed(chosen) if trend_rows.get(p.pk) is not None),
                  chosen[-1] if chosen else None)
    by_unit: dict[str, float] = {}
    if latest is not None:
        for row in values.filter(report__period=latest, report__level=fill[latest.pk]).values(
                "report__region_id").annotate(total=Sum("value")).order_by("report__region_id"):
            by_unit[row["report__region_id"]] = _float(row["total"])
    names = unit_names(set(by_unit))
    unit_labels = [names.get(c, c) for c in by_unit]
    unit_values = list(by_unit.values())
    units = {"labels": unit_labels, "values": unit_values,
             "period": latest.label if latest else ""}
    today = timezone.localdate()
    sector_totals: dict[str, list[int]] = {}
    for row in SelfcheckSource._rows(user=user, filters=FigureFilter(
            region=prefix, start=date(today.year, 1, 1), end=today)):
        entry = sector_totals.setdefault(row.sector, [0, 0])
        entry[0] += row.figures.employers
        entry[1] += row.figures.filed
    sector_labels = [SECTORS.get(k, k or "未注明") for k in sector_totals]
    employers = [v[0] for v in sector_totals.values()]
    filed = [v[1] for v in sector_totals.values()]
    sectors = {"labels": sector_labels, "employers": employers, "filed": filed}
    tables = {"trend": list(zip(trend_labels, trend_values, strict=True)),
              "units": list(zip(unit_labels, unit_values, strict=True)),
              "sectors": list(zip(sector_labels, employers, filed, strict=True))}
    return {"forms": codes, "tables": tables, "form": form, "measure": measure, "measures": labels,
            "measure_label": labels.get(measure, ""),
            "charts": {"trend": trend, "units": units, "sectors": sectors}}
