from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

LAYOUT = {"orientation": "measure_rows", "cumulative": True, "dimension": None,
          "measures": [
              {"code": "tips", "group": "举报", "label": "收到举报（件）",
               "formula": "tips.received"},
              {"code": "double", "group": "举报", "label": "举报×2",
               "formula": "tips.received * 2"},
              {"code": "inspections", "group": "执法", "label": "执法检查（次）",
               "formula": "enforcement.inspections"},
              {"code": "publicity", "group": "宣传", "label": "宣传报道（篇）", "manual": True},
          ]}


@pytest.fixture
def offices(world):
    return {place: world.user("campaign_office", place) for place in ("A", "B", "C", "city")}


@pytest.fixture
def version(world):
    from certguard.reporting.services import form_version_create

    return form_version_create(by=world.cast.admin, code="t-monthly", name="测试月报",
                               period_type="monthly", fill_level="county", due={"day": 25},
                               layout=LAYOUT)


def month_start(today: date | None = None) -> date:
    today = today or timezone.localdate()
    return today.replace(day=1)


@pytest.fixture
def period(version, offices):
    from certguard.reporting.services import period_open

    return period_open(by=offices["city"], version_id=version.pk, region_code="140500",
                       start=month_start(), series="s1", cumulative_from=month_start())


def report_of(period, code):
    return period.reports.get(region_id=code)


@pytest.fixture
def enforcement_not_built(monkeypatch):
    """A platform where the enforcement app is not installed yet: its figures are a missing
    source (“暂无数据源”), never a made-up zero. The tests that need that state use this."""
    import importlib

    from certguard.reporting import sources

    real = importlib.import_module

    def without_enforcement(name: str, *args, **kwargs):
        if name == "certguard.enforcement.figures":
            raise ModuleNotFoundError(name=name)
        return real(name, *args, **kwargs)

    sources.source.cache_clear()
    monkeypatch.setattr(sources.importlib, "import_module", without_enforcement)
    yield
    sources.source.cache_clear()
