"""A county computes, enters the hand-filled value, submits; the city returns with a reason
or approves (locking); one value unlocked with a reason; the city's report adds up its
approved counties; recomputation shows differences, never changes a submitted value."""

from __future__ import annotations

from decimal import Decimal

import pytest

from certguard.core.errors import AppError, Forbidden, NotFound
from certguard.reporting import selectors, services
from certguard.reporting.models import Report, ReportEvent, Value
from tests.reporting.conftest import report_of
from tests.tips.records import tip_input

pytestmark = pytest.mark.django_db


def _tip(place="140521"):
    from certguard.tips.intake import tip_submit

    return tip_submit(data=tip_input(place=place), source="10.0.0.9")[0]


def _filled(offices, period, place="A", code="140521", publicity="3"):
    report = report_of(period, code)
    services.report_compute(by=offices[place], report_id=report.pk)
    services.value_enter(by=offices[place], report_id=report.pk, measure="publicity",
                         value=publicity)
    return report


def test_opening_a_period_creates_one_report_per_unit(period):
    levels = dict(period.reports.values_list("region_id", "level"))
    assert levels["140500"] == "city"
    assert {"140521", "140522", "140502"} <= {c for c, lv in levels.items() if lv == "county"}
    assert "140501" not in levels  # 市辖区 is a heading, not a unit
    assert period.due_date.day == 25


@pytest.mark.usefixtures("enforcement_not_built")
def test_values_come_from_the_records_and_missing_sources_say_so(period, offices):
    _tip()
    _tip()
    _tip("140522")
    report = _filled(offices, period)
    table = selectors.report_table(report=report)
    assert table.cell("tips").value == 2
    assert table.cell("double").value == 4
    assert table.cell("inspections").text == "暂无数据源"  # enforcement not built: no zero
    assert table.cell("publicity").source == "manual" and table.cell("publicity").value == 3


@pytest.mark.usefixtures("enforcement_not_built")
def test_drill_down_lists_the_records_counted(period, offices):
    tip = _tip()
    report = _filled(offices, period)
    drill = selectors.value_records(user=offices["A"], report=report, measure="tips")
    assert drill.parts[0]["count"] == 1 and drill.parts[0]["records"][0]["id"] == tip.pk
    missing = selectors.value_records(user=offices["A"], report=report, measure="inspections")
    assert missing.parts[0]["available"] is False


def test_submit_return_resubmit_approve_locks(period, offices):
    report = _filled(offices, period)
    services.report_submit(by=offices["A"], report_id=report.pk)
    report.refresh_from_db()
    assert report.status == "submitted" and report.on_time is not None
    with pytest.raises(AppError) as exc:
        services.report_return(by=offices["city"], report_id=report.pk, reason="  ")
    assert exc.value.message == "退回报表必须填写理由"
    assert Report.objects.get(pk=report.pk).status == "submitted"
    services.report_return(by=offices["city"], report_id=report.pk, reason="宣传报道数有误")
    assert ReportEvent.objects.filter(report=report, kind="return",
                                      reason="宣传报道数有误").exists()
    services.value_enter(by=offices["A"], report_id=report.pk, measure="publicity", value="4")
    services.report_submit(by=offices["A"], report_id=report.pk)
    services.report_approve(by=offices["city"], report_id=report.pk)
    assert set(Value.objects.filter(report=report).values_list("locked", flat=True)) == {True}
    with pytest.raises(AppError) as exc:
        services.report_submit(by=offices["A"], report_id=report.pk)
    assert exc.value.code == "already_approved" and "已审核通过并锁定" in exc.value.message
    with pytest.raises(AppError) as exc:
        services.value_enter(by=offices["A"], report_id=report.pk, measure="publicity",
                             value="9")
    assert exc.value.code == "value_locked"


def test_only_the_level_above_approves_and_only_the_unit_fills(period, offices):
    report = _filled(offices, period)
    with pytest.raises(NotFound):  # another county's report is outside B's scope
        services.report_compute(by=offices["B"], report_id=report.pk)
    with pytest.raises(Forbidden):  # the city sees it, but only the county fills it
        services.report_compute(by=offices["city"], report_id=report.pk)
    services.report_submit(by=offices["A"], report_id=report.pk)
    with pytest.raises(Forbidden):
        services.report_approve(by=offices["A"], report_id=report.pk)


