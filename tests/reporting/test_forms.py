"""Forms as versioned data: the seeds' five tables load; a new version leaves a period on the
version it was opened with; a formula naming an unknown indicator, a bad layout or a period
that does not exist is refused with a Chinese message and nothing saved."""

from __future__ import annotations

import copy
from datetime import date

import pytest

from certguard.core.errors import AppError
from certguard.reporting import services
from certguard.reporting.models import Form, FormVersion, Period
from certguard.reporting.reference import SEED_FORMS
from certguard.reporting.sources import source
from tests.reporting.conftest import LAYOUT

pytestmark = pytest.mark.django_db


def test_the_seeds_tables_load(world):
    from certguard.core.scoping import COMMAND_LINE

    services.forms_install(by=COMMAND_LINE)
    assert set(Form.objects.values_list("code", flat=True)) == set(SEED_FORMS)
    jc = FormVersion.objects.get(form__code="jc-2024")
    assert jc.items[:3] == ["yj", "wx", "ga"] and jc.period_type == "bimonthly"
    assert [m["label"] for m in jc.measures][-1] == "宣传报道（篇）"
    gd = FormVersion.objects.get(form__code="gd-2018")
    assert gd.cumulative and gd.fill_level == "city"


def test_a_new_version_leaves_open_periods_alone(world, version, period):
    layout = copy.deepcopy(LAYOUT)
    layout["measures"].append({"code": "handled", "label": "办结（件）",
                               "formula": "tips.handled"})
    second = services.form_version_create(by=world.cast.admin, code="t-monthly",
                                          period_type="monthly", fill_level="county",
                                          due={"day": 20}, layout=layout)
    assert second.number == 2
    period.refresh_from_db()
    assert period.version_id == version.pk and period.due_date.day == 25


@pytest.mark.parametrize("formula,message", [
    ("tips.nonsense", "第1项“坏指标”：公式引用了未知的指标：tips.nonsense"),
    ("enforcement.speed", "第1项“坏指标”：公式引用了未知的指标：enforcement.speed"),
    ("weather.rain", "第1项“坏指标”：未知的数据来源：weather.rain"),
    ("__import__('os')", "第1项“坏指标”的公式有误：公式只能包含指标、数字、加减乘除和括号"),
    ("tips.received +", "第1项“坏指标”的公式有误：公式无法解析：tips.received +"),
])
def test_a_formula_naming_an_unknown_indicator_is_refused(world, formula, message):
    layout = {"measures": [{"code": "bad", "label": "坏指标", "formula": formula}]}
    with pytest.raises(AppError) as exc:
        services.form_version_create(by=world.cast.admin, code="bad", name="坏表",
                                     period_type="monthly", fill_level="county",
                                     due={"day": 25}, layout=layout)
    assert exc.value.message.startswith(message.split("：未知的数据来源")[0])
    assert not Form.objects.filter(code="bad").exists()


@pytest.mark.usefixtures("enforcement_not_built")
def test_unbuilt_app_is_a_missing_source_not_a_zero():
    assert source("enforcement").available is False
    assert source("tips").available is True
    assert "inspections" in source("enforcement").labels


@pytest.mark.parametrize("start,message", [
    (date(2024, 8, 15), "月报的统计期间应从每月1日开始"),
    ("2024-02-30", "开始日期不存在：2024-02-30（格式 YYYY-MM-DD）"),
])
def test_a_period_that_does_not_exist_is_refused(version, offices, start, message):
    with pytest.raises(AppError) as exc:
        services.period_open(by=offices["city"], version_id=version.pk, region_code="140500",
                             start=start)
    assert exc.value.message == message
    assert not Period.objects.exists()


def test_a_period_outside_the_office_or_twice_is_refused(version, offices):
    with pytest.raises(AppError):
        services.period_open(by=offices["city"], version_id=version.pk, region_code="140400",
                             start="2024-08-01")
    services.period_open(by=offices["city"], version_id=version.pk, region_code="140500",
                         start="2024-08-01")
    with pytest.raises(AppError) as exc:
        services.period_open(by=offices["city"], version_id=version.pk, region_code="140500",
                             start="2024-08-01")
    assert exc.value.message == "2024年8月的报送期间已开启"
    assert Period.objects.count() == 1


def test_due_dates_are_data(world):
    layout = {"measures": [{"code": "n", "label": "收到举报", "formula": "tips.received"}]}
    once = services.form_version_create(by=world.cast.admin, code="once", name="一次性",
                                        period_type="once", fill_level="county",
                                        due={"dates": {"2020-10": "2020-11-18"}}, layout=layout)
    assert services.due_date_for(version=once, start=date(2020, 10, 1),
                                 end=date(2020, 11, 15)) == date(2020, 11, 18)
    with pytest.raises(AppError) as exc:
        services.due_date_for(version=once, start=date(2020, 9, 1), end=date(2020, 9, 30))
    assert exc.value.message == "该报表版本没有规定 2020-09 期间的报送期限"
    with pytest.raises(AppError) as exc:
        services.form_version_create(by=world.cast.admin, code="x", name="x",
                                     period_type="monthly", fill_level="county",
                                     due={"day": 40}, layout=layout)
    assert exc.value.message == "报送期限的日期应为1至31之间的整数"
