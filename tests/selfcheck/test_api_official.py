"""The official tables through the API: the same files as the page, scoped, logged, and
errors in the one error shape (also when the client asks for a PDF)."""

from __future__ import annotations

import io

import openpyxl
import pytest

from certguard.core.models import AuditEntry
from certguard.selfcheck.models import RosterUpload
from tests.api import api_as, api_error
from tests.selfcheck.verified import verified_upload

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def upload(cast, tmp_path, django_capture_on_commit_callbacks):
    return verified_upload(cast, tmp_path, django_capture_on_commit_callbacks)


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def _url(upload, name: str) -> str:
    return f"/api/v1/selfcheck/uploads/{upload.pk}/official/{name}"


def test_every_applicable_table_as_xlsx_and_pdf(cast, upload):
    api = api_as(cast.user_x)
    for table in ("checklist", "management"):
        xlsx = api.get(_url(upload, f"{table}.xlsx"))
        assert xlsx.status_code == 200, table
        assert xlsx["Content-Type"] == XLSX
        assert "attachment" in xlsx["Content-Disposition"]
        book = openpyxl.load_workbook(io.BytesIO(_body(xlsx)))
        cells = " ".join(str(c.value) for s in book.worksheets for r in s.iter_rows()
                         for c in r if c.value is not None)
        assert cast.enterprise_x.name in cells, table
        pdf = api.get(_url(upload, f"{table}.pdf"), HTTP_ACCEPT="application/pdf")
        assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf", table
        assert _body(pdf).startswith(b"%PDF"), table
    error = api_error(api.get(_url(upload, "register.xlsx")), 400, "table_not_applicable")
    assert "不适用于本单位" in error["message"]
    exports = AuditEntry.objects.filter(action="export", object_type="selfcheck.rosterupload",
                                        object_id=str(upload.pk))
    assert exports.count() == 4 and set(exports.values_list("actor", flat=True)) == {"user_x"}


@pytest.mark.parametrize(("who", "status"), [
    ("user_y", 404), ("inspector_b", 404), ("construction_inspector_a", 404), ("police", 403),
    ("inspector_a", 200), ("inspector_city", 200),
])
def test_downloads_are_scoped(cast, upload, who, status):
    response = api_as(getattr(cast, who)).get(_url(upload, "checklist.pdf"))
    assert response.status_code == status
    if status in (403, 404):
        api_error(response, status, "not_found" if status == 404 else "permission_denied")
        assert not AuditEntry.objects.filter(action="export").exists()


@pytest.mark.parametrize("name", ["other.xlsx", "register.docx", "register.XLSX"])
def test_unknown_tables_and_formats(cast, upload, name):
    error = api_error(api_as(cast.user_x).get(_url(upload, name)), 404, "table_unknown")
    assert "register" in error["message"]


def test_a_filing_not_yet_verified_has_no_tables(cast):
    upload = RosterUpload.objects.create(employer=cast.enterprise_x, file_name="r.csv",
                                         stored_path="x", sha256="0" * 64)
    error = api_error(api_as(cast.user_x).get(_url(upload, "register.pdf"),
                                         HTTP_ACCEPT="application/pdf"), 400, "not_verified")
    assert error["message"] == "花名册尚未核验完成"
