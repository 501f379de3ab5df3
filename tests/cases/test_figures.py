"""The cases figures for reporting: codes, totals, groups and the records behind each."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from certguard.cases import services
from certguard.cases.figures import FIGURES, cases_figures, figure_records
from certguard.core.errors import AppError
from certguard.core.figures import FigureFilter
from tests.cases.records import referral_at


def test_codes_are_the_contract():
    assert list(FIGURES) == ["opened", "referred", "police_accepted", "prosecutor_involved",
                             "judged", "fines", "listed"]


def test_figures_count_and_list_their_records(world):
    r = referral_at(world, "judged")
    services.referral_early(by=world.user("prosecutor", "A"), pk=r.pk, note="提前介入")
    services.case_decide(by=world.user("inspector", "A"), case_id=r.case_id, kind="penalty",
                         article="L30-41-F", text_="罚款", amount=2500)
    user = world.user("department_head", "city")
    out = cases_figures(user=user, group_by="region")
    assert out["totals"] == {"opened": 1, "referred": 1, "police_accepted": 1,
                             "prosecutor_involved": 1, "judged": 1, "fines": 2500,
                             "listed": 0}
    assert out["groups"][0]["key"] == "140521" and out["groups"][0]["fines"] == 2500
    assert list(figure_records(user=user, figure="referred")) == [r.case]
    by_dept = cases_figures(user=user, group_by="department")
    assert by_dept["groups"][0]["key"] == "yj"
    # Outside the region or the period: nothing.
    assert cases_figures(user=world.user("department_head", "C"))["totals"]["opened"] == 0
    past = FigureFilter(start=date.today() - timedelta(days=30),
                        end=date.today() - timedelta(days=10))
    assert cases_figures(user=user, filters=past)["totals"]["opened"] == 0
    assert cases_figures(user=user, filters=FigureFilter(region="140522"))["totals"][
        "opened"] == 0


def test_bad_figure_or_group(world):
    with pytest.raises(AppError, match="未知的统计项"):
        figure_records(user=world.user("inspector", "A"), figure="x")
    with pytest.raises(AppError, match="分组方式"):
        cases_figures(user=world.user("inspector", "A"), group_by="sector")
