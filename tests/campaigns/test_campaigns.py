"""Campaigns as data: the seed 002 campaign (晋城 2024) with its phases, responsibilities,
required forms (periods opened with their due dates) and targets; the live board."""

from __future__ import annotations

from datetime import date

import pytest

from certguard.campaigns import selectors, services
from certguard.core.errors import AppError
from certguard.reporting.models import Period

pytestmark = pytest.mark.django_db


@pytest.fixture
def jincheng(world):
    return services.campaign_install(by=world.user("campaign_office", "city"), key="jc-2024")


def test_seed_002_campaign_is_data(jincheng):
    assert jincheng.doc_no == "晋市应急教发〔2024〕174号"
    assert jincheng.phases.first().name == "动员部署"
    tasks = {r.task: r.departments for r in jincheng.responsibilities.all()}
    assert tasks["严格立案查处"] == ["ga", "jcy", "fy"]
    assert {t["code"] for t in jincheng.targets} >= {"selfcheck_rate", "certified_rate"}
    periods = Period.objects.filter(series=jincheng.series, form__code="jc-2024")
    assert sorted((p.start, p.due_date) for p in periods) == [
        (date(2024, 7, 1), date(2024, 8, 25)), (date(2024, 9, 1), date(2024, 10, 25)),
        (date(2024, 11, 1), date(2024, 12, 25))]
    monthly = Period.objects.filter(series=jincheng.series, form__code="qs-2024")
    assert monthly.count() == 5 and {p.due_date.day for p in monthly} == {20}


def test_board_puts_lagging_units_first_with_their_figures(jincheng, world):
    from certguard.reporting.models import Report

    late = Report.objects.filter(period__series=jincheng.series, region_id="140522",
                                 period__start=date(2024, 7, 1)).get()
    Report.objects.filter(pk=late.pk).update(status="submitted", on_time=False)
    on_time = Report.objects.filter(period__series=jincheng.series, region_id="140521",
                                    period__start__lte=date(2024, 9, 1))
    on_time.update(status="approved", on_time=True)
    phases = selectors.board(user=world.user("campaign_office", "city"), campaign=jincheng,
                             today=date(2024, 9, 30))
    execution = next(p for p in phases if p.name == "执法检查")
    assert execution.as_of == date(2024, 9, 30)
    names = [u.code for u in execution.units]
    assert names.index("140522") < names.index("140521")
    lagging = next(u for u in execution.units if u.code == "140522")
    assert any("报表按时报送率 0.0%" in reason for reason in lagging.lagging)
    assert next(p for p in phases if p.name == "总结提高").as_of is None


def test_a_campaign_with_an_unknown_target_is_refused(world):
    before = Period.objects.count()
    with pytest.raises(AppError) as exc:
        services.campaign_create(by=world.user("campaign_office", "city"), spec={
            "name": "测试", "region": "140500", "start": "2024-08-01", "end": "2024-12-31",
            "targets": [{"code": "happiness", "threshold": 1}]})
    assert exc.value.message.startswith("未知的目标指标：happiness")
    assert Period.objects.count() == before


def test_working_days_skip_weekends():
    assert services.add_working_days(date(2024, 9, 6), 5) == date(2024, 9, 13)  # Fri → Fri
