"""Reads of campaigns: the list, one campaign, the live board (phase × unit, lagging units
first with the figures that make them lag) and the supervision steps."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from certguard.campaigns.models import Campaign, Supervision
from certguard.campaigns.reference import TARGET_MEASURES
from certguard.core.errors import NotFound
from certguard.core.figures import FigureFilter
from certguard.core.scoping import UserLike
from certguard.orgs.selectors import region_units
from certguard.reporting import selectors as reporting_selectors


def campaigns_for(*, user: UserLike) -> QuerySet[Campaign]:
    return Campaign.objects.restrict(user, "campaigns.view").select_related("region")


def campaign_get(*, user: UserLike, pk: int) -> Campaign:
    campaign = campaigns_for(user=user).filter(pk=pk).first()
    if campaign is None:
        raise NotFound("campaign_not_found", "专项行动不存在或无权查看")
    return campaign


def supervisions_for(*, user: UserLike, campaign: Campaign | None = None
                     ) -> QuerySet[Supervision]:
    rows = Supervision.objects.restrict(user, "campaigns.view").select_related(
        "target", "region", "campaign")
    return rows.filter(campaign=campaign) if campaign is not None else rows


def supervision_get(*, user: UserLike, pk: int) -> Supervision:
    step = supervisions_for(user=user).filter(pk=pk).first()
    if step is None:
        raise NotFound("supervision_not_found", "督办事项不存在或无权查看")
    return step


# --- the live board -----------------------------------------------------------------------------

@dataclass
class UnitProgress:
    code: str
    name: str
    figures: dict[str, float | int | None] = field(default_factory=dict)
    lagging: list[str] = field(default_factory=list)
    shortfall: float = 0.0

    def text(self, code: str) -> str:
        value = self.figures.get(code)
        if value is None:
            return "暂无数据源" if code in ("inspections", "cases") else "—"
        if code.endswith("_rate"):
            return f"{value:.1%}"
        return str(value)

    @property
    def texts(self) -> dict[str, str]:
        return {code: self.text(code) for code in
                ("selfcheck_rate", "certified_rate", "on_time_rate", "inspections", "cases")}

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "figures": self.figures,
                "lagging": self.lagging}


@dataclass
class PhaseBoard:
    name: str
    start: date
    end: date
    as_of: date | None  # None: not started
    units: list[UnitProgress]

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "start": self.start.isoformat(), "end": self.end.isoformat(),
                "as_of": self.as_of.isoformat() if self.as_of else None,
                "units": [u.as_dict() for u in self.units]}


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _unit_figures(*, code: str, start: date, as_of: date, reports: list) -> dict[str, Any]:
    filters = FigureFilter(region=code, start=start, end=as_of)
    selfcheck = reporting_selectors.figure_totals(app="selfcheck", filters=filters) or {}
    enforcement = reporting_selectors.figure_totals(app="enforcement", filters=filters)
    cases = reporting_selectors.figure_totals(app="cases", filters=filters)
    due = [r for r in reports if r.region_id == code and r.due_date <= as_of]
    on_time = sum(1 for r in due if r.on_time and r.status in ("submitted", "approved"))
    return {
        "selfcheck_rate": _rate(selfcheck.get("filed", 0), selfcheck.get("employers", 0)),
        "certified_rate": _rate(selfcheck.get("valid", 0), selfcheck.get("checked", 0)),
        "on_time_rate": _rate(on_time, len(due)),
        "inspections": None if enforcement is None else enforcement.get("inspections"),
        "cases": None if cases is None else cases.get("opened"),
        "reports_due": len(due), "reports_on_time": on_time,
    }


def _lagging(figures: dict[str, Any], targets: list[dict]) -> tuple[list[str], float]:
    reasons, shortfall = [], 0.0
    for target in targets:
        value, threshold = figures.get(target["code"]), float(target["threshold"])
        label = TARGET_MEASURES.get(target["code"], target["code"])
        if value is None:
            continue
        if value < threshold:
            shown = f"{value:.1%}" if target["code"].endswith("_rate") else str(value)
            wanted = f"{threshold:.0%}" if target["code"].endswith("_rate") else \
                str(int(threshold))
            reasons.append(f"{label} {shown}（目标 {wanted}）")
            shortfall += (threshold - value) / (threshold or 1)
    return reasons, shortfall


def board(*, user: UserLike, campaign: Campaign, today: date | None = None) -> list[PhaseBoard]:
    """Per phase (those started), per unit: progress on each target as of the phase's end
    (or today), lagging units first with the figures that make them lag."""
    today = today or timezone.localdate()
    units = region_units(code=campaign.region_id)
    reports = list(reporting_selectors.reports_for(user=user).filter(
        period__series=campaign.series, region_id__in=[c for c, _ in units]))
    phases = []
    for phase in campaign.phases.order_by("order"):
        if phase.start > today:
            phases.append(PhaseBoard(phase.name, phase.start, phase.end, None, []))
            continue
        as_of = min(phase.end, today)
        rows = []
        for code, name in units:
            figures = _unit_figures(code=code, start=campaign.start, as_of=as_of,
                                    reports=reports)
            reasons, shortfall = _lagging(figures, campaign.targets)
            rows.append(UnitProgress(code, name, figures, reasons, shortfall))
        rows.sort(key=lambda u: (-len(u.lagging), -u.shortfall, u.code))
        phases.append(PhaseBoard(phase.name, phase.start, phase.end, as_of, rows))
    return phases


def current_phase(*, campaign: Campaign, today: date | None = None) -> Any:
    today = today or timezone.localdate()
    started = [p for p in campaign.phases.order_by("order") if p.start <= today]
    return started[-1] if started else None


# --- the final summary's figures ------------------------------------------------------------------

SUMMARY_FIGURES = [
    ("selfcheck.employers", "辖区用人单位（家）"), ("selfcheck.filed", "完成自查（家）"),
    ("selfcheck.checked", "核验特种作业人员（人）"), ("selfcheck.found", "发现问题证书（人）"),
    ("enforcement.inspections", "执法检查（次）"),
    ("enforcement.fake_cert_people", "查出持假证人员（人）"),
    ("enforcement.fines", "罚款金额（元）"), ("cases.opened", "立案（件）"),
    ("cases.referred", "移送公安（件）"), ("netwatch.sites_found", "发现假冒网站（个）"),
    ("netwatch.sites_blocked", "封堵网站（个）"), ("netwatch.ads_cleaned", "清理信息（条）"),
    ("tips.received", "收到举报（件）"), ("tips.rewarded", "兑现举报奖励（件）"),
]


def summary_data(*, user: UserLike, campaign: Campaign, today: date | None = None
                 ) -> dict[str, Any]:
    """What the 工作总结 draft states: figures from the records over the campaign, the
    reporting completeness per period, the lagging units and the supervision steps."""
    today = today or timezone.localdate()
    filters = FigureFilter(region=_prefix(campaign.region_id), start=campaign.start,
                           end=min(campaign.end, today))
    cache: dict[str, dict | None] = {}
    figures = []
    for ref, label in SUMMARY_FIGURES:
        app, _, figure = ref.partition(".")
        if app not in cache:
            cache[app] = reporting_selectors.figure_totals(app=app, filters=filters)
        totals = cache[app]
        figures.append((label, "暂无数据源" if totals is None else str(totals.get(figure, 0))))
    completeness = []
    for period in reporting_selectors.periods_for(user=user, series=campaign.series).order_by(
            "start"):
        for c in reporting_selectors.completeness(period=period):
            completeness.append((f"{period.form.name} {period.label}（{c.level_label}）",
                                 f"应报{c.expected}，已报{c.submitted}，按时{c.on_time}"))
    boards = [b for b in board(user=user, campaign=campaign, today=today) if b.as_of]
    lagging = [f"{u.name}：{'；'.join(u.lagging)}" for u in (boards[-1].units if boards else [])
               if u.lagging]
    steps = [f"{s.target.name}：{s.stage_label}（{s.get_status_display()}）——{s.reason}"
             for s in supervisions_for(user=user, campaign=campaign)]
    return {"figures": figures, "completeness": completeness, "lagging": lagging,
            "supervisions": steps}


def _prefix(code: str) -> str:
    from certguard.orgs.reference import region_prefix

    return region_prefix(code)
