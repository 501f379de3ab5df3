"""Demo submissions for a campaign's periods: every state a clerk meets (on time, late,
returned with its reason, approved and locked, one value unlocked for correction, awaiting
approval, not submitted and reminded), county → city → province.

The periods lie in the past (晋城 2024), so each submission and approval is dated back to a
plausible day of its period (an audited update, stated in the history) — the on-time flag
is computed from that day against the period's due date, as the service would have."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from certguard.core.errors import AppError
from certguard.core.scoping import UserLike
from certguard.reporting import services
from certguard.reporting.models import Period, Report

# Per period (in order) and county: what happens. "late" submits after the due date.
PLAN = {
    "140521": ["approved", "approved", "approved", "approved", "submitted"],
    "140522": ["approved_late", "approved", "returned", "approved_late", "draft"],
    "140525": ["unlocked", "approved", "submitted_late", "draft", "draft"],
}


def _when(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _backdate(report: Report, *, submitted: date | None = None,
              approved: date | None = None) -> None:
    """Date a demo submission or approval back to its period (an audited update)."""
    changes: dict = {}
    if submitted is not None:
        changes["submitted_at"] = _when(submitted)
        changes["on_time"] = submitted <= report.due_date
    if approved is not None:
        changes["approved_at"] = _when(approved, 16)
    Report.objects.filter(pk=report.pk).update(**changes)


def _fill(report: Report, office: UserLike) -> None:
    services.report_compute(by=office, report_id=report.pk)
    version = report.period.version
    for n, measure in enumerate(m for m in version.measures if m.get("manual")):
        for item in version.items:
            services.value_enter(by=office, report_id=report.pk, measure=measure["code"],
                                 item=item, value=str((report.pk + n) % 5 + 1))


@transaction.atomic
def demo_reporting_build(*, series: str, offices: dict[str, UserLike], city: UserLike,
                         province: UserLike | None = None) -> dict[str, int]:
    """Drive the county reports of the series' periods through the states of PLAN (only
    reports still in draft are touched, so the demo can run again), then remind the
    counties that have not submitted the latest period due."""
    counts: dict[str, int] = {}
    periods = list(Period.objects.filter(series=series).select_related("version").order_by(
        "form_id", "start"))
    by_form: dict[int, list[Period]] = {}
    for period in periods:
        by_form.setdefault(period.form_id, []).append(period)
    for form_periods in by_form.values():
        for index, period in enumerate(form_periods):
            for code, office in offices.items():
                plan = PLAN.get(code, [])
                state = plan[index] if index < len(plan) else "draft"
                report = period.reports.filter(region_id=code, status="draft").first()
                if report is None or state == "draft" or report.computed_at is not None:
                    continue
                _act(report, state, office, city)
                counts[state] = counts.get(state, 0) + 1
            if index == 0 and province is not None:
                _city_report(period, city, province)
    counts["reminded"] = demo_reminders(series=series, city=city)
    return counts


def _act(report: Report, state: str, office: UserLike, city: UserLike) -> None:
    _fill(report, office)
    services.report_submit(by=office, report_id=report.pk)
    due = report.due_date
    late = state.endswith("_late")
    submitted = due + timedelta(days=4) if late else due - timedelta(days=2)
    approved = None
    if state.startswith("approved") or state == "unlocked":
        services.report_approve(by=city, report_id=report.pk)
        approved = submitted + timedelta(days=2)
    if state == "returned":
        services.report_return(by=city, report_id=report.pk,
                               reason="宣传报道篇数与台账不符，请核实后重报")
    if state == "unlocked":
        measure = report.period.version.measures[-1]
        services.value_unlock(by=city, report_id=report.pk, measure=measure["code"],
                              item=report.period.version.items[0],
                              reason=f"“{measure['label']}”与县局台账不一致，请更正")
    _backdate(report, submitted=submitted, approved=approved)


def _city_report(period: Period, city: UserLike, province: UserLike) -> None:
    report = period.reports.filter(region_id=period.region_id, level="city", status="draft",
                                   computed_at__isnull=True).first()
    if report is None:
        return
    services.report_compute(by=city, report_id=report.pk)
    services.report_submit(by=city, report_id=report.pk)
    services.report_approve(by=province, report_id=report.pk)
    _backdate(report, submitted=period.upper_due_date - timedelta(days=1),
              approved=period.upper_due_date + timedelta(days=1))


def demo_reminders(*, series: str, city: UserLike) -> int:
    """Remind the counties that have not submitted the latest period that is due."""
    today = timezone.localdate()
    latest = Period.objects.filter(series=series, due_date__lte=today).order_by(
        "-start").first()
    if latest is None:
        return 0
    try:
        return len(services.reminders_send(by=city, period_id=latest.pk))
    except AppError:
        return 0