def test_unlocking_one_value_needs_a_reason_and_is_audited(period, offices):
    report = _filled(offices, period)
    services.report_submit(by=offices["A"], report_id=report.pk)
    services.report_approve(by=offices["city"], report_id=report.pk)
    with pytest.raises(AppError) as exc:
        services.value_unlock(by=offices["city"], report_id=report.pk, measure="publicity",
                              reason="")
    assert exc.value.message == "解锁数值必须填写理由"
    services.value_unlock(by=offices["city"], report_id=report.pk, measure="publicity",
                          reason="县里报错了篇数")
    row = Value.objects.get(report=report, measure="publicity")
    assert not row.locked and row.unlock_reason == "县里报错了篇数"
    assert Value.objects.get(report=report, measure="tips").locked
    services.value_enter(by=offices["A"], report_id=report.pk, measure="publicity", value="5")
    row.refresh_from_db()
    assert row.locked and row.value == 5
    report.refresh_from_db()
    assert report.status == "approved"
    from certguard.core.audit_spool import audit_ingest
    from certguard.core.models import AuditEntry

    audit_ingest(force=True)
    assert AuditEntry.objects.filter(object_type="reporting.reportevent",
                                     summary__contains="").exists()


def test_recomputation_shows_the_difference_beside_the_submitted_value(period, offices):
    _tip()
    report = _filled(offices, period)
    services.report_submit(by=offices["A"], report_id=report.pk)
    _tip()
    services.report_compute(by=offices["A"], report_id=report.pk)
    cell = selectors.report_table(report=report).cell("tips")
    assert cell.value == 1 and cell.recomputed == 2 and cell.difference == 1


def test_city_report_adds_up_its_approved_counties(period, offices):
    _tip()
    _tip("140522")
    _tip("140522")
    a = _filled(offices, period, "A", "140521", publicity="1")
    b = _filled(offices, period, "B", "140522", publicity="2")
    for place, report in (("A", a), ("B", b)):
        services.report_submit(by=offices[place], report_id=report.pk)
    services.report_approve(by=offices["city"], report_id=a.pk)
    city = report_of(period, "140500")
    services.report_compute(by=offices["city"], report_id=city.pk)
    table = selectors.report_table(report=city)
    assert table.cell("tips").value == 1 and table.cell("publicity").value == 1
    services.report_approve(by=offices["city"], report_id=b.pk)
    services.report_compute(by=offices["city"], report_id=city.pk)
    table = selectors.report_table(report=city)
    assert table.cell("tips").value == 3 and table.cell("publicity").value == 3
    city.refresh_from_db()
    assert city.included == ["140521", "140522"]


@pytest.mark.parametrize("text,message", [("abc", "“宣传报道（篇）”应填写数字"),
                                          ("-1", "“宣传报道（篇）”应为不小于0的数字"),
                                          ("", "“宣传报道（篇）”应填写数字")])
def test_bad_hand_entered_values(period, offices, text, message):
    report = _filled(offices, period)
    with pytest.raises(AppError) as exc:
        services.value_enter(by=offices["A"], report_id=report.pk, measure="publicity",
                             value=text)
    assert exc.value.message == message
    assert Value.objects.get(report=report, measure="publicity").value == 3


def test_computed_values_cannot_be_typed(period, offices):
    report = _filled(offices, period)
    with pytest.raises(AppError) as exc:
        services.value_enter(by=offices["A"], report_id=report.pk, measure="tips", value="7")
    assert exc.value.code == "value_computed"


def test_submission_needs_the_hand_filled_values(period, offices):
    report = report_of(period, "140521")
    services.report_compute(by=offices["A"], report_id=report.pk)
    with pytest.raises(AppError) as exc:
        services.report_submit(by=offices["A"], report_id=report.pk)
    assert exc.value.message == "以下手工填报项尚未填写：宣传报道（篇）"
    assert Report.objects.get(pk=report.pk).status == "draft"


def test_completeness_and_reminders(period, offices):
    report = _filled(offices, period)
    services.report_submit(by=offices["A"], report_id=report.pk)
    rates = {c.level: c for c in selectors.completeness(period=period)}
    county = rates["county"]
    assert county.submitted == 1 and county.expected == period.reports.filter(
        level="county").count()
    pending = selectors.non_submitters(period=period, parent="140500")
    assert "140521" not in {p["region"] for p in pending}
    sent = services.reminders_send(by=offices["city"], period_id=period.pk)
    assert {r.region_id for r in sent} == {p["region"] for p in pending}
    assert ReportEvent.objects.filter(kind="remind").count() == len(pending)


def test_cumulative_is_the_running_total_of_the_series(version, offices):
    from datetime import date

    first = services.period_open(by=offices["city"], version_id=version.pk, region_code="140500",
                                 start=date(2024, 8, 1), series="c", cumulative_from="2024-08-01")
    second = services.period_open(by=offices["city"], version_id=version.pk,
                                  region_code="140500", start=date(2024, 9, 1), series="c",
                                  cumulative_from="2024-08-01")
    _filled(offices, first, publicity="2")
    r2 = _filled(offices, second, publicity="5")
    assert selectors.report_table(report=r2).cell("publicity").cumulative == Decimal(7)
