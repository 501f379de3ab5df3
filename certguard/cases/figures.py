"""Campaign figures of cases (立案, 移送, 公安立案, 检察介入, 判决, 罚款, 失信名单), by region,
department and period, each able to list its records — the contract of
``certguard/core/figures.py``. ``reporting`` and ``campaigns`` call only this module."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, QuerySet, Sum

from certguard.cases.models import Case, CaseDecision, Listing
from certguard.core.errors import AppError
from certguard.core.figures import FigureFilter, filter_from  # noqa: F401 (re-exported)
from certguard.core.scoping import UserLike

FIGURES = {
    "opened": "立案（件）",
    "referred": "移送公安机关（件）",
    "police_accepted": "公安机关立案（件）",
    "prosecutor_involved": "检察机关提前介入或立案监督（件）",
    "judged": "法院判决（件）",
    "fines": "罚款金额（元）",
    "listed": "列入失信名单（个）",
}
GROUPS = {"region": "region_id", "department": "department"}
# Each case figure: the moment that puts a case into the period.
_CASE_MOMENTS = {"opened": "opened_at", "referred": "referral__transferred_at",
                 "police_accepted": "referral__accepted_at", "judged": "referral__judged_at"}


def _place(qs: QuerySet, f: FigureFilter, prefix: str = "") -> QuerySet:
    if f.region:
        qs = qs.filter(**{f"{prefix}region__code__startswith": f.region})
    if f.department:
        qs = qs.filter(**{f"{prefix}department": f.department})
    return qs


def figure_records(*, user: UserLike, figure: str, filters: FigureFilter | None = None):
    """The records behind one figure: cases, penalty decisions (fines) or listings."""
    f = filters or FigureFilter()
    if figure not in FIGURES:
        raise AppError("figure_unknown", f"未知的统计项 {figure[:30]}")
    cases = _place(Case.objects.restrict(user, "cases.figures"), f)
    if figure in _CASE_MOMENTS:
        moment = _CASE_MOMENTS[figure]
        return cases.filter(f.period_q(moment), **{f"{moment}__isnull": False}).order_by(
            moment, "pk")
    if figure == "prosecutor_involved":
        return cases.filter(
            (Q(referral__early_at__isnull=False) & f.period_q("referral__early_at"))
            | (Q(referral__supervision_at__isnull=False) & f.period_q("referral__supervision_at"))
        ).order_by("pk")
    # The period's decisions or listings of the place's cases: the date index drives, each
    # one's case is checked (EXISTS), rather than listing every case of the place first.
    of_cases = Exists(cases.filter(pk=OuterRef("case_id")))
    if figure == "fines":
        return CaseDecision.objects.filter(of_cases, kind="penalty").filter(
            f.period_q("decided_at")).select_related("case").order_by("decided_at", "pk")
    return Listing.objects.filter(of_cases, decided_at__isnull=False).filter(
        f.period_q("decided_at")).order_by("decided_at", "pk")


def cases_figures(*, user: UserLike, filters: FigureFilter | None = None,
                  group_by: str = "") -> dict:
    """{"filters", "labels", "totals": {figure: n}, "groups": [{key, figures…}]}; fines in
    yuan (a decimal), the others counts."""
    f = filters or FigureFilter()
    if group_by and group_by not in GROUPS:
        raise AppError("bad_group", "分组方式只能是地区或部门")
    totals: dict[str, int | Decimal] = {}
    keyed: dict[str, dict[str, int | Decimal]] = {}
    for figure in FIGURES:
        records = figure_records(user=user, figure=figure, filters=f)
        path = ("case__" if figure == "fines" else "") + GROUPS.get(group_by, "")
        if figure == "fines":
            totals[figure] = records.aggregate(s=Sum("amount"))["s"] or Decimal(0)
            if group_by:
                for key, amount in records.order_by().values_list(path).annotate(
                        s=Sum("amount")):
                    keyed.setdefault(key, _zeros())[figure] = amount or Decimal(0)
            continue
        totals[figure] = records.count()
        if group_by:
            for key in records.order_by().values_list(path, flat=True):
                keyed.setdefault(key, _zeros())[figure] += 1
    groups = [{"key": key, **values} for key, values in sorted(keyed.items())]
    return {"filters": f.as_dict(), "labels": FIGURES, "totals": totals, "groups": groups}


def _zeros() -> dict[str, int | Decimal]:
    return {k: (Decimal(0) if k == "fines" else 0) for k in FIGURES}
