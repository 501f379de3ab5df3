"""Request-time audit entries go to a spool file first, and reach the table exactly once."""

import json
import time

import pytest

from certguard.core import audit
from certguard.core.audit_spool import audit_ingest, spool_dir, spool_pending
from certguard.core.models import AuditEntry


def _query(n):
    token = audit.begin_context(user=None, ip="10.1.2.3")
    for i in range(n):
        audit.audit_query(object_type="registry.certificate", key=f"k{i}", summary="查询",
                          data={"i": i})
    audit.end_context(token)


@pytest.mark.django_db
def test_entries_wait_in_the_spool_until_ingested():
    _query(3)
    assert not AuditEntry.objects.filter(action="query").exists()
    assert spool_pending() == 1
    assert audit_ingest(force=True) == 3
    entries = AuditEntry.objects.filter(action="query").order_by("id")
    assert [e.data["i"] for e in entries] == [0, 1, 2]
    assert entries[0].ip == "10.1.2.3" and spool_pending() == 0


@pytest.mark.django_db
def test_ingesting_twice_adds_nothing_twice():
    _query(2)
    path = next(spool_dir().glob("*.jsonl"))
    copy = path.read_bytes()
    audit_ingest(force=True)
    path.write_bytes(copy)  # as if a crash came after the insert but before the unlink
    audit_ingest(force=True)
    assert AuditEntry.objects.filter(action="query").count() == 2


@pytest.mark.django_db
def test_an_open_period_is_left_to_its_writer():
    _query(1)
    assert audit_ingest(force=False) == 0  # the current 2-second period may still grow
    assert spool_pending() == 1


@pytest.mark.django_db
def test_a_torn_file_is_kept_aside_not_lost(caplog):
    path = spool_dir() / f"{int(time.time() // 2) - 10:012d}-999.jsonl"
    good = {"uid": "a" * 32, "at": "2026-01-01T00:00:00+00:00", "actor_id": None, "actor": "",
            "organisation_id": None, "action": "query", "object_type": "x", "object_id": "1",
            "summary": "", "data": {}, "ip": ""}
    path.write_text(json.dumps(good) + "\n" + '{"uid": "b')
    assert audit_ingest() == 0
    assert path.with_suffix(".bad").exists()
    assert "unreadable" in caplog.text


@pytest.mark.django_db
def test_seal_ingests_the_spool_first():
    _query(2)
    audit.audit_seal(force_ingest=True)
    assert AuditEntry.objects.filter(action="query", seq__isnull=False).count() == 2
    assert audit.audit_verify().ok
