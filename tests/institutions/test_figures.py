"""Item 5: the campaign figures of the reporting contract (certguard/core/figures.py), by
region, department and period, each listing its records."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from certguard.core.errors import AppError
from certguard.core.figures import FigureFilter
from certguard.institutions import figures, services
from certguard.institutions.models import Finding
from tests.institutions.filings_data import answers, period
from tests.institutions.records import training_file

pytestmark = pytest.mark.django_db


def _world_with_work(world):
    user, org = world.user("institution_user", "A"), world.orgs["inst_A"]
    services.upload_create(by=user, file_name="k.csv", data=training_file(org.credit_code))
    p = period()
    services.filing_file(by=user, period_id=p.pk, answers=answers("training"))
    services.filing_file(by=world.cast.issuer, period_id=p.pk, answers=answers("authority"),
                         problems_found=4, procedures_streamlined=2)
    fake = Finding.objects.get(organisation=org, rule="RV")
    services.finding_refer(by=world.user("inspector", "A"), finding_id=fake.pk)
    return org


def test_codes_are_the_reporting_contract():
    assert list(figures.FIGURES) == ["filed", "findings", "fake_passed_people",
                                     "findings_referred", "authority_problems",
                                     "procedures_streamlined"]


def test_totals_and_records_for_a_province_officer(world):
    _world_with_work(world)
    head = world.user("campaign_office", "city")
    result = figures.institutions_figures(user=world.cast.admin, filters=FigureFilter())
    assert result["totals"] == {"filed": 1, "findings": 2, "fake_passed_people": 1,
                                "findings_referred": 1, "authority_problems": 4,
                                "procedures_streamlined": 2}
    city = figures.institutions_figures(user=head, filters=FigureFilter(), group_by="region")
    assert city["totals"]["filed"] == 1 and city["totals"]["authority_problems"] == 0
    assert city["groups"] == [{"key": "140521", "filed": 1, "findings": 2,
                               "fake_passed_people": 1, "findings_referred": 1,
                               "authority_problems": 0, "procedures_streamlined": 0}]
    records = figures.figure_records(user=head, figure="fake_passed_people",
                                     filters=FigureFilter())
    assert [f.rule for f in records] == ["RV"]


def test_region_department_and_period_filter(world):
    _world_with_work(world)
    admin = world.cast.admin
    other = figures.institutions_figures(user=admin, filters=FigureFilter(region="1404"))
    assert set(other["totals"].values()) == {0}
    tomorrow = timezone.localdate() + timedelta(days=1)
    later = figures.institutions_figures(user=admin, filters=FigureFilter(start=tomorrow))
    assert set(later["totals"].values()) == {0}
    by_dept = figures.institutions_figures(user=admin, filters=FigureFilter(),
                                           group_by="department")
    assert [g["key"] for g in by_dept["groups"]] == ["yj"]


def test_unknown_figure_and_group(world):
    with pytest.raises(AppError):
        figures.figure_records(user=world.cast.admin, figure="nope")
    with pytest.raises(AppError):
        figures.institutions_figures(user=world.cast.admin, group_by="sector")
