"""The pages a clerk uses: fill and submit, return without a reason refused with its Chinese
message, approval, the period's completeness with the non-submitters and a reminder."""

from __future__ import annotations

import pytest

from certguard.reporting.models import Report, ReportEvent
from tests.reporting.conftest import report_of

pytestmark = pytest.mark.django_db


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_fill_submit_return_and_approve_on_the_pages(client, period, offices):
    report = report_of(period, "140521")
    client.force_login(offices["A"])
    client.post(f"/reporting/reports/{report.pk}/fill/", {"action": "compute"})
    answer = client.post(f"/reporting/reports/{report.pk}/fill/",
                         {"action": "enter", "measure": "publicity", "value": "abc"},
                         follow=True)
    assert "“宣传报道（篇）”应填写数字" in _messages(answer)
    client.post(f"/reporting/reports/{report.pk}/fill/",
                {"action": "enter", "measure": "publicity", "value": "1"})
    answer = client.post(f"/reporting/reports/{report.pk}/fill/", {"action": "submit"},
                         follow=True)
    assert any(m.startswith("已报送") for m in _messages(answer))
    client.force_login(offices["city"])
    page = client.get(f"/reporting/reports/{report.pk}/").content.decode()
    assert "审核通过（锁定）" in page and "根据业务记录计算" not in page
    answer = client.post(f"/reporting/reports/{report.pk}/review/",
                         {"action": "return", "reason": ""}, follow=True)
    assert "退回报表必须填写理由" in _messages(answer)
    assert Report.objects.get(pk=report.pk).status == "submitted"
    client.post(f"/reporting/reports/{report.pk}/review/", {"action": "approve"})
    assert Report.objects.get(pk=report.pk).status == "approved"


def test_period_page_lists_non_submitters_and_reminds_them(client, period, offices):
    client.force_login(offices["city"])
    page = client.get(f"/reporting/periods/{period.pk}/").content.decode()
    assert "沁水县" in page and "向未报送单位催报" in page
    client.post(f"/reporting/periods/{period.pk}/", {"message": "请于25日前报送"})
    assert ReportEvent.objects.filter(kind="remind", reason="请于25日前报送").count() == \
        period.reports.filter(level="county").count()
    client.force_login(offices["A"])
    home = client.get("/reporting/").content.decode()
    assert "测试月报" in home and "上级已催报 1 次" in home
