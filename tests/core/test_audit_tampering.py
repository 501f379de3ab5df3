"""Twenty-two tamperings with the audit log, as an attacker with write access to the database
(triggers dropped first) or to the spool directory would try them: every one is caught.

Caught means `audit verify` (which seals first, as the CLI, the worker and the admin's button
do) reports the problem and names the entry, or the forged input never enters the log and an
alarm entry records it. What the design cannot catch, and why, is said in README ("Audit
log"): an attacker holding AUDIT_KEY as well as the database can sign a forged entry in the
seconds before it is sealed, and a pending row deleted before it is sealed leaves no gap.
"""

import json

import pytest
from django.conf import settings
from django.db import connection

from certguard.core.audit import (
    CONTENT_FIELDS,
    audit_query,
    audit_record,
    begin_context,
    end_context,
)
from certguard.core.audit_anchor import anchor_path
from certguard.core.audit_chain import audit_seal, audit_verify, chain_hash, seal_mac
from certguard.core.audit_keys import KeyRing
from certguard.core.audit_spool import spool_dir
from certguard.core.dbguards import remove_audit_guards
from certguard.core.models import AuditEntry, AuditSeal


def _log(n, label="test.thing"):
    for i in range(n):
        audit_record(action="update", object_type=label, object_id=i, summary=f"第{i}次")
    audit_seal()


def _head():
    return AuditEntry.objects.exclude(seq=None).order_by("-seq").first().seq


def _check():
    """What `certguard audit verify` does: seal (ingesting the spool), then verify."""
    audit_seal(force_ingest=True)
    return audit_verify()


def _unguarded():
    remove_audit_guards(connection)


def _rechain(ring: KeyRing, *, from_seq: int, key_id: str | None = None) -> None:
    """Re-sign entries from ``from_seq`` on and recompute the chain with ``ring``'s key."""
    from certguard.core.audit import entry_content

    prev = AuditEntry.objects.get(seq=from_seq - 1).hash
    for entry in AuditEntry.objects.filter(seq__gte=from_seq).order_by("seq"):
        entry.key_id = key_id or entry.key_id
        entry.mac = ring.mac(entry_content(entry), ring.current_id)
        entry.prev_hash = prev
        entry.hash = prev = ring.mac(f"{entry.seq}|{entry.prev_hash}|{entry.mac}".encode(),
                                     ring.current_id)
        AuditEntry.objects.filter(pk=entry.pk).update(key_id=entry.key_id, mac=entry.mac,
                                                       prev_hash=entry.prev_hash, hash=entry.hash)


def _spool_file():
    token = begin_context(user=None, ip="10.0.0.9")
    for i in range(3):
        audit_query(object_type="registry.certificate", key=f"k{i}", summary="查询",
                    data={"i": i})
    end_context(token)
    [path] = list(spool_dir().glob("*.jsonl"))
    return path, path.read_bytes().splitlines()


# --- the chain: sealed entries ---------------------------------------------------------------

def edit_sealed_summary():
    _log(6)
    _unguarded()
    AuditEntry.objects.filter(seq=4).update(summary="被改过的摘要")
    report = _check()
    assert (report.problem, report.seq) == ("edited", 4)


def edit_sealed_data():
    _log(6)
    _unguarded()
    entry = AuditEntry.objects.get(seq=5)
    AuditEntry.objects.filter(pk=entry.pk).update(data={"after": {"status": "valid"}})
    report = _check()
    assert (report.problem, report.seq) == ("edited", 5)


def edit_sealed_actor_and_ip():
    _log(6)
    _unguarded()
    AuditEntry.objects.filter(seq=3).update(actor="someone-else", ip="1.2.3.4")
    assert (_check().problem, _check().seq) == ("edited", 3)


def delete_sealed_entry():
    _log(6)
    _unguarded()
    AuditEntry.objects.filter(seq=3).delete()
    report = _check()
    assert (report.problem, report.seq) == ("deleted", 3)


def insert_forged_sealed_entry():
    _log(6)
    _unguarded()
    for entry in AuditEntry.objects.filter(seq__gte=3).order_by("-seq"):
        AuditEntry.objects.filter(pk=entry.pk).update(seq=entry.seq + 1)
    forged = AuditEntry.objects.get(seq=2)
    forged.pk, forged.uid, forged.seq, forged.summary = None, "f" * 32, 3, "伪造"
    forged.prev_hash = AuditEntry.objects.get(seq=2).hash
    forged.save()
    report = _check()
    assert (report.problem, report.seq) == ("inserted", 3)


