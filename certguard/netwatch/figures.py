"""Campaign figures of network governance (the seeds' 发现假冒网站, 封堵网站, 清理信息量,
移交线索), by region, department and period — monthly when the period is a month — each
able to list its records. ``reporting`` and ``campaigns`` call only this module."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from certguard.core.errors import AppError
from certguard.core.figures import FigureFilter, filter_from  # noqa: F401 (re-exported)
from certguard.core.scoping import UserLike
from certguard.netwatch.models import Handover, SuspectDomain

FIGURES = {"sites_found": "发现假冒网站（个）", "sites_blocked": "封堵网站（个）",
           "ads_cleaned": "清理信息量（条）", "handovers": "移交线索（条）"}
GROUPS = {"region": "region_id", "department": "organisation__department"}


def _period(field: str, f: FigureFilter) -> Q:
    return f.period_q(field)


def _place(qs: QuerySet, f: FigureFilter) -> QuerySet:
    if f.region:
        qs = qs.filter(region__code__startswith=f.region)
    if f.department:
        qs = qs.filter(organisation__department=f.department)
    return qs


def figure_records(*, user: UserLike, figure: str, filters: FigureFilter | None = None):
    """The records behind one figure: suspect domains, or handovers."""
    f = filters or FigureFilter()
    if figure not in FIGURES:
        raise AppError("figure_unknown", f"未知的统计项 {figure[:30]}")
    if figure == "sites_found":
        return _place(SuspectDomain.objects.restrict(user, "netwatch.figures").filter(
            _period("created_at", f), verdict="lookalike"), f).order_by("created_at", "pk")
    handovers = _place(Handover.objects.restrict(user, "netwatch.view"), f) \
        if _may_view(user) else Handover.objects.none()
    if figure == "handovers":
        return handovers.filter(_period("handed_at", f)).order_by("handed_at", "pk")
    disposed = handovers.filter(_period("disposed_at", f), disposed_at__isnull=False)
    if figure == "sites_blocked":
        return disposed.filter(domain__isnull=False).order_by("disposed_at", "pk")
    return disposed.filter(ad__isnull=False).order_by("disposed_at", "pk")


def _may_view(user: UserLike) -> bool:
    from certguard.core.policy import allows

    return allows(user, "netwatch.view")


def netwatch_figures(*, user: UserLike, filters: FigureFilter | None = None,
                     group_by: str = "") -> dict:
    """{"filters", "labels", "totals": {figure: n}, "groups": [{key, figures…}]}."""
    f = filters or FigureFilter()
    if group_by and group_by not in GROUPS:
        raise AppError("bad_group", "分组方式只能是地区或部门")
    totals: dict[str, int] = {}
    keyed: dict[str, dict[str, int]] = {}
    for figure in FIGURES:
        records = figure_records(user=user, figure=figure, filters=f)
        totals[figure] = records.count()
        if group_by:
            for row in records.order_by().values_list(GROUPS[group_by], flat=True):
                keyed.setdefault(row, dict.fromkeys(FIGURES, 0))[figure] += 1
    groups = [{"key": key, **values} for key, values in sorted(keyed.items())]
    return {"filters": f.as_dict(), "labels": FIGURES, "totals": totals, "groups": groups}
