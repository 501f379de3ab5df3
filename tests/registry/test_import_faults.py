"""Faults during an import: the disk full under the report, the database failing or gone in
the middle of the merge, a million bad rows. The import is all or nothing: afterwards the
registry is exactly as it was, and the message says so."""

import pytest
from django.db import OperationalError, connection

from certguard.core.errors import AppError
from certguard.core.jobs import job_run, job_start
from certguard.core.scoping import COMMAND_LINE
from certguard.registry import importer
from certguard.registry.importer import certificates_import
from certguard.registry.models import Certificate, CertificateEvent, Holder, ImportBatch

from .importfiles import OTHER_ID, csv_text, person, row, write_csv


def _registry() -> tuple:
    return (Certificate.objects.count(), Holder.objects.count(),
            CertificateEvent.objects.count(), ImportBatch.objects.count(),
            sorted(Certificate.objects.values_list("cert_no", "item_code", "status")))


def test_disk_full_under_the_report_changes_nothing(cast, tmp_path):
    certificates_import(by=COMMAND_LINE, path=write_csv(tmp_path, [row()], name="a.csv"))
    before = _registry()
    path = write_csv(tmp_path, [row(status="revoked"), row(OTHER_ID, "钱小红"),
                                row("123", "某人", cert_no="T123")], name="b.csv")
    with pytest.raises(AppError) as failure:
        certificates_import(by=COMMAND_LINE, path=path, report_path="/dev/full")
    assert failure.value.code == "E_DISK_FULL"
    assert "磁盘空间已满" in failure.value.message and "证书库未作任何改动" in failure.value.message
    assert _registry() == before


def test_database_failing_in_the_middle_of_the_merge_changes_nothing(cast, tmp_path,
                                                                     monkeypatch):
    certificates_import(by=COMMAND_LINE, path=write_csv(tmp_path, [row()], name="a.csv"))
    before = _registry()

    def broken_audit(*args, **kwargs):  # after the rows are written, before the commit
        assert Certificate.objects.count() > before[0]
        raise OperationalError("disk I/O error")

    monkeypatch.setattr(importer, "_audit", broken_audit)
    path = write_csv(tmp_path, [row(status="revoked"), row(OTHER_ID, "钱小红")], name="b.csv")
    with pytest.raises(AppError) as failure:
        certificates_import(by=COMMAND_LINE, path=path)
    assert failure.value.code == "E_DATABASE"
    assert "整体撤销" in failure.value.message
    assert _registry() == before


@pytest.mark.django_db(transaction=True)
def test_database_restarted_during_the_merge(cast, tmp_path, monkeypatch):
    """PostgreSQL only: the import's server process is terminated (as a restart does)."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite has no server to restart")
    import psycopg

    settings = connection.settings_dict
    killer = psycopg.connect(host=settings["HOST"] or "127.0.0.1", port=settings["PORT"] or 5432,
                             user=settings["USER"], dbname=settings["NAME"], autocommit=True)
    real_merge = importer.store.merge

    def merge_then_die(context, step):
        real_merge(context, step)
        pid = connection.connection.info.backend_pid
        killer.execute("SELECT pg_terminate_backend(%s)", [pid])

    monkeypatch.setattr(importer.store, "merge", merge_then_die)
    path = write_csv(tmp_path, [row(), row(OTHER_ID, "钱小红")])
    with pytest.raises(AppError) as failure:
        certificates_import(by=COMMAND_LINE, path=path)
    killer.close()
    assert failure.value.code == "E_DATABASE"
    connection.close()
    assert (Certificate.objects.count(), ImportBatch.objects.count()) == (0, 0)


def test_a_hundred_thousand_bad_rows_stream_to_the_report(cast, tmp_path):
    bad = [row(person(i)[:-1] + "0", "李某", cert_no=f"T{i}") for i in range(100_000)]
    path = tmp_path / "bad.csv"
    path.write_text(csv_text([row(), *bad]), encoding="utf-8")
    report = certificates_import(by=COMMAND_LINE, path=path, report_path=tmp_path / "r.csv")
    assert (report.rows_read, report.inserted, report.rejected_count) == (100_001, 1, 100_000)
    assert len(report.rejected) == 1000  # kept for the screen; all are in the file
    lines = (tmp_path / "r.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 100_001 and lines[0] == "行号,列,代码,原因"
    assert "拒绝 100000 行" in report.summary and "共 100000 行" in report.summary


def test_a_failed_job_says_why_and_is_never_marked_done(cast, tmp_path, settings):
    upload = tmp_path / "upload.csv.gz"
    upload.write_bytes(b"\x1f\x8b\x08\x00" + b"\x00" * 40)
    job = job_start(kind="registry_import", title="导入", owner=cast.issuer,
                    params={"path": str(upload), "file_name": "证书.csv.gz", "dry_run": False})
    job = job_run(job_id=job.pk)
    assert job.status == "failed" and job.result is None
    assert "压缩文件" in job.error and str(tmp_path) not in job.error
    assert not Certificate.objects.exists()
