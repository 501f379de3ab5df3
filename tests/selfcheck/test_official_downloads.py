"""The three official tables, XLSX and PDF, filled from one verified upload; the checklist form."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest

from certguard.ids import mask_id_no
from certguard.selfcheck import official_fill, rectification
from certguard.selfcheck.models import OfficialAnswers, WorkerResult
from certguard.workforce.models import LedgerEntry
from tests.selfcheck.verified import verified_upload

TABLES = ("register", "checklist", "management")


@pytest.fixture
def upload(cast, tmp_path, django_capture_on_commit_callbacks):
    return verified_upload(cast, tmp_path, django_capture_on_commit_callbacks)


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def _cells(book) -> str:
    return " ".join(str(c.value) for s in book.worksheets for row in s.iter_rows() for c in row
                    if c.value is not None)


def test_every_table_downloads_as_xlsx_and_pdf(cast, client, upload):
    rectification.rectification_record(by=cast.user_x, result=WorkerResult.objects.get(
        result="expired"), action="dismiss", done_on=date(2025, 6, 2))
    client.force_login(cast.user_x)
    for table in TABLES:
        xlsx = client.get(f"/selfcheck/uploads/{upload.pk}/official/{table}.xlsx")
        assert xlsx.status_code == 200, table
        book = openpyxl.load_workbook(io.BytesIO(_body(xlsx)))
        text = _cells(book)
        assert cast.enterprise_x.name in text, table
        pdf = client.get(f"/selfcheck/uploads/{upload.pk}/official/{table}.pdf")
        assert _body(pdf).startswith(b"%PDF"), table
    register = _cells(openpyxl.load_workbook(io.BytesIO(_body(client.get(
        f"/selfcheck/uploads/{upload.pk}/official/register.xlsx")))))
    assert "周过期" in register and "辞退" in register
    assert mask_id_no(WorkerResult.objects.get(result="valid").worker_id_no) in register


def test_checklist_form_prefilled_then_saved_into_the_table(cast, client, upload):
    client.force_login(cast.user_x)
    page = client.get(f"/selfcheck/uploads/{upload.pk}/official/").content.decode()
    assert "核验特种作业等三项岗位人员 10 人，证书有效 1 人" in page
    assert "证书不存在（疑似假证） 1 人" in page
    post = {f"{k}_{i}": f"第{i + 1}项{k}" for i in range(7)
            for k in ("situation", "problems", "measures")}
    post.update(principal="张总", contact="李安全", phone="0356-1234567", period="2025年6月",
                principals_total="1", principals_certified="1", managers_total="3",
                managers_certified="2")
    client.post(f"/selfcheck/uploads/{upload.pk}/official/", post)
    answers = OfficialAnswers.objects.get(upload=upload)
    assert answers.checklist[6]["measures"] == "第7项measures" and answers.managers_total == 3
    data = official_fill.official_data(upload=upload)
    assert data.employer.principal == "张总" and data.managers_certified == 2
    text = _cells(openpyxl.load_workbook(io.BytesIO(_body(client.get(
        f"/selfcheck/uploads/{upload.pk}/official/checklist.xlsx")))))
    assert "第2项situation" in text and "第2项problems" in text


def test_principals_and_managers_come_from_the_ledger(cast, upload):
    valid = WorkerResult.objects.get(result="valid")
    LedgerEntry.objects.filter(worker_id_no=valid.worker_id_no).update(post="安全生产管理人员")
    LedgerEntry.objects.filter(worker_name="李假证").update(post="主要负责人")
    data = official_fill.official_data(upload=upload)
    assert (data.principals_total, data.principals_certified) == (1, 0)
    assert (data.managers_total, data.managers_certified) == (1, 1)


def test_downloads_and_form_are_scoped(cast, client, upload):
    for user, status in ((cast.user_y, 404), (cast.inspector_b, 404), (cast.police, 403),
                         (cast.inspector_a, 200), (cast.inspector_city, 200)):
        client.force_login(user)
        url = f"/selfcheck/uploads/{upload.pk}/official/register.xlsx"
        assert client.get(url).status_code == status, user
    client.force_login(cast.inspector_a)  # a regulator reads but does not fill
    client.post(f"/selfcheck/uploads/{upload.pk}/official/", {"situation_0": "x"})
    assert not OfficialAnswers.objects.exists()
    client.force_login(cast.user_x)
    assert client.get(f"/selfcheck/uploads/{upload.pk}/official/other.xlsx").status_code == 404
