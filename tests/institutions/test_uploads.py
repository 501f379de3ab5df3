"""Item 1: records in — the exchange format's training and exams files, CSV or XLSX, checked
row by row, scoped to the filer's own code, kept with the file's fingerprint."""

from __future__ import annotations

import hashlib
import io

import pytest

from certguard.core.errors import AppError
from certguard.institutions import services
from certguard.institutions.models import ExamSitting, RecordUpload, TrainingRecord
from tests.institutions.records import (
    EXAMS_HEADER,
    TRAINING_HEADER,
    csv_bytes,
    exam_centre,
    exams_file,
    person,
    training_file,
)

pytestmark = pytest.mark.django_db


def _reasons(upload) -> dict[int, str]:
    return {r["line"]: r["message"] for r in upload.rejected}


def test_training_file_is_kept_with_its_fingerprint_and_rows(world):
    user, org = world.user("institution_user", "A"), world.orgs["inst_A"]
    data = training_file(org.credit_code)
    upload = services.upload_create(by=user, file_name="classes.csv", data=data)
    assert upload.sha256 == hashlib.sha256(data).hexdigest()
    assert upload.rows_read == 4 and upload.accepted == 4 and upload.rejected_count == 0
    records = TrainingRecord.objects.filter(upload=upload)
    assert records.count() == 4
    assert set(records.values_list("class_kind", flat=True)) == {"initial", "review"}


def test_rows_of_another_institution_are_rejected_row_by_row(world):
    user, org = world.user("institution_user", "A"), world.orgs["inst_A"]
    other = world.orgs["inst_B"].credit_code
    upload = services.upload_create(by=user, file_name="classes.csv",
                                    data=training_file(org.credit_code, other=other))
    assert upload.accepted == 4 and upload.rejected_count == 1
    assert _reasons(upload)[6] == (f"机构代码 {other} 不是本单位的代码（本单位为 "
                                   f"{org.credit_code}），只能报送本单位的记录，该行未导入")
    assert not TrainingRecord.objects.filter(institution_code=other).exists()


def test_class_ending_before_it_starts_is_rejected(world):
    user, org = world.user("institution_user", "A"), world.orgs["inst_A"]
    data = csv_bytes(TRAINING_HEADER, [
        [org.credit_code, "K1", person(1), "王一", "1.2", "2026-03-10", "2026-03-01", 80, "", ""]])
    upload = services.upload_create(by=user, file_name="bad.csv", data=data)
    assert upload.accepted == 0
    assert _reasons(upload) == {2: "结业日期 2026-03-01 早于开班日期 2026-03-10"}
    assert not TrainingRecord.objects.exists()


def test_score_over_100_is_rejected(world):
    org, user = exam_centre(world)
    data = csv_bytes(EXAMS_HEADER, [
        [org.credit_code, person(1), "王一", "1.2", "2026-03-20", "", "", 101, 90, "true"],
        [org.credit_code, person(2), "王二", "1.2", "2026-03-20", "", "", 80, 90, "true"]])
    upload = services.upload_create(by=user, file_name="exams.csv", data=data)
    assert upload.accepted == 1
    assert _reasons(upload) == {2: "理论成绩应在0至100分之间，实际为 101 分"}
    assert list(ExamSitting.objects.values_list("candidate_name", flat=True)) == ["王二"]


def test_xlsx_is_read_like_csv(world):
    import openpyxl

    org, user = exam_centre(world)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(EXAMS_HEADER)
    sheet.append([org.credit_code, person(1), "王一", "1.2", "2026-03-20",
                  "2026-03-20T09:00:00", "2026-03-20T09:50:00", 80, 90, "true"])
    sheet.append([])
    sheet.append(["XX", person(2), "王二", "1.2", "2026-03-20", "", "", 80, 90, "true"])
    handle = io.BytesIO()
    book.save(handle)
    upload = services.upload_create(by=user, file_name="exams.xlsx", data=handle.getvalue())
    assert upload.accepted == 1 and upload.rejected_count == 1
    assert 4 in _reasons(upload)  # the workbook's own row number, blank rows counted


def test_a_file_without_a_required_column_keeps_nothing(world):
    user = world.user("institution_user", "A")
    with pytest.raises(AppError) as caught:
        services.upload_create(by=user, file_name="x.csv", data=b"class_id,hours\nK1,3\n")
    assert caught.value.code == "E_MISSING_COLUMN"
    assert "缺少必填列 institution_code" in caught.value.message
    assert not RecordUpload.objects.exists()


def test_a_corrected_file_replaces_the_same_records(world):
    user, org = world.user("institution_user", "A"), world.orgs["inst_A"]
    services.upload_create(by=user, file_name="a.csv", data=training_file(org.credit_code))
    services.upload_create(by=user, file_name="b.csv", data=training_file(org.credit_code))
    assert TrainingRecord.objects.filter(current=True).count() == 4
    assert TrainingRecord.objects.filter(current=False).count() == 4


def test_only_institutions_upload(world):
    with pytest.raises(AppError) as caught:
        services.upload_create(by=world.user("inspector", "A"), file_name="x.csv",
                               data=exams_file("X"))
    assert caught.value.status == 403


def test_gbk_csv_from_a_chinese_spreadsheet_is_read(world):
    user, org = world.user("institution_user", "A"), world.orgs["inst_A"]
    data = training_file(org.credit_code).decode("utf-8").encode("gb18030")
    upload = services.upload_create(by=user, file_name="gbk.csv", data=data)
    assert upload.accepted == 4
    assert set(TrainingRecord.objects.values_list("trainee_name", flat=True)) == {
        "王一", "王二", "王三", "王四"}


def test_unreadable_workbook_is_a_chinese_message(world):
    user = world.user("institution_user", "A")
    with pytest.raises(AppError) as caught:
        services.upload_create(by=user, file_name="x.xlsx", data=b"PK\x03\x04broken")
    assert caught.value.code == "E_XLSX_CORRUPT" and "Excel" in caught.value.message
    assert not RecordUpload.objects.exists()
