"""The pages: the institution uploads, answers and files; a bad input is a Chinese message on
the page and nothing half-saved; the regulator sees progress and sends a filing back."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from certguard.institutions.models import Filing, Finding, Plan
from certguard.institutions.reference import CHECKLISTS
from tests.institutions.filings_data import period
from tests.institutions.records import training_file

pytestmark = pytest.mark.django_db


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_institution_works_through_the_pages(world, client):
    client.force_login(world.user("institution_user", "A"))
    org = world.orgs["inst_A"]
    data = training_file(org.credit_code, other=world.orgs["inst_B"].credit_code)
    page = client.post("/institutions/upload/", {"file": SimpleUploadedFile("k.csv", data)},
                       follow=True)
    assert "已上传：接受 4 行，拒绝 1 行" in _messages(page)
    assert "不是本单位的代码" in page.content.decode()
    short = Finding.objects.get(rule="R12")
    past = (timezone.localdate() - timedelta(days=3)).isoformat()
    page = client.post(f"/institutions/findings/{short.pk}/",
                       {"kind": "plan", "text": "补课", "deadline": past}, follow=True)
    assert any("已经过去" in m for m in _messages(page))
    assert not Plan.objects.exists()
    p = period(closes_in=-1)
    form = {f"situation_{i.key}": "已自查" for i in CHECKLISTS["training"]}
    page = client.post(f"/institutions/periods/{p.pk}/file/", form, follow=True)
    assert any("本次报送已记录为逾期报送" in m for m in _messages(page))
    filing = Filing.objects.get()
    assert filing.late
    xlsx = client.get(f"/institutions/filings/{filing.pk}/checklist.xlsx")
    assert xlsx.status_code == 200


def test_regulator_sees_progress_and_returns(world, client):
    client.force_login(world.user("institution_user", "A"))
    client.post("/institutions/upload/", {"file": SimpleUploadedFile(
        "k.csv", training_file(world.orgs["inst_A"].credit_code))})
    p = period()
    client.post(f"/institutions/periods/{p.pk}/file/",
                {f"situation_{i.key}": "已自查" for i in CHECKLISTS["training"]})
    filing = Filing.objects.get()
    client.force_login(world.user("inspector", "A"))
    page = client.get("/institutions/").content.decode()
    assert 'data-testid="overview"' in page and "沁水县安全培训中心" in page
    page = client.post(f"/institutions/filings/{filing.pk}/", {"reason": ""}, follow=True)
    assert "请填写退回理由" in _messages(page)
    client.post(f"/institutions/filings/{filing.pk}/", {"reason": "第2项未如实填写"})
    filing.refresh_from_db()
    assert filing.status == "returned" and filing.return_reason == "第2项未如实填写"
    client.force_login(world.user("inspector", "B"))
    assert client.get(f"/institutions/filings/{filing.pk}/").status_code == 404


def test_campaign_office_opens_a_period_and_reads_the_figures(world, client):
    client.force_login(world.user("campaign_office", "city"))
    page = client.post("/institutions/periods/", {"name": "第二阶段", "start": "2026-05-01",
                                                  "end": "2026-04-01",
                                                  "closes_on": "2026-05-10"}, follow=True)
    assert "自查期间的结束日期早于开始日期" in _messages(page)
    client.post("/institutions/periods/", {"name": "第二阶段", "start": "2026-05-01",
                                           "end": "2026-06-30", "closes_on": "2026-07-10"})
    assert "第二阶段" in client.get("/institutions/periods/").content.decode()
    page = client.get("/institutions/figures/?figure=filed")
    assert page.status_code == 200 and 'data-testid="institution-figures"' in page.content.decode()
    bad = client.get("/institutions/figures/?region=abc", follow=True)
    assert "地区应为2至6位行政区划代码" in _messages(bad)
