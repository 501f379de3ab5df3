"""Importing certificates in the exchange format: every row accepted or reported, no half-load."""

import csv
import gzip
import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction

from certguard import ids
from certguard.core.errors import AppError
from certguard.registry.importer import certificates_import
from certguard.registry.models import Certificate, ImportBatch
from certguard.registry.verification import VerifyQuery, verify_certificate
from tests.conftest import verified_login

HEADER = ["cert_no", "id_no", "name", "family", "item_code", "issuer_code", "first_issued",
          "valid_from", "valid_until", "review_due", "status", "source"]
GOOD_ID = ids.make_id_no("140521", date(1980, 5, 1), 11)
OTHER_ID = ids.make_id_no("140522", date(1979, 2, 3), 21)


def _row(id_no=GOOD_ID, name="赵大勇", **over):
    row = {"cert_no": "T" + id_no, "id_no": id_no, "name": name, "family": "special_ops",
           "item_code": "1.2", "issuer_code": "140000-YJ", "first_issued": "2021-03-01",
           "valid_from": "2021-03-01", "valid_until": "2027-02-28", "review_due": "2024-03-01",
           "status": "valid", "source": "gd-yj"}
    return {**row, **over}


def _csv(tmp_path, rows, name="certs.csv", header=HEADER):
    path = tmp_path / name
    with open(path, "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_good_rows_load_and_bad_rows_are_reported_with_line_and_reason(cast, tmp_path):
    bad_check = GOOD_ID[:-1] + ("0" if GOOD_ID[-1] != "0" else "1")
    path = _csv(tmp_path, [
        _row(),
        _row(OTHER_ID, "钱小红", item_code="2.1"),
        _row(bad_check, "孙某", cert_no="T" + bad_check),
        _row(OTHER_ID, "钱小红", item_code="99.9"),
        _row(OTHER_ID, "钱小红", cert_no="T" + GOOD_ID, item_code="3.1"),
        _row(OTHER_ID, "李四", item_code="1.1"),
    ])
    report = certificates_import(by=cast.issuer, path=path)
    assert (report.rows_read, report.inserted, report.updated) == (6, 2, 0)
    reasons = {r.line: r.code for r in report.rejected}
    assert reasons == {4: "id_check_char", 5: "item_unknown", 6: "certno_id_mismatch",
                       7: "holder_name_conflict"}
    cert = Certificate.objects.get(cert_no="T" + OTHER_ID, item_code="2.1")
    assert (cert.name, cert.issuer, cert.source) == ("钱小红", cast.issuing_authority, "gd-yj")
    answer = verify_certificate(query=VerifyQuery(name="钱小红", id_no=OTHER_ID))
    assert answer["result"] == "found"


def test_reimport_updates_and_keeps_the_batch(cast, tmp_path):
    certificates_import(by=cast.issuer, path=_csv(tmp_path, [_row()]))
    report = certificates_import(by=cast.issuer, path=_csv(tmp_path, [_row(status="revoked")]))
    assert (report.inserted, report.updated) == (0, 1)
    cert = Certificate.objects.get()
    assert cert.status == "revoked" and cert.import_batch == ImportBatch.objects.first()


def test_missing_column_refuses_the_whole_file(cast, tmp_path):
    path = _csv(tmp_path, [_row()], header=[h for h in HEADER if h != "valid_until"])
    with pytest.raises(AppError) as failure:
        certificates_import(by=cast.issuer, path=path)
    assert "valid_until" in failure.value.message
    assert not Certificate.objects.exists()


def test_dry_run_writes_nothing(cast, tmp_path):
    report = certificates_import(by=cast.issuer, path=_csv(tmp_path, [_row()]), dry_run=True)
    assert report.accepted == 1 and not Certificate.objects.exists()


def test_gzip_xlsx_and_parquet(cast, tmp_path):
    import openpyxl
    import pyarrow as pa
    import pyarrow.parquet as pq

    plain = _csv(tmp_path, [_row()])
    gz = tmp_path / "certs.csv.gz"
    gz.write_bytes(gzip.compress(plain.read_bytes()))
    assert certificates_import(by=cast.issuer, path=gz).inserted == 1
    book = openpyxl.Workbook()
    book.active.append(HEADER)
    book.active.append(list(_row(OTHER_ID, "钱小红").values()))
    book.save(tmp_path / "certs.xlsx")
    assert certificates_import(by=cast.issuer, path=tmp_path / "certs.xlsx").inserted == 1
    third = ids.make_id_no("140525", date(1990, 1, 1), 31)
    pq.write_table(pa.Table.from_pylist([_row(third, "周三")]), tmp_path / "c.parquet")
    assert certificates_import(by=cast.issuer, path=tmp_path / "c.parquet").inserted == 1
    assert Certificate.objects.count() == 3


def test_only_issuers_and_admins_import(cast, tmp_path):
    with pytest.raises(AppError) as failure:
        certificates_import(by=cast.inspector_a, path=_csv(tmp_path, [_row()]))
    assert failure.value.code == "permission_denied"


def test_cli_prints_the_report_and_writes_rejects(cast, tmp_path, capsys):
    path = _csv(tmp_path, [_row(), _row("123", "某人", cert_no="T123")])
    call_command("registry", "import", str(path), "--report", str(tmp_path / "rej.csv"))
    out = capsys.readouterr().out
    assert '"inserted": 1' in out and '"rejected_count": 1' in out
    rejected = (tmp_path / "rej.csv").read_text(encoding="utf-8-sig")
    assert "id_length" in rejected
    with pytest.raises(CommandError):
        call_command("registry", "import", str(tmp_path / "missing.csv"))


def test_issuer_ui_import_runs_as_a_job(cast, client, tmp_path, django_capture_on_commit_callbacks):
    verified_login(client, cast.issuer)
    content = io.BytesIO()
    content.write(_csv(tmp_path, [_row(), _row("123", "某人", cert_no="T123")]).read_bytes())
    upload = SimpleUploadedFile("certs.csv", content.getvalue(), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/issuer/import/", {"file": upload})
    page = client.get(response["Location"]).content.decode()
    assert "接受 1 行" in page and "拒绝 1 行" in page
    rejects = client.get(response["Location"] + "rejected.csv")
    assert b"id_length" in b"".join(rejects.streaming_content)
    client.force_login(cast.user_x)
    assert client.get("/issuer/import/").status_code == 403


def test_every_index_is_back_after_a_bulk_first_load(cast, tmp_path):
    from django.db import connection

    def indexes():
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT indexname FROM pg_indexes "
                               "WHERE tablename = 'registry_certificate'")
            else:
                cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index' "
                               "AND tbl_name = 'registry_certificate'")
            return sorted(r[0] for r in cursor.fetchall())

    before = indexes()
    report = certificates_import(by=cast.issuer, path=_csv(tmp_path, [_row()]))
    assert report.inserted == 1 and report.bulk_load == (connection.vendor == "postgresql")
    assert indexes() == before and "registry_cert_id_no" in before