def swap_two_sealed_entries():
    _log(6)
    _unguarded()
    three, four = AuditEntry.objects.get(seq=3), AuditEntry.objects.get(seq=4)
    AuditEntry.objects.filter(pk=three.pk).update(seq=-1)
    AuditEntry.objects.filter(pk=four.pk).update(seq=3)
    AuditEntry.objects.filter(pk=three.pk).update(seq=4)
    report = _check()
    assert not report.ok and report.seq == 3


def _cut_tail(count):
    _log(50)
    _log(count)
    head = _head()
    _unguarded()
    AuditEntry.objects.filter(seq__gt=head - count).delete()
    AuditSeal.objects.filter(upto_seq__gt=head - count).delete()
    return head


def delete_last_5_with_their_seal_rows():
    head = _cut_tail(5)
    report = _check()
    assert (report.problem, report.seq) == ("tail_deleted", head - 4)
    assert "末尾" in report.message and "锚点" in report.message


def delete_last_300_with_their_seal_rows():
    head = _cut_tail(300)
    report = _check()
    assert (report.problem, report.seq) == ("tail_deleted", head - 299)


def delete_everything():
    _log(8)
    _unguarded()
    AuditEntry.objects.all().delete()
    AuditSeal.objects.all().delete()
    report = _check()
    assert (report.problem, report.seq) == ("tail_deleted", 1)
    # and the sealer refuses to start a new chain over the old one's place
    assert not AuditEntry.objects.exclude(seq=None).exists()
    assert AuditEntry.objects.filter(action="alarm", object_id="anchor_mismatch").exists()


def forge_a_seal_row():
    _log(6)
    AuditSeal.objects.create(upto_seq=_head() + 10, head_hash="0" * 64,
                             key_id=AuditSeal.objects.first().key_id, mac="f" * 64)
    assert _check().problem == "seal_forged"


def edit_a_seal_row():
    _log(6)
    _unguarded()
    seal = AuditSeal.objects.order_by("-upto_seq").first()
    AuditSeal.objects.filter(pk=seal.pk).update(head_hash="0" * 64)
    assert audit_verify().problem == "seal_forged"


def rechain_after_edit_with_secret_key():
    _log(6)
    _unguarded()
    AuditEntry.objects.filter(seq=4).update(summary="改了")
    _rechain(KeyRing(settings.SECRET_KEY, ()), from_seq=4)
    report = _check()
    assert (report.problem, report.seq) == ("edited", 4)


def rechain_after_edit_with_the_key_in_the_source():
    _log(6)
    _unguarded()
    AuditEntry.objects.filter(seq=2).update(summary="改了")
    _rechain(KeyRing(settings.DEV_SECRET_KEY, ()), from_seq=2)
    report = _check()
    assert (report.problem, report.seq) == ("edited", 2)


def rechain_after_edit_with_audit_key_and_seals_rewritten():
    _log(6)
    _unguarded()
    AuditEntry.objects.filter(seq=3).update(summary="改了")
    ring = KeyRing(settings.AUDIT_KEY, ())
    _rechain(ring, from_seq=3)
    AuditSeal.objects.all().delete()
    head = AuditEntry.objects.get(seq=_head())
    AuditSeal.objects.create(upto_seq=head.seq, head_hash=head.hash, key_id=ring.current_id,
                             mac=seal_mac(head.seq, head.hash))
    assert audit_verify().problem == "rechained"
    audit_record(action="update", object_type="test.thing", summary="之后")
    assert audit_seal() == 0  # never extends a chain that contradicts its anchor
    assert AuditEntry.objects.filter(action="alarm", object_id="anchor_mismatch").exists()


def append_entry_with_its_own_seq():
    _log(4)
    _unguarded()
    last = AuditEntry.objects.get(seq=_head())
    forged = AuditEntry(uid="e" * 32, at=last.at, action="update", object_type="x",
                        summary="伪造", seq=last.seq + 1, prev_hash=last.hash, hash="0" * 64,
                        key_id=last.key_id, mac=last.mac)
    forged.save()
    report = audit_verify()
    assert (report.problem, report.seq) == ("edited", last.seq + 1)


# --- pending entries ----------------------------------------------------------------------

