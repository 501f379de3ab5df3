"""Request-time audit entries go to a spool file first, and reach the table exactly once,
whatever runs at the same time; a bad line is reported and the rest of its file kept."""

import fcntl
import json
import multiprocessing
import os

import pytest

from certguard.core import audit
from certguard.core.audit_chain import audit_seal, audit_verify
from certguard.core.audit_spool import audit_ingest, spool_dir, spool_pending
from certguard.core.models import AuditEntry

UID, SUMMARY = audit.CONTENT_FIELDS.index("uid"), audit.CONTENT_FIELDS.index("summary")


def _query(n, *, start=0, object_type="registry.certificate"):
    token = audit.begin_context(user=None, ip="10.1.2.3")
    for i in range(start, start + n):
        audit.audit_query(object_type=object_type, key=f"k{i}", summary="查询", data={"i": i})
    audit.end_context(token)


def _spool_lines():
    [path] = list(spool_dir().glob("*.jsonl"))
    return path, path.read_bytes().splitlines()


@pytest.mark.django_db
def test_entries_wait_in_the_spool_until_ingested():
    _query(3)
    assert not AuditEntry.objects.filter(action="query").exists()
    assert spool_pending() == 1
    assert audit_ingest() == 3
    entries = AuditEntry.objects.filter(action="query").order_by("id")
    assert [e.data["i"] for e in entries] == [0, 1, 2]
    assert entries[0].ip == "10.1.2.3" and spool_pending() == 0


@pytest.mark.django_db
def test_ingesting_twice_adds_nothing_twice():
    _query(2)
    path, _ = _spool_lines()
    copy = path.read_bytes()
    audit_ingest()
    path.write_bytes(copy)  # as if a crash came after the insert but before the unlink
    audit_ingest()
    assert AuditEntry.objects.filter(action="query").count() == 2


@pytest.mark.django_db
def test_a_file_being_written_is_left_to_its_writer():
    _query(1)
    path, _ = _spool_lines()
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)  # a writer inside its write()
        assert audit_ingest() == 0 and path.exists()
    finally:
        os.close(fd)
    assert audit_ingest() == 1


@pytest.mark.django_db
def test_the_writer_continues_in_a_new_file_after_an_ingest():
    _query(2)
    audit_ingest()  # takes the file the writer still has open
    _query(3, start=2)  # must not go to the unlinked file
    assert spool_pending() == 1
    audit_ingest()
    assert AuditEntry.objects.filter(action="query").count() == 5


@pytest.mark.django_db
def test_a_malformed_line_is_reported_and_the_rest_of_its_file_kept(caplog):
    _query(3)
    path, lines = _spool_lines()
    path.write_bytes(b"\n".join([lines[0], b'{"uid": "torn', lines[1], b"\x00\x1b[31m", lines[2]])
                     + b"\n")
    assert audit_ingest() == 3
    assert sorted(e.data["i"] for e in AuditEntry.objects.filter(action="query")) == [0, 1, 2]
    alarms = AuditEntry.objects.filter(action="alarm", object_id="spool_malformed")
    assert sorted(a.data["line"] for a in alarms) == [2, 4]
    assert '{"uid": "torn' in alarms.get(data__line=2).data["text"]
    assert "第 2 行无法读取" in alarms.get(data__line=2).summary and not path.exists()
    assert "spool_malformed" in caplog.text


@pytest.mark.django_db
def test_a_forged_line_is_refused_and_reported():
    _query(2)
    path, lines = _spool_lines()
    forged = json.loads(lines[1])
    forged[SUMMARY], forged[UID] = "伪造的查询", "f" * 32  # the signature no longer holds
    path.write_bytes(lines[0] + b"\n" + json.dumps(forged, ensure_ascii=False).encode() + b"\n")
    assert audit_ingest() == 1
    assert not AuditEntry.objects.filter(uid="f" * 32).exists()
    alarm = AuditEntry.objects.get(action="alarm", object_id="spool_forged")
    assert "签名不符" in alarm.summary and "伪造的查询" in alarm.data["text"]
    report = audit_verify() if audit_seal() else None
    assert report.ok and report.alarms == 1 and "审计告警 1 条" in report.notes[-1]


@pytest.mark.django_db
def test_a_line_carrying_its_own_seal_fields_is_refused():
    _query(1)
    path, lines = _spool_lines()
    row = json.loads(lines[0])
    row += [1, "", "0" * 64]  # seq, prev_hash, hash
    path.write_bytes(json.dumps(row).encode() + b"\n")
    assert audit_ingest() == 0
    assert AuditEntry.objects.filter(action="alarm", object_id="spool_malformed").exists()


@pytest.mark.django_db
def test_seal_ingests_the_spool_first():
    _query(2)
    audit_seal(force_ingest=True)
    assert AuditEntry.objects.filter(action="query", seq__isnull=False).count() == 2
    assert audit_verify().ok


def _write_entries(first: int, count: int) -> None:
    for i in range(first, first + count):  # one request, one write, as a server does
        _query(1, start=i, object_type="test.concurrent")


@pytest.mark.django_db
def test_no_entry_is_lost_while_seal_and_verify_force_ingests():
    """Four server processes write while `audit seal` / `audit verify` / the admin's verify
    button (all a forced ingest) run over and over."""
    writers = [multiprocessing.get_context("fork").Process(target=_write_entries,
                                                           args=(n * 1000, 400))
               for n in range(4)]
    for writer in writers:
        writer.start()
    while any(writer.is_alive() for writer in writers):
        audit_seal(force_ingest=True)
    for writer in writers:
        writer.join()
        assert writer.exitcode == 0
    audit_seal(force_ingest=True)
    logged = AuditEntry.objects.filter(object_type="test.concurrent")
    assert logged.count() == 1600
    assert len({e.object_id for e in logged}) == 1600
    assert audit_verify().ok and spool_pending() == 0
