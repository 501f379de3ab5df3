"""Every action through the API with the error shape; the official XLSX and PDF, the
dashboard with ECharts served locally and a table beside each chart."""

from __future__ import annotations

import io

import pytest

from certguard.reporting import services
from certguard.reporting.models import Report
from tests.reporting.conftest import report_of

pytestmark = pytest.mark.django_db


def _post(client, user, url, data):
    client.force_login(user)
    return client.post(url, data=data, content_type="application/json")


def test_the_whole_round_through_the_api(client, period, offices):
    report = report_of(period, "140521")
    base = f"/api/v1/reporting/reports/{report.pk}"
    assert _post(client, offices["A"], f"{base}/fill", {"action": "compute"}).status_code == 200
    bad = _post(client, offices["A"], f"{base}/fill",
                {"action": "enter", "measure": "publicity", "value": "-3"})
    assert bad.status_code == 400
    assert bad.json()["error"]["message"] == "“宣传报道（篇）”应为不小于0的数字"
    _post(client, offices["A"], f"{base}/fill",
          {"action": "enter", "measure": "publicity", "value": "2"})
    done = _post(client, offices["A"], f"{base}/fill", {"action": "submit"})
    assert done.json()["status"] == "submitted"
    refused = _post(client, offices["city"], f"{base}/review", {"action": "return"})
    assert refused.status_code == 400
    assert refused.json()["error"] == {"code": "reason_required", "message": "退回报表必须填写理由",
                                       "fields": {"reason": ["必填"]}}
    assert Report.objects.get(pk=report.pk).status == "submitted"
    ok = _post(client, offices["city"], f"{base}/review", {"action": "approve"})
    assert ok.json()["status"] == "approved"
    again = _post(client, offices["A"], f"{base}/fill", {"action": "submit"})
    assert again.status_code == 400 and again.json()["error"]["code"] == "already_approved"
    unlock = _post(client, offices["city"], f"{base}/review",
                   {"action": "unlock", "measure": "publicity", "reason": "篇数有误"})
    publicity = next(v for v in unlock.json()["values"] if v["measure"] == "publicity")
    assert publicity["locked"] is False
    drill = client.get(f"{base}/records?measure=tips")
    assert drill.status_code == 200 and drill.json()["parts"][0]["ref"] == "tips.received"
    detail = client.get(f"/api/v1/reporting/periods/{period.pk}").json()
    assert detail["completeness"][0]["submitted"] == 1


def test_an_unknown_period_and_a_bad_formula_through_the_api(client, world, version, offices,
                                                             verified_client):
    client.force_login(offices["city"])
    assert client.get("/api/v1/reporting/periods/999999").status_code == 404
    answer = _post(client, offices["city"], "/api/v1/reporting/periods",
                   {"version": version.pk, "region": "140500", "start": "2024-13-01"})
    assert answer.status_code == 400
    assert answer.json()["error"]["message"] == "开始日期不存在：2024-13-01（格式 YYYY-MM-DD）"
    admin = verified_client(world.cast.admin)
    answer = admin.post("/api/v1/reporting/forms", content_type="application/json", data={
        "code": "x", "name": "x", "period_type": "monthly", "fill_level": "county",
        "due": {"day": 25}, "layout": {"measures": [{"code": "a", "label": "甲",
                                                     "formula": "tips.bogus"}]}})
    assert answer.status_code == 400
    assert answer.json()["error"]["message"] == "第1项“甲”：公式引用了未知的指标：tips.bogus"


@pytest.mark.usefixtures("enforcement_not_built")
def test_xlsx_and_pdf_in_the_official_layout(client, period, offices):
    from openpyxl import load_workbook

    report = report_of(period, "140521")
    services.report_compute(by=offices["A"], report_id=report.pk)
    client.force_login(offices["A"])
    xlsx = client.get(f"/reporting/reports/{report.pk}/table.xlsx")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert cells[0] == "测试月报"
    assert "累计数据" in cells and "暂无数据源" in cells and "（盖章）" in " ".join(cells)
    pdf = client.get(f"/reporting/reports/{report.pk}/table.pdf")
    import pdfplumber

    with pdfplumber.open(io.BytesIO(b"".join(pdf.streaming_content))) as doc:
        text = "".join(page.extract_text() or "" for page in doc.pages)
    assert "测试月报" in text.replace(" ", "") and "盖章" in text


def test_dashboard_serves_echarts_locally_with_tables(client, period, offices):
    from django.contrib.staticfiles import finders

    assert finders.find("vendor/echarts/echarts.min.js")
    report = report_of(period, "140521")
    services.report_compute(by=offices["A"], report_id=report.pk)
    services.value_enter(by=offices["A"], report_id=report.pk, measure="publicity", value="4")
    services.report_submit(by=offices["A"], report_id=report.pk)
    client.force_login(offices["city"])
    page = client.get("/reporting/dashboard/?form=t-monthly&measure=publicity").content.decode()
    assert "vendor/echarts/echarts.min.js" in page and "cdn" not in page.lower()
    for table in ("trend-table", "units-table", "sectors-table"):
        assert f'data-testid="{table}"' in page
    assert "<td>沁水县</td><td>4.0</td>" in page


@pytest.mark.usefixtures("enforcement_not_built")
def test_report_page_shows_missing_sources_and_drill_links(client, period, offices):
    report = report_of(period, "140521")
    services.report_compute(by=offices["A"], report_id=report.pk)
    client.force_login(offices["A"])
    page = client.get(f"/reporting/reports/{report.pk}/").content.decode()
    assert "暂无数据源" in page and f"/reporting/reports/{report.pk}/records/?measure=tips" in page