def _unique_keys():
    from django.db import connection

    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
                       "FROM pg_constraint WHERE contype = 'u' AND conrelid IN "
                       "('registry_holder'::regclass, 'registry_certificate'::regclass) "
                       "ORDER BY 1, 2")
        return cursor.fetchall()


def test_the_unique_keys_are_back_after_a_bulk_first_load(cast, tmp_path):
    """PostgreSQL drops them during a bulk load and rebuilds them once with the rows in."""
    before = _unique_keys()
    certificates_import(by=cast.issuer, path=_csv(tmp_path, [_row()]))
    assert _unique_keys() == before
    with pytest.raises(IntegrityError):  # and the rebuilt key holds
        with transaction.atomic():
            first = Certificate.objects.first()
            first.pk = None
            first.save()


def test_a_failed_bulk_load_leaves_every_index_and_key(cast, tmp_path, monkeypatch):
    from django.db import OperationalError

    from certguard.registry import importer

    before = (_unique_keys(), Certificate.objects.count())

    def broken_audit(*args, **kwargs):
        raise OperationalError("disk I/O error")

    monkeypatch.setattr(importer, "_audit", broken_audit)
    with pytest.raises(AppError):
        certificates_import(by=cast.issuer, path=_csv(tmp_path, [_row()]))
    assert (_unique_keys(), Certificate.objects.count()) == before


def test_a_bulk_load_leaves_the_planner_statistics_of_what_it_wrote(cast, tmp_path):
    """PostgreSQL: without them a lookup by ID number was planned as a scan of the table."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite's planner prefers the index without statistics")
    report = certificates_import(by=cast.issuer, path=_csv(tmp_path, [_row()]))
    assert report.bulk_load
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stats WHERE schemaname = current_schema() "
                       "AND tablename = 'registry_certificate' AND attname = 'id_no'")
        assert cursor.fetchone() == (1,)
