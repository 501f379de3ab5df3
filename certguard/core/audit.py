"""The tamper-evident audit log: record changes and personal-data reads; seal; verify.

Writers only INSERT unsealed rows, so concurrent web workers never wait on a shared chain
head. ``audit_seal`` then numbers pending rows and links them with a keyed hash (HMAC-SHA256);
``audit_verify`` walks the chain and names the first edited, inserted or deleted entry.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from certguard.core.audit_spool import audit_ingest, spool_write
from certguard.core.models import AuditEntry, AuditSeal
from certguard.core.scoping import actor_of

SEAL_BATCH = 5000


@dataclass
class AuditContext:
    """Who is acting, from where; reads are buffered here and written before the response."""

    user: object = None
    ip: str = ""
    reads: list[dict] = field(default_factory=list)


_context: ContextVar[AuditContext | None] = ContextVar("certguard_audit", default=None)


def begin_context(*, user: object, ip: str) -> object:
    return _context.set(AuditContext(user=user, ip=ip))


def end_context(token: object) -> None:
    """Write the request's buffered entries to the spool before the response leaves."""
    context = _context.get()
    try:
        if context and context.reads:
            spool_write(context.reads)
    finally:
        _context.reset(token)


def _new_row(*, action: str, object_type: str, object_id: str, summary: str,
             data: dict, user: object = None) -> dict:
    """An entry as a plain dict: cheap enough to build on every verification query."""
    context = _context.get()
    who = user if user is not None else (context.user if context else None)
    actor = actor_of(who)
    return {"uid": uuid.uuid4().hex, "at": timezone.now().isoformat(),
            "actor_id": actor.user_id, "actor": actor.username,
            "organisation_id": actor.organisation_id, "action": action,
            "object_type": object_type, "object_id": str(object_id)[:100],
            "summary": summary[:300], "data": data, "ip": context.ip if context else ""}


def _save_now(row: dict) -> None:
    AuditEntry(**{**row, "at": datetime.fromisoformat(row["at"])}).save(force_insert=True)


def _buffer_or_save(row: dict) -> None:
    context = _context.get()
    if context is None:
        _save_now(row)
    else:
        context.reads.append(row)


def audit_record(*, action: str, object_type: str, object_id: object = "", summary: str = "",
                 data: dict | None = None, user: object = None) -> None:
    """Write one entry now, inside the caller's transaction (so a change and its entry
    commit or roll back together)."""
    _save_now(_new_row(action=action, object_type=object_type, object_id=str(object_id),
                       summary=summary, data=data or {}, user=user))


def audit_read(*, object_type: str, object_ids: Iterable[object], fields: Iterable[str],
               summary: str = "", user: object = None) -> None:
    """Log a read of personal data. In a request it is written before the response leaves."""
    ids = [str(i) for i in object_ids]
    _buffer_or_save(_new_row(
        action=AuditEntry.Action.READ, object_type=object_type,
        object_id=ids[0] if len(ids) == 1 else f"{len(ids)} 条", summary=summary,
        data={"ids": ids[:1000], "count": len(ids), "fields": sorted(fields)}, user=user))


def audit_query(*, object_type: str, key: str, summary: str, data: dict,
                user: object = None) -> None:
    """Log a lookup (a verification query), found or not: written before the response."""
    _buffer_or_save(_new_row(action=AuditEntry.Action.QUERY, object_type=object_type,
                             object_id=key, summary=summary, data=data, user=user))


def _canonical(entry: AuditEntry) -> bytes:
    body = {
        "seq": entry.seq, "uid": entry.uid, "at": entry.at.isoformat(), "actor_id": entry.actor_id,
        "actor": entry.actor, "org": entry.organisation_id, "action": entry.action,
        "type": entry.object_type, "id": entry.object_id, "summary": entry.summary,
        "data": entry.data, "ip": entry.ip, "prev": entry.prev_hash,
    }
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      default=str).encode()


def _mac(payload: bytes) -> str:
    return hmac.new(settings.AUDIT_KEY.encode(), payload, hashlib.sha256).hexdigest()


def entry_hash(entry: AuditEntry) -> str:
    return _mac(_canonical(entry))


def _lock_chain() -> None:
    # SQLite's IMMEDIATE transactions already serialise writers; PostgreSQL needs a lock.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(7201)")


