"""ledger_apply adds, updates and ends entries and keeps every change; the page shows them."""

from __future__ import annotations

from datetime import date

import pytest

from certguard import ids
from certguard.core.errors import Forbidden
from certguard.core.models import AuditEntry
from certguard.workforce.models import LedgerChange, LedgerEntry
from certguard.workforce.services import LedgerRow, ledger_apply

A = ids.make_id_no("140521", date(1980, 2, 2), 11)
B = ids.make_id_no("140521", date(1981, 3, 3), 13)
DAY1, DAY2 = date(2025, 1, 1), date(2025, 6, 1)


def _apply(cast, rows, on=DAY1, by=None):
    return ledger_apply(employer=cast.enterprise_x, rows=rows, by=by or cast.user_x, as_of=on,
                        source_label="测试花名册")


def test_add_update_end_with_history(cast, client):
    first = _apply(cast, [LedgerRow(A, "甲", post="电工", cert_no="T" + A),
                          LedgerRow(B, "乙", post="焊工")])
    assert (first.added, first.updated, first.ended) == (2, 0, 0)
    second = _apply(cast, [LedgerRow(A, "甲", post="电工", cert_no="T" + A,
                                     valid_until=date(2030, 1, 1))], on=DAY2)
    assert (second.added, second.updated, second.ended) == (0, 1, 1)
    b = LedgerEntry.objects.get(worker_id_no=B)
    assert not b.active and b.on_post_to == DAY2
    a = LedgerEntry.objects.get(worker_id_no=A)
    change = a.changes.get(kind="updated")
    assert change.changes == {"valid_until": [None, "2030-01-01"]}
    assert AuditEntry.objects.filter(object_type="workforce.ledger").count() == 2

    client.force_login(cast.user_x)
    page = client.get(f"/workforce/ledger/{a.pk}/").content.decode()
    assert "新增" in page and "变更" in page and "申报有效期至：— → 2030-01-01" in page
    assert "乙" not in client.get("/workforce/ledger/").content.decode()
    assert "乙" in client.get("/workforce/ledger/?status=ended").content.decode()


def test_same_roster_twice_changes_nothing(cast):
    rows = [LedgerRow(A, "甲", post="电工")]
    _apply(cast, rows)
    again = _apply(cast, rows)
    assert (again.added, again.updated, again.ended, again.unchanged) == (0, 0, 0, 1)
    assert LedgerChange.objects.count() == 1


def test_leaving_date_ends_and_a_return_resumes(cast):
    _apply(cast, [LedgerRow(A, "甲", post="电工")])
    _apply(cast, [LedgerRow(A, "甲", post="电工", on_post_to=date(2024, 12, 1))])
    assert LedgerEntry.objects.get().active is False
    report = _apply(cast, [LedgerRow(A, "甲", post="电工")])
    assert report.resumed == 1 and LedgerEntry.objects.get().active


@pytest.mark.parametrize("who", ["user_y", "inspector_a", "police"])
def test_only_the_employer_changes_its_ledger(cast, who):
    with pytest.raises(Forbidden):
        _apply(cast, [LedgerRow(A, "甲")], by=getattr(cast, who))
    assert not LedgerEntry.objects.exists()
