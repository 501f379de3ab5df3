"""The province table computed set-based (issue 15, item 10) gives the same figures as
before: over the benchmark's own generated records (every kind the table reads, a small
size), the platform's table equals the hand-written query, the self-check totals equal the
employers' rows added up, and the tip-off totals equal the one-pass aggregate by region."""

from __future__ import annotations

from datetime import date

import pytest

START, END = date(2024, 9, 1), date(2024, 9, 30)


@pytest.fixture
def generated(db, monkeypatch):
    from certguard.bench import _reporting_data as data

    monkeypatch.setenv("CERTGUARD_BENCH_SCRATCH", "1")
    return data.fill(20_000, analyse=False)


def test_table_equals_the_hand_written_query_and_every_figure_counts(generated):
    from certguard.bench import _reporting_data as data
    from certguard.bench.reporting import _version
    from certguard.reporting.services import compute_values

    values = compute_values(version=_version(), region="14", start=START, end=END)
    got = {code: int(value) for (code, _), (value, source) in values.items()
           if source == "computed" and value is not None}
    expected = data.hand_written(START, END)
    assert got == expected
    assert len(got) == len(data.MEASURES) == 31
    assert all(value > 0 for value in got.values()), got  # the data exercises every figure
    # A county and a month without records.
    assert compute_values(version=_version(), region="140521", start=START, end=END) and \
        {code: int(v) for (code, _), (v, _) in compute_values(
            version=_version(), region="140521", start=START, end=END).items()} == \
        data.hand_written(START, END, region="140521")
    empty = data.hand_written(date(2026, 1, 1), date(2026, 1, 31))
    assert all(v == 0 for k, v in empty.items() if k != "selfcheck_employers")


@pytest.mark.parametrize(("region", "department"), [("14", ""), ("1405", ""), ("14", "zj"),
                                                    ("44", "yj"), ("", "")])
def test_selfcheck_totals_equal_the_employers_rows_added_up(generated, region, department):
    from certguard.core.figures import FigureFilter
    from certguard.core.scoping import COMMAND_LINE
    from certguard.reporting.sources import SelfcheckSource
    from certguard.selfcheck import figures

    filters = FigureFilter(region=region, department=department, start=START, end=END)
    rows = SelfcheckSource._rows(user=COMMAND_LINE, filters=filters)
    by_rows = figures.rollup(rows).overall
    totals = SelfcheckSource.figures(user=COMMAND_LINE, filters=filters)["totals"]
    assert totals == {name: getattr(by_rows, name) for name in SelfcheckSource.FIGURES}
    assert totals["filed"] > 0


@pytest.mark.parametrize(("region", "department"), [("14", ""), ("140521", "yj"),
                                                    ("", ""), ("44", "scjg")])
def test_tip_totals_equal_the_one_pass_aggregate(generated, region, department):
    from certguard.core.figures import FigureFilter
    from certguard.core.scoping import COMMAND_LINE
    from certguard.tips.figures import FIGURES, figure_records, tips_figures

    filters = FigureFilter(region=region, department=department, start=START, end=END)
    data = tips_figures(user=COMMAND_LINE, filters=filters, group_by="region")
    for figure in FIGURES:
        summed = sum(group[figure] for group in data["groups"])
        listed = figure_records(user=COMMAND_LINE, figure=figure, filters=filters).count()
        assert data["totals"][figure] == summed == listed, figure
        assert listed > 0 or region, figure  # the province counts every figure
