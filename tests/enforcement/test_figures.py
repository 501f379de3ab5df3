"""Figures by region, department, sector and period, each listing its records; scoped."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from certguard.core.errors import AppError
from certguard.core.figures import FigureFilter
from certguard.enforcement import figures, services
from tests.enforcement.records import new_task, team

pytestmark = pytest.mark.django_db


def _inspection(t):
    task = new_task(t, status="in_progress")
    uncertified = services.finding_add(by=t.inspector, task_id=task.pk, kind="uncertified",
                                       description="2名焊工无证", people=2)
    services.finding_add(by=t.inspector, task_id=task.pk, kind="fake_cert_employer",
                         description="使用伪造证书1人", people=1)
    services.finding_add(by=t.inspector, task_id=task.pk, kind="ledger", description="台账缺项")
    services.order_issue(by=t.inspector, task_id=task.pk, deadline=date(2099, 1, 1),
                         items="整改")
    penalty = services.penalty_propose(by=t.inspector, finding_id=uncertified.pk,
                                       amount="45000")
    services.penalty_notify(by=t.inspector, penalty_id=penalty.pk)
    services.penalty_decide(by=t.inspector, penalty_id=penalty.pk, hearing_waived=True)
    services.task_complete(by=t.inspector, task_id=task.pk, handling="责令整改并处罚",
                           unit_signed=True)
    return task


def test_totals_groups_and_records(world):
    t = team(world)
    task = _inspection(t)
    result = figures.enforcement_figures(user=t.head, filters=FigureFilter(region="140521"),
                                         group_by="sector")
    totals = result["totals"]
    assert totals["inspections"] == 1 and totals["units_inspected"] == 1
    assert totals["uncertified_people"] == 2 and totals["fake_cert_people"] == 1
    assert totals["problems"] == 3 and totals["orders"] == 1
    assert totals["fines"] == Decimal("45000") and totals["suspensions"] == 0
    assert result["groups"][0]["key"] == "coal_mine"
    assert set(result["labels"]) == {"inspections", "units_inspected", "uncertified_people",
                                     "fake_cert_people", "problems", "orders", "suspensions",
                                     "fines"}
    assert list(figures.figure_records(user=t.head, figure="inspections",
                                       filters=FigureFilter())) == [task]
    by_month = figures.enforcement_figures(user=t.head, group_by="period")["groups"]
    assert by_month[0]["key"] == date.today().strftime("%Y-%m")
    elsewhere = figures.enforcement_figures(user=world.user("department_head", "B"))
    assert elsewhere["totals"]["inspections"] == 0


def test_bad_filters_have_chinese_messages(world):
    t = team(world)
    with pytest.raises(AppError) as err:
        figures.enforcement_figures(user=t.head, group_by="colour")
    assert "分组" in err.value.message
    with pytest.raises(AppError):
        figures.figure_records(user=t.head, figure="nope")
    with pytest.raises(AppError) as err:
        figures.filter_from({"start": "2024-13-01"})
    assert "日期" in err.value.message