def forged_row_inserted_while_unsealed():
    _log(3)
    forged = AuditEntry(uid="d" * 32, at=AuditEntry.objects.first().at, action="delete",
                        object_type="registry.certificate", object_id="7", summary="伪造",
                        key_id=AuditEntry.objects.first().key_id, mac="0" * 64)
    forged.save()  # the triggers let it in: writers insert pending rows
    report = _check()
    assert report.problem == "forged" and f"编号 {forged.pk}" in report.message
    forged.refresh_from_db()
    assert forged.seq is None and forged.hash == "forged"  # verify did not seal it
    assert AuditEntry.objects.filter(action="alarm", object_id="entry_forged").exists()


def edit_a_pending_entry():
    _log(2)
    audit_record(action="update", object_type="test.thing", object_id="p", summary="待封存")
    _unguarded()
    AuditEntry.objects.filter(seq=None, object_id="p").update(summary="改过的待封存日志")
    report = _check()
    assert report.problem == "forged"
    assert AuditEntry.objects.get(object_id="p").seq is None


def replay_an_entry_under_a_new_uid():
    _log(2)
    audit_record(action="delete", object_type="test.thing", object_id="r", summary="删除")
    copy = AuditEntry.objects.get(object_id="r")
    copy.pk, copy.uid = None, "c" * 32  # same content and signature, new identity
    copy.save()
    report = _check()
    assert report.problem == "forged" and f"编号 {copy.pk}" in report.message


# --- the spool ------------------------------------------------------------------------------

def forged_spool_line():
    path, lines = _spool_file()
    row = json.loads(lines[1])
    row[CONTENT_FIELDS.index("summary")], row[CONTENT_FIELDS.index("uid")] = "伪造", "b" * 32
    path.write_bytes(b"\n".join([lines[0], json.dumps(row).encode(), lines[2]]) + b"\n")
    report = _check()
    assert not AuditEntry.objects.filter(uid="b" * 32).exists()
    assert AuditEntry.objects.filter(action="alarm", object_id="spool_forged").count() == 1
    assert report.alarms == 1 and AuditEntry.objects.filter(action="query").count() == 2


def malformed_spool_line():
    path, lines = _spool_file()
    path.write_bytes(b"\n".join([lines[0], lines[1][:40], lines[2]]) + b"\n")
    report = _check()
    assert AuditEntry.objects.filter(action="query").count() == 2  # the rest kept
    assert AuditEntry.objects.filter(action="alarm", object_id="spool_malformed").exists()
    assert report.alarms == 1


def replayed_spool_line():
    path, lines = _spool_file()
    path.write_bytes(b"\n".join([*lines, lines[0], lines[0]]) + b"\n")
    assert _check().ok
    assert AuditEntry.objects.filter(action="query").count() == 3


def anchor_file_moved_back():
    _log(4)
    old = anchor_path().read_text()
    _log(4)
    anchor = json.loads(anchor_path().read_text())
    anchor.update({k: v for k, v in json.loads(old).items() if k != "mac"})
    anchor_path().write_text(json.dumps(anchor))  # an earlier position, the newer signature
    assert audit_verify().problem == "anchor_invalid"


TAMPERINGS = [
    edit_sealed_summary, edit_sealed_data, edit_sealed_actor_and_ip, delete_sealed_entry,
    insert_forged_sealed_entry, swap_two_sealed_entries, delete_last_5_with_their_seal_rows,
    delete_last_300_with_their_seal_rows, delete_everything, forge_a_seal_row,
    edit_a_seal_row, rechain_after_edit_with_secret_key,
    rechain_after_edit_with_the_key_in_the_source,
    rechain_after_edit_with_audit_key_and_seals_rewritten, append_entry_with_its_own_seq,
    forged_row_inserted_while_unsealed, edit_a_pending_entry, replay_an_entry_under_a_new_uid,
    forged_spool_line, malformed_spool_line, replayed_spool_line, anchor_file_moved_back,
]


def test_twenty_two_tamperings():
    assert len(TAMPERINGS) == len({t.__name__ for t in TAMPERINGS}) == 22


@pytest.mark.django_db
@pytest.mark.parametrize("tamper", TAMPERINGS, ids=lambda t: t.__name__)
def test_tampering_is_caught(tamper):
    tamper()


@pytest.mark.django_db
def test_an_untouched_log_verifies_and_anchors():
    _log(5)
    report = _check()
    assert report.ok and report.anchor["seq"] == _head() and report.alarms == 0
    assert report.anchor["hash"] == AuditEntry.objects.get(seq=_head()).hash
    assert chain_hash(AuditEntry.objects.get(seq=_head())) == report.anchor["hash"]
