"""Records of reporting and campaigns for the permission matrix and the query counts: a
monthly form, a period collected by 晋城市 (county A's report computed and submitted), a
campaign of 晋城市 and a 警示 of county A's 应急管理局."""

from __future__ import annotations

from datetime import date

from tests.reporting.conftest import LAYOUT


def reporting_records(world) -> dict:
    from certguard.campaigns import services as campaigns
    from certguard.reporting import services

    office_a, office_city = world.user("campaign_office", "A"), world.user("campaign_office",
                                                                           "city")
    version = services.form_version_create(by=world.cast.admin, code="m-monthly", name="矩阵月报",
                                           period_type="monthly", fill_level="county",
                                           due={"day": 25}, layout=LAYOUT)
    period = services.period_open(by=office_city, version_id=version.pk, region_code="140500",
                                  start=date(2024, 8, 1), series="matrix")
    report = period.reports.get(region_id="140521")
    services.report_compute(by=office_a, report_id=report.pk)
    services.value_enter(by=office_a, report_id=report.pk, measure="publicity", value="2")
    services.report_submit(by=office_a, report_id=report.pk)
    campaign = campaigns.campaign_create(by=office_city, spec={
        "name": "矩阵专项", "region": "140500", "start": "2024-08-01", "end": "2024-12-31"})
    step = campaigns.supervision_open(by=office_city, campaign_id=campaign.pk,
                                      target_id=world.orgs["yj_A"].pk, stage="warn",
                                      reason="自查率偏低")
    return {"version": version, "period": period, "report": report, "campaign": campaign,
            "supervision": step}
