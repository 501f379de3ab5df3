"""The pages: the police's and the prosecutor's inboxes with their work, forms that act
through the same services, bad input shown as a Chinese message, downloads."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from certguard.cases.models import Clock, Referral
from tests.cases.records import open_case, referral_at


def _as(client, user):
    client.force_login(user)
    return client


def test_the_police_see_their_work_and_act_on_it(world, client):
    r = referral_at(world, "transferred")
    page = _as(client, world.user("police", "A")).get("/cases/referrals/").content.decode()
    assert r.transfer_no in page and "公安机关接收并出具回执" in page
    response = client.post(f"/cases/referrals/{r.pk}/police/", {"action": "receipt"})
    assert response.status_code == 302
    r.refresh_from_db()
    assert r.status == "received"
    page = client.get(f"/cases/referrals/{r.pk}/").content.decode()
    assert "公安机关决定是否立案" in page
    letter = client.get(f"/cases/referrals/{r.pk}/letter.pdf")
    assert letter.status_code == 200 and b"".join(letter.streaming_content).startswith(b"%PDF")


def test_the_home_page_of_police_points_to_the_inbox(world, client):
    page = _as(client, world.user("police", "A")).get("/", follow=True).content.decode()
    assert "/cases/referrals/" in page or "移送" in page


def test_a_transfer_without_the_heads_decision_shows_the_reason(world, client):
    r = referral_at(world, "proposed")
    _as(client, world.user("inspector", "A"))
    response = client.post(f"/cases/{r.case_id}/referral/", {"action": "transfer"}, follow=True)
    assert "负责人尚未批准移送" in response.content.decode()
    assert Referral.objects.get().status == "proposed"


def test_the_head_decides_on_the_page_and_sees_overdue(world, client):
    r = referral_at(world, "proposed")
    Clock.objects.filter(referral=r).update(due_at=timezone.now() - timedelta(hours=1))
    _as(client, world.user("department_head", "A"))
    assert r.case.number in client.get("/cases/overdue/").content.decode()
    client.post(f"/cases/{r.case_id}/referral/", {"action": "head_decide", "refer": "1"})
    r.refresh_from_db()
    assert r.status == "approved"
    assert Clock.objects.get(referral=r, kind="head_decision").late


def test_the_case_page_shows_markers_and_the_public_page_masks(world, client):
    case = open_case(world)
    page = _as(client, world.user("inspector", "A")).get(f"/cases/{case.pk}/").content.decode()
    assert "存在售证者" in page and "王五" in page
    client.logout()
    public = client.get("/cases/dishonest/")
    assert public.status_code == 200 and "王五" not in public.content.decode()


def test_bulletin_documents_download(world, client):
    from certguard.cases.models import Bulletin

    case = open_case(world)
    bulletin = Bulletin.objects.create(kind="quarterly", period="2026Q3", title="通报",
                                       organisation=case.organisation, region_id=case.region_id,
                                       department=case.department,
                                       entries=[{"number": case.number, "kind": "",
                                                 "title": "王某某案", "facts": "事实",
                                                 "handling": "罚款"}])
    _as(client, world.user("inspector", "A"))
    for fmt, magic in (("pdf", b"%PDF"), ("docx", b"PK")):
        response = client.get(f"/cases/bulletins/{bulletin.pk}/bulletin.{fmt}")
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(magic)
    response = client.get(f"/cases/bulletins/{bulletin.pk}/bulletin.txt", follow=True)
    assert "格式只能是" in response.content.decode()


def test_the_agency_sees_the_clocks_it_owes(world, client):
    r = referral_at(world, "approved")
    page = _as(client, world.user("inspector", "A")).get("/cases/").content.decode()
    assert "向同级公安机关移送" in page and r.case.number in page


def test_the_supervision_list_shows_the_markers(world, client):
    from certguard.cases import services

    case = open_case(world)
    services.case_decide(by=world.user("inspector", "A"), case_id=case.pk, kind="penalty",
                         article="L30-41-F", text_="罚款", amount=1000)
    services.case_close(by=world.user("inspector", "A"), case_id=case.pk, closure="penalty")
    for role in ("department_head", "prosecutor"):
        page = _as(client, world.user(role, "A")).get("/cases/supervision/").content.decode()
        assert case.number in page and "存在售证者" in page and "伪造、买卖国家机关证件" in page
