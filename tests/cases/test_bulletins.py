"""Typical-case bulletins (一类一通报, 一季度一通报) as PDF and DOCX: masked by rule (name →
某某, ID and phone numbers removed), scanned for what must not be published; approval and
publication audited."""

from __future__ import annotations

import io

import pdfplumber
import pytest
from django.utils import timezone

from certguard.cases import services
from certguard.cases.bulletins import bulletin_docx, bulletin_pdf
from certguard.cases.documents import docx_text
from certguard.cases.masking import ID_PATTERN, PHONE_PATTERN, mask_text, unmasked
from certguard.cases.models import Bulletin
from certguard.core.errors import AppError
from tests.cases.records import WORKER_ID, open_case

HEAD, INSPECTOR = ("department_head", "A"), ("inspector", "A")


def _period() -> str:
    now = timezone.now()
    return f"{now.year}Q{(now.month - 1) // 3 + 1}"


def _closed_case(world):
    case = open_case(world)
    services.case_decide(by=world.user(*INSPECTOR), case_id=case.pk, kind="penalty",
                         article="L30-41-F", text_="警告并罚款3000元", amount=3000)
    services.case_close(by=world.user(*INSPECTOR), case_id=case.pk, closure="penalty")
    return case


def test_masking_rule():
    text = f"张三丰（{WORKER_ID}，13912345678，0356-1234567）"
    masked = mask_text(text, names=["张三丰"])
    assert masked.startswith("张某某") and not unmasked(masked)
    assert unmasked(text) == ["身份证号", "电话号码"]


@pytest.mark.parametrize("kind", ["fake_site_docs", "quarterly"])
def test_a_draft_from_closed_cases_is_masked_in_pdf_and_docx(world, kind):
    _closed_case(world)
    bulletin = services.bulletin_draft(by=world.user(*INSPECTOR), kind=kind, period=_period())
    with pdfplumber.open(io.BytesIO(bulletin_pdf(bulletin))) as pdf:
        pdf_text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    docx = docx_text(bulletin_docx(bulletin))
    for text in (pdf_text, docx):
        assert "王某某" in text and "王五" not in text
        assert not ID_PATTERN.search(text.replace("\n", "")), "ID number in the bulletin"
        assert not PHONE_PATTERN.search(text.replace("\n", "")), "phone number in the bulletin"
        assert "典型案例" in text


def test_no_closed_case_no_bulletin(world):
    with pytest.raises(AppError, match="没有可通报的已结案案件"):
        services.bulletin_draft(by=world.user(*INSPECTOR), kind="unlicensed", period=_period())
    with pytest.raises(AppError, match="期间格式应为"):
        services.bulletin_draft(by=world.user(*INSPECTOR), kind="unlicensed", period="2026-3")
    assert not Bulletin.objects.exists()


def test_an_unmasked_id_number_is_refused_and_nothing_saved(world):
    _closed_case(world)
    bulletin = services.bulletin_draft(by=world.user(*INSPECTOR), kind="quarterly",
                                       period=_period())
    entries = [dict(e) for e in bulletin.entries]
    entries[0]["facts"] += f"（身份证号{WORKER_ID}）"
    with pytest.raises(AppError, match="仍含身份证号") as refused:
        services.bulletin_edit(by=world.user(*INSPECTOR), pk=bulletin.pk, entries=entries)
    assert refused.value.code == "bulletin_unmasked"
    bulletin.refresh_from_db()
    assert WORKER_ID not in str(bulletin.entries)


def test_approval_and_publication_by_the_head_audited(world):
    from certguard.core.audit_spool import audit_ingest
    from certguard.core.models import AuditEntry

    _closed_case(world)
    bulletin = services.bulletin_draft(by=world.user(*INSPECTOR), kind="quarterly",
                                       period=_period())
    with pytest.raises(AppError, match="须经负责人审批后才能发布"):
        services.bulletin_publish(by=world.user(*HEAD), pk=bulletin.pk)
    with pytest.raises(AppError) as refused:
        services.bulletin_approve(by=world.user(*INSPECTOR), pk=bulletin.pk)
    assert refused.value.status == 403
    services.bulletin_approve(by=world.user(*HEAD), pk=bulletin.pk)
    published = services.bulletin_publish(by=world.user(*HEAD), pk=bulletin.pk)
    assert published.status == "published" and published.approved_by == world.user(*HEAD)
    audit_ingest(force=True)
    changes = AuditEntry.objects.filter(object_type="cases.bulletin", action="update")
    assert changes.count() == 2
