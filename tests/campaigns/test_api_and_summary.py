"""Campaign actions through the API, and the 工作总结 DOCX draft pre-filled with the
platform's figures (what it cannot know left to write)."""

from __future__ import annotations

import io

import pytest

from certguard.campaigns import services
from certguard.campaigns.models import Supervision

pytestmark = pytest.mark.django_db


def test_supervision_through_the_api(client, world):
    office = world.user("campaign_office", "city")
    client.force_login(office)
    made = client.post("/api/v1/campaigns/", content_type="application/json", data={"spec": {
        "name": "接口专项", "region": "140500", "start": "2024-08-01", "end": "2030-12-31"}})
    assert made.status_code == 201
    pk = made.json()["id"]
    refused = client.post(f"/api/v1/campaigns/{pk}/supervisions",
                          content_type="application/json",
                          data={"target": world.cast.enterprise_x.pk, "stage": "warn",
                                "reason": "企业未自查"})
    assert refused.status_code == 400 and "国办发〔2024〕54号" in refused.json()["error"][
        "message"]
    step = client.post(f"/api/v1/campaigns/{pk}/supervisions", content_type="application/json",
                       data={"target": world.orgs["yj_B"].pk, "stage": "interview",
                             "reason": "进度滞后"}).json()
    url = f"/api/v1/campaigns/supervisions/{step['id']}"
    early = client.post(url, content_type="application/json",
                        data={"action": "report", "text": "整改报告"})
    assert early.json()["error"]["code"] == "minutes_missing"
    board = client.get(f"/api/v1/campaigns/{pk}").json()
    assert board["name"] == "接口专项"
    assert Supervision.objects.get(pk=step["id"]).stage == "interview"


def test_summary_draft_is_prefilled(client, world):
    from docx import Document

    office = world.user("campaign_office", "city")
    campaign = services.campaign_install(by=office, key="jc-2024")
    client.force_login(office)
    answer = client.get(f"/campaigns/{campaign.pk}/summary.docx")
    assert answer.status_code == 200
    doc = Document(io.BytesIO(b"".join(answer.streaming_content)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "安全生产资格证书涉假专项治理工作总结（草稿）" in text
    assert "晋市应急教发〔2024〕174号" in text and "（待填写）" in text
    cells = [c.text for row in doc.tables[0].rows for c in row.cells]
    # the enforcement app is a data source: its figure is a count, never “暂无数据源”
    count = cells[cells.index("执法检查（次）") + 1]
    assert count.isdigit(), count
    assert "收到举报（件）" in cells
