from datetime import date

import pytest

from certguard.registry.lifecycle import add_months, period_end, status_on

BASE = dict(record_status="valid", valid_from=date(2020, 5, 6), valid_until=date(2026, 5, 5),
            review_due=date(2023, 5, 6), last_review=None)


def test_period_end_and_month_arithmetic():
    assert period_end(date(2020, 5, 6), 72) == date(2026, 5, 5)
    assert add_months(date(2020, 1, 31), 1) == date(2020, 2, 29)


def test_valid_before_review_due_says_when_it_changes():
    state = status_on(on=date(2022, 1, 1), **BASE)
    assert (state.code, state.next_change, state.next_code) == (
        "valid", date(2023, 5, 7), "review_overdue")


def test_review_overdue_is_invalid():
    state = status_on(on=date(2023, 5, 7), **BASE)
    assert state.code == "review_overdue" and not state.usable
    assert "2023-05-06" in state.reason


def test_reviewed_certificate_runs_to_expiry():
    state = status_on(on=date(2024, 1, 1), **{**BASE, "review_due": None,
                                              "last_review": date(2023, 4, 1)})
    assert (state.code, state.next_change, state.next_code) == (
        "valid", date(2026, 5, 6), "expired")


def test_expired_after_valid_until():
    assert status_on(on=date(2026, 5, 6), **{**BASE, "review_due": None}).code == "expired"


@pytest.mark.parametrize("record", ["revoked", "cancelled", "suspended"])
def test_record_status_wins(record):
    state = status_on(on=date(2021, 1, 1), **{**BASE, "record_status": record,
                                              "status_reason": "原因"})
    assert state.code == record and state.reason == "原因" and state.next_change is None


def test_not_yet_valid():
    assert status_on(on=date(2020, 5, 5), **BASE).code == "not_yet_valid"
