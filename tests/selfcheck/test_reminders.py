"""The employer marks a regulator's reminder read (page and API); the sender sees it was read;
nobody else can mark it."""

from __future__ import annotations

import pytest

from certguard.core.errors import Forbidden
from certguard.core.models import AuditEntry
from certguard.selfcheck import figures
from certguard.selfcheck.models import Reminder
from tests.api import api_as


@pytest.fixture
def reminder(cast) -> Reminder:
    (sent,) = figures.reminder_send(by=cast.inspector_city, employer_ids=[cast.enterprise_y.pk],
                                    message="请于6月30日前完成自查")
    return sent


def _banner(response) -> str:
    return response.content.decode().split('data-testid="reminders"')[1].split("</div>")[0]


def test_the_sender_name_defaults_to_the_senders_organisation(reminder):
    assert reminder.sender_name == "晋城市应急管理局" and not reminder.is_read


def test_employer_marks_it_read_on_the_page(cast, client, reminder):
    client.force_login(cast.inspector_city)
    banner = _banner(client.get("/selfcheck/uploads/"))
    assert "请于6月30日前完成自查" in banner and "（未读）" in banner
    assert 'data-testid="reminder-read"' not in banner  # only the recipient marks it

    client.force_login(cast.user_y)
    page = client.get("/selfcheck/uploads/").content.decode()
    action = f'action="/selfcheck/reminders/{reminder.pk}/read/"'
    assert action in page and 'data-testid="reminder-read"' in page
    response = client.post(f"/selfcheck/reminders/{reminder.pk}/read/")
    assert response.status_code == 302 and response["Location"] == "/selfcheck/uploads/"
    reminder.refresh_from_db()
    assert reminder.is_read and reminder.read_by == cast.user_y
    banner = _banner(client.get("/selfcheck/uploads/"))
    assert "请于6月30日前完成自查" in banner and "（已读 " in banner and action not in banner
    entry = AuditEntry.objects.filter(object_type="selfcheck.reminder", action="update").get()
    assert entry.data["fields"] == ["read_at", "read_by", "updated_at"]

    client.force_login(cast.inspector_city)  # the sender sees that it was read
    assert "（已读 " in _banner(client.get("/selfcheck/uploads/"))
    figures_page = client.get("/selfcheck/figures/").content.decode()
    assert "（已读）" in figures_page.split('data-testid="not-filed"')[1]


def test_others_cannot_mark_it_read_on_the_page(cast, client, reminder):
    client.force_login(cast.user_x)  # not its reminder: not found
    assert client.post(f"/selfcheck/reminders/{reminder.pk}/read/").status_code == 404
    client.force_login(cast.inspector_b)  # sees it (county B) but is not the recipient
    client.post(f"/selfcheck/reminders/{reminder.pk}/read/")
    assert "（未读）" in _banner(client.get("/selfcheck/uploads/"))
    client.force_login(cast.user_y)
    assert client.get(f"/selfcheck/reminders/{reminder.pk}/read/").status_code == 405
    reminder.refresh_from_db()
    assert not reminder.is_read


def test_api_lists_and_marks_read(cast, reminder):
    api = api_as(cast.user_y)
    listed = api.get("/api/v1/selfcheck/reminders").json()
    assert [(r["id"], r["is_read"]) for r in listed["results"]] == [(reminder.pk, False)]
    assert api.get("/api/v1/selfcheck/reminders", {"unread": "true"}).json()["count"] == 1

    response = api.post(f"/api/v1/selfcheck/reminders/{reminder.pk}/read")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["is_read"] and body["read_at"] and body["employer_name"] == "阳城县Y化工有限公司"
    again = api.post(f"/api/v1/selfcheck/reminders/{reminder.pk}/read").json()
    assert again["read_at"] == body["read_at"]  # the first time is kept
    assert AuditEntry.objects.filter(object_type="selfcheck.reminder",
                                     action="update").count() == 1
    assert api.get("/api/v1/selfcheck/reminders", {"unread": "true"}).json()["count"] == 0
    assert api.get("/api/v1/selfcheck/reminders", {"unread": "false"}).json()["count"] == 1
    # The regulators responsible see that it was read.
    for user in (cast.inspector_b, cast.inspector_city):
        rows = api_as(user).get("/api/v1/selfcheck/reminders").json()["results"]
        assert [(r["id"], r["is_read"]) for r in rows] == [(reminder.pk, True)]


@pytest.mark.parametrize("who", ["user_x", "inspector_a", "construction_inspector_a"])
def test_reminders_of_others_are_not_listed(cast, reminder, who):
    assert api_as(getattr(cast, who)).get("/api/v1/selfcheck/reminders").json()["count"] == 0


def test_police_do_not_read_reminders(cast, reminder):
    assert api_as(cast.police).get("/api/v1/selfcheck/reminders").status_code == 403


def test_api_refuses_others_and_bad_input(cast, reminder):
    response = api_as(cast.user_x).post(f"/api/v1/selfcheck/reminders/{reminder.pk}/read")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "reminder_not_found"
    response = api_as(cast.inspector_b).post(f"/api/v1/selfcheck/reminders/{reminder.pk}/read")
    assert response.status_code == 403
    assert response.json()["error"] == {"code": "permission_denied",
                                        "message": "无权确认收到自查提醒"}
    response = api_as(cast.user_y).get("/api/v1/selfcheck/reminders", {"unread": "maybe"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "unread_invalid"
    response = api_as(cast.user_y).post("/api/v1/selfcheck/reminders/999999/read")
    assert response.status_code == 404
    reminder.refresh_from_db()
    assert not reminder.is_read


def test_service_refuses_anyone_but_the_recipient(cast, reminder):
    for user in (cast.admin, cast.inspector_city, cast.user_x, None):
        with pytest.raises(Forbidden):
            figures.reminder_mark_read(by=user, reminder=reminder)
    read = figures.reminder_mark_read(by=cast.user_y, reminder=reminder)
    assert read.read_by == cast.user_y
    assert list(figures.reminders_of(user=cast.user_y, unread=True)) == []
