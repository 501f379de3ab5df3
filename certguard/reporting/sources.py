"""Where an indicator's value comes from: ``<app>.<figure>`` resolved through the app's
``certguard/<app>/figures.py`` (contract in ``certguard/core/figures.py``), found at run time.

An app whose figures module does not exist yet (enforcement, cases, institutions are built in
parallel) is a *missing source*: its values show “暂无数据源”, never a made-up zero. Its
agreed figure codes are known here so that a form naming them can be defined before the app
lands; a formula naming any other figure is refused. The self-check's module has an older
shape; ``SelfcheckSource`` adapts it to the contract."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from certguard.core.errors import AppError
from certguard.core.figures import FigureFilter
from certguard.core.scoping import COMMAND_LINE, UserLike

# The figure codes agreed with the apps built in parallel (used only while their module is
# absent; once it exists its FIGURES is the truth).
AGREED: dict[str, dict[str, str]] = {
    "enforcement": {"inspections": "执法检查（次）", "units_inspected": "检查单位（家）",
                    "uncertified_people": "无证上岗人员（人）",
                    "fake_cert_people": "持假证人员（人）", "problems": "发现问题（项）",
                    "orders": "责令限期整改（家）", "suspensions": "停产整顿（家）",
                    "fines": "罚款金额（元）"},
    "cases": {"opened": "立案（件）", "referred": "移送公安（件）",
              "police_accepted": "公安立案（件）", "prosecutor_involved": "检察提前介入（件）",
              "judged": "判决（件）", "fines": "罚款金额（元）", "listed": "列入失信名单（家）"},
    "institutions": {"filed": "完成自查的培训考试机构（家）", "findings": "发现问题（条）",
                     "fake_passed_people": "默许或协助复审换发假证（人）",
                     "findings_referred": "上报处理（人）",
                     "authority_problems": "考核发证机构发现问题（条）",
                     "procedures_streamlined": "优化办事程序（条）"},
}
APPS = ("selfcheck", "enforcement", "cases", "netwatch", "tips", "institutions")


@dataclass(frozen=True)
class Source:
    app: str
    labels: dict[str, str]
    totals: Callable[..., dict] | None  # None: the module does not exist yet
    records: Callable[..., Any] | None

    @property
    def available(self) -> bool:
        return self.totals is not None


class SelfcheckSource:
    """The self-check's figures (employers, filed, checked, valid, found, rectified) in the
    contract's shape; a figure's records are the employers it counts."""

    FIGURES = {"employers": "辖区用人单位（家）", "filed": "完成自查（家）",
               "checked": "核验人员（人）", "valid": "持有效证书（人）",
               "found": "发现问题证书（人）", "rectified": "已整改（人）"}

    @staticmethod
    def _period(filters: FigureFilter) -> Any:
        from certguard.selfcheck import figures

        return figures.period_parse(start=filters.start.isoformat() if filters.start else "",
                                    end=filters.end.isoformat() if filters.end else "")

    @staticmethod
    def _sectors(filters: FigureFilter) -> frozenset[str] | None:
        if not filters.department:
            return None
        from certguard.orgs.reference import DEPARTMENTS

        return DEPARTMENTS.get(filters.department, ("", frozenset(), frozenset()))[2]

    @classmethod
    def _rows(cls, *, user: UserLike, filters: FigureFilter) -> list:
        from certguard.selfcheck import figures

        rows = figures.employer_rows(user=user, period=cls._period(filters),
                                     region=filters.region)
        sectors = cls._sectors(filters)
        if sectors is not None:
            rows = [r for r in rows if r.sector in sectors]
        return rows

    @classmethod
    def figures(cls, *, user: UserLike, filters: FigureFilter, group_by: str = "") -> dict:
        """The totals set-based (``selfcheck.figures.totals``): the same numbers as adding up
        the employers' rows, without a row per employer."""
        from certguard.selfcheck import figures

        sums = figures.totals(user=user, period=cls._period(filters), region=filters.region,
                              sectors=cls._sectors(filters))
        totals = {name: getattr(sums, name) for name in cls.FIGURES}
        return {"filters": filters.as_dict(), "labels": cls.FIGURES, "totals": totals,
                "groups": []}

    @classmethod
    def figure_records(cls, *, user: UserLike, figure: str, filters: FigureFilter) -> Any:
        from certguard.selfcheck import figures

        if figure not in cls.FIGURES:
            raise AppError("figure_unknown", f"未知的统计项 {figure[:30]}")
        ids = [r.pk for r in cls._rows(user=user, filters=filters)
               if getattr(r.figures, figure)]
        return figures.employers_in_scope(user=user).filter(pk__in=ids).order_by("name")


@cache
def source(app: str) -> Source:
    """The figures of ``app`` (an unknown app is refused)."""
    if app == "selfcheck":
        return Source(app, SelfcheckSource.FIGURES, SelfcheckSource.figures,
                      SelfcheckSource.figure_records)
    if app not in APPS and app not in AGREED:
        raise AppError("source_unknown", f"未知的数据来源：{app[:30]}（可用：{'、'.join(APPS)}）")
    try:
        module = importlib.import_module(f"certguard.{app}.figures")
    except ModuleNotFoundError as exc:
        if exc.name not in (f"certguard.{app}", f"certguard.{app}.figures"):
            raise
        return Source(app, AGREED.get(app, {}), None, None)
    return Source(app, dict(module.FIGURES), getattr(module, f"{app}_figures"),
                  module.figure_records)


def check_ref(ref: str) -> None:
    """Refuse an indicator that its app does not define."""
    app, _, figure = ref.partition(".")
    known = source(app)
    if figure not in known.labels:
        raise AppError("indicator_unknown", f"公式引用了未知的指标：{ref[:60]}")


def label(ref: str) -> str:
    app, _, figure = ref.partition(".")
    try:
        return source(app).labels.get(figure, ref)
    except AppError:
        return ref


def totals(*, app: str, filters: FigureFilter) -> dict[str, int] | None:
    """The app's figures for the filter, counted as the platform (every record of the place
    counts, whoever asks); None when the app has no figures module yet."""
    src = source(app)
    if src.totals is None:
        return None
    return src.totals(user=COMMAND_LINE, filters=filters)["totals"]


def records(*, user: UserLike, ref: str, filters: FigureFilter) -> Any:
    """The records behind one indicator, as the user may see them (None: no source yet)."""
    app, _, figure = ref.partition(".")
    src = source(app)
    if src.records is None:
        return None
    return src.records(user=user, figure=figure, filters=filters)
