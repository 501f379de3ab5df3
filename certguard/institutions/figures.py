"""Campaign figures of the institutions' self-inspection, as the 广东 statistics table (seed
004) asks them: 安全培训机构（家）that filed, problems found, 默许或协助复审或换发假冒证件
（人）, 上报处理 (findings referred); 考核发证机构 发现问题（条）and 优化办事程序（条）— by
region, department and period, each able to list its records. ``reporting`` and
``campaigns`` call only this module.

- ``filed``: training institutions' and exam centres' filings filed in the period;
- ``findings``: findings of their own checks first found in the period;
- ``fake_passed_people``: findings RV (a review or renewal trainee whose certificate the
  registry does not have) first found in the period; the total counts distinct people;
- ``findings_referred``: findings turned into clues in the period;
- ``authority_problems`` / ``procedures_streamlined``: issuing authorities' filings of the
  period; the figure is the sum of the counts they reported.
"""

from __future__ import annotations

from django.db.models import QuerySet, Sum

from certguard.core.errors import AppError
from certguard.core.figures import FigureFilter, filter_from  # noqa: F401 (re-exported)
from certguard.core.scoping import UserLike
from certguard.institutions.models import Filing, Finding

FIGURES = {"filed": "填报自查的培训、考试机构（家）", "findings": "发现问题（条）",
           "fake_passed_people": "默许或协助复审或换发假冒证件（人）",
           "findings_referred": "上报处理（条）",
           "authority_problems": "考核发证机构发现问题（条）",
           "procedures_streamlined": "优化办事程序（条）"}
GROUPS = {"region": "organisation__region_id", "department": "department"}
SUMS = {"authority_problems": "problems_found",
        "procedures_streamlined": "procedures_streamlined"}


def _place(qs: QuerySet, f: FigureFilter) -> QuerySet:
    if f.region:
        qs = qs.filter(organisation__region__code__startswith=f.region)
    if f.department:
        qs = qs.filter(department=f.department)
    return qs


def figure_records(*, user: UserLike, figure: str, filters: FigureFilter | None = None):
    """The records behind one figure: filings or findings."""
    f = filters or FigureFilter()
    if figure not in FIGURES:
        raise AppError("figure_unknown", f"未知的统计项 {figure[:30]}")
    if figure in ("filed", "authority_problems", "procedures_streamlined"):
        filings = _place(Filing.objects.restrict(user, "institutions.figures"), f) \
            .filter(f.period_q("filed_at"), status="filed").select_related("organisation")
        kinds = ("authority",) if figure in SUMS else ("training", "exam")
        return filings.filter(kind__in=kinds).order_by("filed_at", "pk")
    findings = _place(Finding.objects.restrict(user, "institutions.figures"), f) \
        .select_related("organisation")
    if figure == "findings_referred":
        return findings.filter(f.period_q("referred_at"), clue_id__isnull=False) \
            .order_by("referred_at", "pk")
    findings = findings.filter(f.period_q("created_at"))
    if figure == "fake_passed_people":
        findings = findings.filter(rule="RV")
    return findings.order_by("created_at", "pk")


def _value(records: QuerySet, figure: str) -> int:
    if figure in SUMS:
        return int(records.aggregate(n=Sum(SUMS[figure]))["n"] or 0)
    if figure == "filed":
        return records.values("organisation_id").distinct().count()
    if figure == "fake_passed_people":
        return records.values("id_no").distinct().count()
    return records.count()


def institutions_figures(*, user: UserLike, filters: FigureFilter | None = None,
                         group_by: str = "") -> dict:
    """{"filters", "labels", "totals": {figure: n}, "groups": [{key, figures…}]}."""
    f = filters or FigureFilter()
    if group_by and group_by not in GROUPS:
        raise AppError("bad_group", "分组方式只能是地区或部门")
    totals: dict[str, int] = {}
    keyed: dict[str, dict[str, int]] = {}
    for figure in FIGURES:
        records = figure_records(user=user, figure=figure, filters=f)
        totals[figure] = _value(records, figure)
        if group_by:
            for key in records.order_by().values_list(GROUPS[group_by], flat=True).distinct():
                keyed.setdefault(key, dict.fromkeys(FIGURES, 0))[figure] = _value(
                    records.filter(**{GROUPS[group_by]: key}), figure)
    groups = [{"key": key, **values} for key, values in sorted(keyed.items())]
    return {"filters": f.as_dict(), "labels": FIGURES, "totals": totals, "groups": groups}
