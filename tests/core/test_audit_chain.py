"""The audit log is append-only and hash-chained; `audit verify` names the first tampered entry."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from certguard.core.audit import audit_record
from certguard.core.audit_chain import audit_seal, audit_verify
from certguard.core.dbguards import remove_audit_guards
from certguard.core.models import AuditEntry, AuditSeal


def _entries(n):
    for i in range(n):
        audit_record(action="update", object_type="test.thing", object_id=i, summary=f"第{i}次")
    audit_seal()


def _drop_guards():
    """What someone with full database rights can do; the chain must still tell."""
    remove_audit_guards(connection)


@pytest.mark.django_db
def test_changes_are_logged_with_who_and_what(cast):
    entry = AuditEntry.objects.filter(object_type="orgs.organisation",
                                      object_id=str(cast.enterprise_x.pk)).get()
    assert entry.action == "create"
    assert entry.data["after"]["credit_code"] == cast.enterprise_x.credit_code
    user = AuditEntry.objects.filter(object_type="orgs.user").first().data["after"]
    assert user["password"] == "***" and user["username"]


@pytest.mark.django_db
def test_sealed_chain_verifies():
    before = AuditEntry.objects.count()  # reference data loaded at migrate is logged too
    _entries(10)
    report = audit_verify()
    assert report.ok and report.checked == before + 10
    assert list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True)) == list(
        range(1, before + 11))


@pytest.mark.django_db
def test_sealing_is_incremental_and_links_batches():
    _entries(3)
    _entries(4)
    assert AuditSeal.objects.count() == 2
    assert audit_verify().ok


@pytest.mark.django_db
def test_database_refuses_to_edit_or_delete_a_sealed_entry():
    before = AuditEntry.objects.count()
    _entries(2)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(seq=1).update(summary="改了")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(seq=2).delete()
    assert AuditEntry.objects.count() == before + 2


@pytest.mark.django_db
def test_edited_entry_is_reported():
    _entries(6)
    _drop_guards()
    AuditEntry.objects.filter(seq=4).update(summary="被改过的摘要")
    report = audit_verify()
    assert (report.ok, report.problem, report.seq) == (False, "edited", 4)


@pytest.mark.django_db
def test_deleted_entry_is_reported():
    _entries(6)
    _drop_guards()
    AuditEntry.objects.filter(seq=3).delete()
    report = audit_verify()
    assert (report.problem, report.seq) == ("deleted", 3)


@pytest.mark.django_db
def test_deleted_tail_is_reported_by_the_seal():
    _entries(6)
    _drop_guards()
    AuditEntry.objects.filter(seq__gte=5).delete()
    report = audit_verify()
    assert (report.problem, report.seq) == ("tail_deleted", 5)


@pytest.mark.django_db
def test_inserted_entry_is_reported():
    _entries(6)
    _drop_guards()
    # Make room at seq 3 and insert a forged entry there, as a forger would.
    for entry in AuditEntry.objects.filter(seq__gte=3).order_by("-seq"):
        AuditEntry.objects.filter(pk=entry.pk).update(seq=entry.seq + 1)
    forged = AuditEntry.objects.get(seq=2)
    forged.pk, forged.uid, forged.seq, forged.summary = None, "f" * 32, 3, "伪造"
    forged.prev_hash = AuditEntry.objects.get(seq=2).hash
    forged.save()
    report = audit_verify()
    assert (report.problem, report.seq) == ("inserted", 3)


@pytest.mark.django_db
def test_cli_verify_exits_nonzero_on_tampering(capsys):
    _entries(3)
    call_command("audit", "verify")
    assert '"ok": true' in capsys.readouterr().out
    _drop_guards()
    AuditEntry.objects.filter(seq=2).update(actor="someone-else")
    with pytest.raises(CommandError) as failure:
        call_command("audit", "verify")
    assert "第 2 条" in str(failure.value)


@pytest.mark.django_db
def test_database_refuses_forged_inserts_pending_edits_and_seal_changes():
    _entries(2)
    audit_record(action="update", object_type="test.thing", object_id="p", summary="待封存")
    pending = AuditEntry.objects.get(object_id="p")
    refused = [
        lambda: AuditEntry.objects.filter(pk=pending.pk).update(summary="改了"),
        lambda: AuditEntry.objects.filter(pk=pending.pk).update(mac="0" * 64),
        lambda: AuditEntry.objects.filter(pk=pending.pk).delete(),
        lambda: AuditEntry.objects.create(uid="a" * 32, at=pending.at, action="update",
                                          seq=999, hash="0" * 64),
        lambda: AuditSeal.objects.update(head_hash="0" * 64),
        lambda: AuditSeal.objects.all().delete(),
    ]
    for attempt in refused:
        with pytest.raises(DatabaseError), transaction.atomic():
            attempt()
    audit_seal()  # the sealer may still number the pending entry
    assert AuditEntry.objects.get(pk=pending.pk).seq is not None and audit_verify().ok


@pytest.mark.django_db
def test_reanchor_after_a_restore_needs_a_reason_and_is_logged(capsys):
    _entries(6)
    _drop_guards()
    AuditEntry.objects.filter(seq__gte=5).delete()  # as if restored from an older backup
    AuditSeal.objects.filter(upto_seq__gte=5).delete()
    audit_record(action="update", object_type="test.thing", summary="恢复之后")
    assert audit_seal() == 0 and audit_verify().problem == "tail_deleted"
    with pytest.raises(CommandError) as refused:
        call_command("audit", "reanchor")
    assert refused.value.returncode == 2 and "--reason" in str(refused.value)
    call_command("audit", "reanchor", "--reason", "已从3月1日备份恢复数据库")
    report = audit_verify()
    assert report.ok, report.message
    reset = AuditEntry.objects.get(action="alarm", object_id="anchor_reset")
    assert "已从3月1日备份恢复数据库" in reset.summary and reset.seq is not None
    assert AuditEntry.objects.get(summary="恢复之后").seq is not None


@pytest.mark.django_db
def test_control_characters_are_logged_and_verify():
    # PostgreSQL stores no NUL: it is written out, and the signature still holds.
    audit_record(action="query", object_type="registry.certificate", object_id="1\x002",
                 summary="查询\x00\x1b[31m", data={"name\x00": ["张\x00三", "\\u0000"]})
    audit_seal()
    entry = AuditEntry.objects.get(object_type="registry.certificate", action="query")
    assert entry.object_id == "1\\x002" and entry.data == {"name\\x00": ["张\\x00三", "\\u0000"]}
    assert audit_verify().ok


@pytest.mark.django_db
def test_guards_hold_in_a_replica_role_session():
    """The registry's bulk import turns ordinary triggers off (session_replication_role =
    replica) to skip foreign-key checks; the audit guards fire all the same."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no replication role")
    _entries(1)
    refused = [
        lambda: AuditEntry.objects.filter(seq=1).update(summary="改了"),
        lambda: AuditEntry.objects.create(uid="b" * 32, at=timezone.now(), action="update",
                                          seq=999, hash="0" * 64),
        lambda: AuditSeal.objects.update(head_hash="0" * 64),
    ]
    for attempt in refused:
        with pytest.raises(DatabaseError), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
            attempt()