def audit_seal(*, force_ingest: bool = False) -> int:
    """Ingest the spool, then number and chain every pending entry; returns how many."""
    audit_ingest(force=force_ingest)
    sealed = 0
    while True:
        with transaction.atomic():
            _lock_chain()
            head = AuditEntry.objects.exclude(seq=None).order_by("-seq").first()
            pending = list(AuditEntry.objects.filter(seq=None).order_by("id")[:SEAL_BATCH])
            if not pending:
                return sealed
            seq, prev = (head.seq, head.hash) if head else (0, "")
            for entry in pending:
                seq += 1
                entry.seq, entry.prev_hash = seq, prev
                entry.hash = prev = entry_hash(entry)
            AuditEntry.objects.bulk_update(pending, ["seq", "prev_hash", "hash"])
            AuditSeal.objects.create(upto_seq=seq, head_hash=prev,
                                     mac=_mac(f"{seq}:{prev}".encode()))
            sealed += len(pending)


@dataclass
class VerifyReport:
    ok: bool
    checked: int
    problem: str = ""  # edited | inserted | deleted | tail_deleted | seal_forged
    seq: int | None = None
    message: str = "审计日志完整，未发现篡改"

    def as_dict(self) -> dict:
        return {"ok": self.ok, "checked": self.checked, "problem": self.problem,
                "seq": self.seq, "message": self.message}


def _fail(checked: int, problem: str, seq: int | None, message: str) -> VerifyReport:
    return VerifyReport(ok=False, checked=checked, problem=problem, seq=seq, message=message)


def audit_verify(*, progress: Callable[[int, int], None] | None = None) -> VerifyReport:
    """Walk the sealed chain; report the first entry that was edited, inserted or deleted."""
    total = AuditEntry.objects.exclude(seq=None).count()
    entries = AuditEntry.objects.exclude(seq=None).order_by("seq").iterator(chunk_size=2000)
    expected_seq, last_hash, checked = 1, "", 0
    seal = AuditSeal.objects.order_by("-upto_seq").first()
    sealed_hash = ""  # the chain's hash at the latest seal's position, once we pass it
    pending: AuditEntry | None = None
    for entry in entries:
        if pending is not None:  # the previous entry's hash failed: was it edited or inserted?
            if entry.prev_hash == last_hash:
                return _fail(checked, "inserted", pending.seq,
                             f"第 {pending.seq} 条审计日志是被插入的（前后日志直接相连）")
            return _fail(checked, "edited", pending.seq, f"第 {pending.seq} 条审计日志被修改过")
        if entry.seq != expected_seq:
            return _fail(checked, "deleted", expected_seq,
                         f"第 {expected_seq} 至 {entry.seq - 1} 条审计日志被删除")
        if entry_hash(entry) != entry.hash:
            pending = entry
            expected_seq += 1
            continue
        if entry.prev_hash != last_hash:
            return _fail(checked, "deleted", entry.seq,
                         f"第 {entry.seq} 条之前的审计日志被删除或替换（哈希链断开）")
        last_hash = entry.hash
        if seal and entry.seq == seal.upto_seq:
            sealed_hash = entry.hash
        expected_seq += 1
        checked += 1
        if progress and checked % 5000 == 0:
            progress(checked, total)
    if pending is not None:
        return _fail(checked, "edited", pending.seq, f"第 {pending.seq} 条审计日志被修改过")
    return _check_seal(seal, checked=checked, last_seq=expected_seq - 1, sealed_hash=sealed_hash)


def _check_seal(seal: AuditSeal | None, *, checked: int, last_seq: int,
                sealed_hash: str) -> VerifyReport:
    """The latest checkpoint catches a deleted tail, which leaves no gap inside the chain."""
    if seal is None:
        return VerifyReport(ok=True, checked=checked)
    if not hmac.compare_digest(seal.mac, _mac(f"{seal.upto_seq}:{seal.head_hash}".encode())):
        return _fail(checked, "seal_forged", seal.upto_seq, "审计日志封存记录被伪造")
    if seal.upto_seq > last_seq:
        return _fail(checked, "tail_deleted", last_seq + 1,
                     f"第 {last_seq + 1} 至 {seal.upto_seq} 条审计日志（末尾）被删除")
    if sealed_hash != seal.head_hash:
        return _fail(checked, "edited", seal.upto_seq,
                     f"第 {seal.upto_seq} 条审计日志与封存记录不符")
    return VerifyReport(ok=True, checked=checked)
