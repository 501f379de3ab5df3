"""The three official tables, XLSX and PDF, filled from one verified upload; the checklist form."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest

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


def _site_user(cast):
    from tests.conftest import _user

    return _user("user_site", cast.construction_site_a, "enterprise_user")


def test_the_tables_that_apply_to_a_coal_mine_download_as_xlsx_and_pdf(cast, client, upload):
    rectification.rectification_record(by=cast.user_x, result=WorkerResult.objects.get(
        result="expired"), action="dismiss", done_on=date(2025, 6, 2))
    assert official_fill.applicable_tables(upload=upload) == ["checklist", "management"]
    client.force_login(cast.user_x)
    for table in ("checklist", "management"):
        xlsx = client.get(f"/selfcheck/uploads/{upload.pk}/official/{table}.xlsx")
        assert xlsx.status_code == 200, table
        assert cast.enterprise_x.name in _cells(openpyxl.load_workbook(io.BytesIO(_body(xlsx))))
        pdf = client.get(f"/selfcheck/uploads/{upload.pk}/official/{table}.pdf")
        assert _body(pdf).startswith(b"%PDF"), table
    page = client.get(f"/selfcheck/uploads/{upload.pk}/official/").content.decode()
    assert "management.xlsx" in page and "register.xlsx" not in page
    refused = client.get(f"/selfcheck/uploads/{upload.pk}/official/register.xlsx", follow=True)
    assert "不适用于本单位" in refused.content.decode()


def test_the_register_lists_every_roster_row_as_the_regulator_needs_it(cast, client, tmp_path,
                                                                       django_capture_on_commit_callbacks):
    user = _site_user(cast)
    upload = verified_upload(cast, tmp_path, django_capture_on_commit_callbacks, by=user,
                             employer=cast.construction_site_a)
    # special-operations certificates on a building site: the special-operations table too
    assert official_fill.applicable_tables(upload=upload) == ["register", "checklist",
                                                              "management"]
    client.force_login(user)
    response = client.get(f"/selfcheck/uploads/{upload.pk}/official/register.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(_body(response))).active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    header = next(r for r in rows if r[0] == "序号")
    lines = {r[1]: dict(zip(header, r, strict=True)) for r in rows[rows.index(header) + 1:]
             if isinstance(r[0], str) and r[0].isdigit()}
    assert len(lines) == upload.accepted_count + upload.rejected_count == 11
    valid = WorkerResult.objects.get(upload=upload, result="valid")
    assert lines["张有效"]["身份证号"] == valid.worker_id_no  # in full, not masked
    assert lines["张有效"]["发证机关"] == "山西省应急管理厅" and lines["张有效"]["性别"] == "男"
    assert lines["张有效"]["系统能否查询"] == "能"
    fake = lines["李假证"]
    assert fake["系统能否查询"] == "不能" and not fake["发证机关"] and not fake["有效期至"]
    lost = lines["丢位数"]
    assert lost["核验结论"].startswith("未核验：") and "丢失" in lost["核验结论"]
    text = _cells(sheet.parent)
    assert "系统查询不到 2 人" in text  # 李假证 and 孙涂改: the same figure in every table
    checklist = _cells(openpyxl.load_workbook(io.BytesIO(_body(client.get(
        f"/selfcheck/uploads/{upload.pk}/official/checklist.xlsx")))))
    assert "查询不到 2 人" in checklist and "数据有误未核验 1 人" in checklist


def test_checklist_states_what_was_checked_and_the_employer_fills_the_rest(cast, client, upload):
    client.force_login(cast.user_x)
    page = client.get(f"/selfcheck/uploads/{upload.pk}/official/").content.decode()
    assert "平台逐人核验 10 人，证书有效 1 人；数据有误未核验 1 人" in page
    assert "证书不存在（疑似假证） 1 人" in page
    assert "未发现造假情况" not in page and "按规定组织年度培训和复训" not in page
    assert 'name="situation_4" rows="3"></textarea>' in page  # blank for the employer
    post = {f"{k}_{i}": f"第{i + 1}项{k}" for i in range(7)
            for k in ("situation", "problems", "measures")}
    post.update(principal="张总", contact="李安全", phone="0356-1234567", period="2025年6月",
                principals_total="1", principals_certified="1", managers_total="3",
                managers_certified="2")
    client.post(f"/selfcheck/uploads/{upload.pk}/official/", post)
    answers = OfficialAnswers.objects.get(upload=upload)
    assert answers.checklist[6]["measures"] == "第7项measures" and answers.managers_total == 3
    data = official_fill.official_data(upload=upload)
    assert data.employer.principal == "张总" and data.counts.managers_certified == 2
    text = _cells(openpyxl.load_workbook(io.BytesIO(_body(client.get(
        f"/selfcheck/uploads/{upload.pk}/official/checklist.xlsx")))))
    assert "第2项situation" in text and "第2项problems" in text
    assert "主要负责人 1 人（考核合格 1 人），安全生产管理人员 3 人（考核合格 2 人）" in text


def test_entered_counts_win_over_the_ledger_which_fills_in_otherwise(cast, upload):
    valid = WorkerResult.objects.get(result="valid")
    LedgerEntry.objects.filter(worker_id_no=valid.worker_id_no).update(post="安全生产管理人员")
    LedgerEntry.objects.filter(worker_name="李假证").update(post="主要负责人")
    counts = official_fill.official_data(upload=upload).counts
    assert (counts.principals_total, counts.principals_certified) == (1, 0)
    assert (counts.managers_total, counts.managers_certified, counts.source) == (1, 1, "持证台账")
    OfficialAnswers.objects.create(upload=upload, principals_total=1, managers_total=3)
    counts = official_fill.official_data(upload=upload).counts
    assert (counts.principals_total, counts.managers_total, counts.source) == (1, 3, "企业填报")


def test_downloads_and_form_are_scoped(cast, client, upload):
    for user, status in ((cast.user_y, 404), (cast.inspector_b, 404), (cast.police, 403),
                         (cast.inspector_a, 200), (cast.inspector_city, 200)):
        client.force_login(user)
        url = f"/selfcheck/uploads/{upload.pk}/official/checklist.xlsx"
        assert client.get(url).status_code == status, user
    client.force_login(cast.inspector_a)  # a regulator reads but does not fill
    client.post(f"/selfcheck/uploads/{upload.pk}/official/", {"situation_0": "x"})
    assert not OfficialAnswers.objects.exists()
    client.force_login(cast.user_x)
    assert client.get(f"/selfcheck/uploads/{upload.pk}/official/other.xlsx").status_code == 404
