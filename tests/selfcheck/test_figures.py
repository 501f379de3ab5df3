"""Campaign figures on a small crafted dataset, scoping, the non-filers and reminders, and a
query count that does not grow with the number of employers."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from certguard import ids
from certguard.core.models import AuditEntry
from certguard.orgs.models import Organisation
from certguard.selfcheck import figures
from certguard.selfcheck.models import Reminder, RosterUpload, WorkerResult

PERIOD = figures.Period(date(2025, 1, 1), date(2025, 12, 31))
IN_PERIOD = timezone.make_aware(datetime(2025, 6, 1, 10))
QUERY = "?start=2025-01-01&end=2025-12-31"


def _upload(employer, results, *, verified_at=IN_PERIOD, returned=False, rectified=()):
    upload = RosterUpload.objects.create(
        employer=employer, file_name=f"{employer.pk}.xlsx", stored_path="x", sha256="0" * 64,
        status="verified", verified_at=verified_at,
        returned_at=verified_at + timedelta(days=1) if returned else None,
        return_reason="不完整" if returned else "")
    WorkerResult.objects.bulk_create(
        WorkerResult(upload=upload, sheet="s", row_no=i, result=r,
                     rectified_on=date(2025, 6, 2) if i in rectified else None,
                     rectified_action="dismiss" if i in rectified else "")
        for i, r in enumerate(results))
    return upload


@pytest.fixture
def dataset(cast):
    extra = Organisation.objects.create(kind="enterprise", name="沁水县W煤矿", region_id="140521",
                                        sector="coal_mine",
                                        credit_code=ids.make_credit_code("140521", 9))
    # X: an older upload superseded by the latest one in the period.
    _upload(cast.enterprise_x, ["valid", "not_found"], verified_at=IN_PERIOD - timedelta(days=30))
    _upload(cast.enterprise_x, ["valid", "valid", "expired", "not_found", "rejected"],
            rectified={2})
    _upload(cast.enterprise_y, ["valid"], returned=True)  # sent back: not filed
    _upload(extra, ["valid"], verified_at=IN_PERIOD.replace(year=2024))  # outside the period
    return extra


def _by_name(rows):
    return {r.name: r for r in rows}


def test_figures_per_employer_and_rolled_up(cast, dataset):
    rows = figures.employer_rows(user=cast.inspector_city, period=PERIOD)
    assert set(_by_name(rows)) == {cast.enterprise_x.name, cast.enterprise_y.name, dataset.name}
    x = _by_name(rows)[cast.enterprise_x.name].figures
    assert (x.checked, x.valid, x.found, x.rectified, x.outstanding) == (4, 2, 2, 1, 1)
    assert x.certified_pct == "50.0%"
    assert _by_name(rows)[cast.enterprise_y.name].returned
    roll = figures.rollup(rows)
    assert (roll.overall.employers, roll.overall.filed) == (3, 1)
    assert roll.overall.selfcheck_pct == "33.3%" and roll.overall.certified_pct == "50.0%"
    by_region = {code: f for code, _, f in roll.by_region}
    assert by_region["140521"].selfcheck_pct == "50.0%"
    assert by_region["140522"].selfcheck_pct == "0.0%" and by_region["140522"].certified_pct == "—"
    by_sector = {code: f for code, _, f in roll.by_sector}
    assert by_sector["coal_mine"].employers == 2 and by_sector["hazardous_chemicals"].filed == 0
    cells = {(r, s): f for r, _, s, _, f in roll.by_region_sector}
    assert cells[("140521", "coal_mine")].found == 2


def test_scope_of_the_figures(cast, dataset, client):
    names = lambda user: set(_by_name(figures.employer_rows(user=user, period=PERIOD)))  # noqa: E731
    assert names(cast.inspector_a) == {cast.enterprise_x.name, dataset.name}
    assert names(cast.inspector_b) == {cast.enterprise_y.name}
    assert names(cast.construction_inspector_a) == {cast.construction_site_a.name}
    for user in (cast.user_x, cast.police):
        client.force_login(user)
        assert client.get("/selfcheck/figures/").status_code == 403
    client.force_login(cast.inspector_a)
    page = client.get("/selfcheck/figures/" + QUERY).content.decode()
    assert cast.enterprise_x.name in page and cast.enterprise_y.name not in page
    assert "自查率 <strong>50.0%</strong>" in page
    drill = client.get("/selfcheck/figures/" + QUERY + "&sector=hazardous_chemicals")
    assert cast.enterprise_x.name not in drill.content.decode()


def test_non_filers_are_listed_and_reminded(cast, dataset, client):
    client.force_login(cast.inspector_city)
    page = client.get("/selfcheck/figures/" + QUERY).content.decode()
    form = page.split('data-testid="not-filed"')[1]
    assert cast.enterprise_y.name in form and dataset.name in form
    assert cast.enterprise_x.name not in form
    client.post("/selfcheck/figures/remind/", {"employer": [cast.enterprise_y.pk],
                                                "message": "请于6月30日前完成自查"})
    reminder = Reminder.objects.get()
    assert reminder.employer == cast.enterprise_y and reminder.sender_name == "晋城市应急管理局"
    assert AuditEntry.objects.filter(object_type="selfcheck.reminder").exists()

    client.force_login(cast.user_y)
    assert "请于6月30日前完成自查" in client.get("/selfcheck/uploads/").content.decode()
    client.force_login(cast.user_x)
    assert "请于6月30日前完成自查" not in client.get("/selfcheck/uploads/").content.decode()


def test_reminders_only_within_scope_and_by_regulators(cast, dataset, client):
    client.force_login(cast.inspector_a)  # enterprise Y is in county B
    client.post("/selfcheck/figures/remind/", {"employer": [cast.enterprise_y.pk]})
    client.force_login(cast.user_x)
    client.post("/selfcheck/figures/remind/", {"employer": [cast.enterprise_x.pk]})
    assert not Reminder.objects.exists()


def _page_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/selfcheck/figures/" + QUERY)
    assert response.status_code == 200
    return len(queries)


def _employers(n: int, start: int) -> None:
    for i in range(start, start + n):
        org = Organisation.objects.create(kind="enterprise", name=f"企业{i}", region_id="140521",
                                          sector="coal_mine",
                                          credit_code=ids.make_credit_code("140521", 100 + i))
        _upload(org, ["valid", "expired"], rectified={1} if i % 2 else set())


def test_query_count_does_not_grow_with_employers(cast, client):
    client.force_login(cast.inspector_city)
    _employers(3, 0)
    few = _page_queries(client)
    _employers(27, 3)
    assert _page_queries(client) == few
