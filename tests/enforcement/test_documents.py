"""Documents: numbered per authority, kind and year without gaps (a failed document gives its
number back), the format a setting per authority, a number typed by hand refused; the order's
deadline creates the 复查 task; the review only after an order; PDFs open in pdftoppm."""

from __future__ import annotations

import shutil
import subprocess
from datetime import timedelta

import pdfplumber
import pytest
from django.utils import timezone

from certguard.core.errors import AppError
from certguard.enforcement import services
from certguard.enforcement.models import (
    AuthoritySettings,
    Document,
    DocumentCounter,
    RectificationOrder,
    Task,
)
from tests.enforcement.records import new_task, team

pytestmark = pytest.mark.django_db


def _order(t, task, days=10):
    return services.order_issue(by=t.inspector, task_id=task.pk,
                                deadline=timezone.localdate() + timedelta(days=days),
                                items="停止无证人员作业，组织培训取证")


def test_order_creates_the_reinspection_task_and_numbers_run_on(world):
    t = team(world)
    AuthoritySettings.objects.create(organisation=world.orgs["yj_A"], short_name="沁应急",
                                     number_format="{short}{word}〔{year}〕{n}号")
    task = new_task(t, status="in_progress")
    first, second = _order(t, task), _order(t, task, days=20)
    year = timezone.localdate().year
    assert first.document.number == f"沁应急责改〔{year}〕1号"
    assert second.document.number == f"沁应急责改〔{year}〕2号"
    re = Task.objects.get(parent_order=first)
    assert re.source == "reinspection" and re.planned_on == first.deadline
    assert re.status == "draft" and re.members.count() == 2


def test_past_deadline_is_refused_and_number_not_used(world):
    t = team(world)
    task = new_task(t, status="in_progress")
    for days in (0, -3):
        with pytest.raises(AppError) as err:
            _order(t, task, days=days)
        assert err.value.code == "deadline_past" and "整改期限" in err.value.message
    assert not Document.objects.exists() and not RectificationOrder.objects.exists()
    assert not DocumentCounter.objects.filter(last__gt=0).exists()
    order = _order(t, task)
    assert order.document.seq == 1


def test_a_number_typed_by_hand_is_refused(world):
    t = team(world)
    task = new_task(t, status="in_progress")
    with pytest.raises(AppError) as err:
        services.order_issue(by=t.inspector, task_id=task.pk, items="整改",
                             deadline=timezone.localdate() + timedelta(days=5),
                             number="（沁）应急责改〔2024〕99号")
    assert err.value.code == "number_manual" and "不能手工填写" in err.value.message
    assert not Document.objects.exists()


def test_review_needs_an_order(world):
    t = team(world)
    task = new_task(t, status="in_progress")
    with pytest.raises(AppError) as err:
        services.review_issue(by=t.inspector, task_id=task.pk, corrected=True, opinion="已整改")
    assert err.value.code == "no_order" and "整改指令书" in err.value.message
    assert not Document.objects.exists()


def test_not_corrected_suggests_escalation(world):
    t = team(world)
    task = new_task(t, status="in_progress")
    services.finding_add(by=t.inspector, task_id=task.pk, kind="uncertified",
                         description="2名电焊工无证", people=2)
    order = _order(t, task)
    re = Task.objects.get(parent_order=order)
    services.task_submit(by=t.inspector, task_id=re.pk)
    services.task_approve(by=t.head, task_id=re.pk)
    services.task_start(by=t.inspector, task_id=re.pk)
    review = services.review_issue(by=t.inspector, task_id=re.pk, corrected=False,
                                   opinion="逾期仍有1名无证人员作业")
    escalation = review.content["escalation"]
    assert escalation["article"] == "AQSCF-97-7-U" and escalation["suspension"]
    assert escalation["min"] == "130000.00" and "停产停业整顿" in escalation["message"]
    order.refresh_from_db()
    assert order.status == "not_corrected"


def test_record_pdf_opens_and_states_what_was_checked(world, client, tmp_path):
    from tests.core.test_permission_matrix import _sign_in

    t = team(world)
    task = new_task(t, status="in_progress")
    services.checklist_set(by=t.inspector, task_id=task.pk, code="E2", result="problem",
                           note="1名电焊工无证")
    services.task_complete(by=t.inspector, task_id=task.pk, handling="责令限期整改",
                           unit_signed=False, refusal_note="企业负责人拒绝签字，已录像")
    record = services.record_issue(by=t.inspector, task_id=task.pk)
    _sign_in(client, t.inspector)
    response = client.get(f"/enforcement/documents/{record.pk}.pdf")
    assert response.status_code == 200
    path = tmp_path / "record.pdf"
    path.write_bytes(b"".join(response.streaming_content))
    with pdfplumber.open(path) as pdf:
        text = "".join(page.extract_text() or "" for page in pdf.pages)
    assert "现场检查记录" in text and record.number in text and "拒绝签字" in text
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", "30", "-png", str(path), str(tmp_path / "p")],
                       check=True, capture_output=True)
        assert list(tmp_path.glob("p*.png"))


def test_number_format_is_checked_in_the_admin_form(world):
    from certguard.enforcement.admin import AuthoritySettingsForm

    form = AuthoritySettingsForm(data={"organisation": world.orgs["yj_A"].pk,
                                       "short_name": "沁应急", "number_format": "{short}第{n}号"})
    assert not form.is_valid() and "{year}" in form.errors["number_format"][0]
