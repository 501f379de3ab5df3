"""The tamper-evident audit log: record changes, set-based writes and personal-data reads.

Every entry is signed when it is written (``mac``: HMAC-SHA256 of its content with the audit
key, never SECRET_KEY), so a pending entry is as protected as a sealed one: a row forged into
the table or the spool, or an edited pending row, fails its MAC and is refused by the sealer.
Writers still only INSERT, so concurrent web workers never wait on a shared chain head;
``audit_chain.audit_seal`` numbers and links them later, ``audit_chain.audit_verify`` walks the
chain (GB/T 22239-2019 8.1.4.3 c: audit records protected against deletion, modification or
overwriting).
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from certguard.core.audit_keys import keyring
from certguard.core.audit_spool import spool_write
from certguard.core.models import AuditEntry
from certguard.core.scoping import UserLike, actor_of

# Rows per entry of a set-based write: big enough that a million-row import writes a
# thousand entries, small enough that one entry stays readable.
BULK_CHUNK = 1000
# The signed content of an entry, in this order; the chain adds seq and prev_hash.
CONTENT_FIELDS = ("uid", "at", "actor_id", "actor", "organisation_id", "action", "object_type",
                  "object_id", "summary", "data", "ip", "key_id")
# One encoder each, built once: this runs on every verification query.
_CANONICAL = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                              default=str)
_LOOSE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str)
_DECODER = json.JSONDecoder()
_NUL = re.compile(r"(?<!\\)((?:\\\\)*)\\u0000")


@dataclass
class AuditContext:
    """Who is acting, from where; reads are buffered here and written before the response."""

    user: UserLike = None
    ip: str = ""
    reads: list[bytes] = field(default_factory=list)  # spool lines


_context: ContextVar[AuditContext | None] = ContextVar("certguard_audit", default=None)


def begin_context(*, user: UserLike, ip: str) -> object:
    return _context.set(AuditContext(user=user, ip=ip))


def end_context(token: object) -> None:
    """Write the request's buffered entries to the spool before the response leaves."""
    context = _context.get()
    try:
        if context and context.reads:
            spool_write(context.reads)
    finally:
        _context.reset(token)


def content_bytes(values: list) -> bytes:
    """The canonical JSON array of an entry's content: what its signature covers."""
    return _CANONICAL.encode(values).encode()


def row_content(row: dict) -> bytes:
    """The signed bytes of an entry given as a dict (``at`` as ISO text)."""
    return content_bytes([row[name] for name in CONTENT_FIELDS])


def entry_content(entry: AuditEntry) -> bytes:
    """The same bytes from a stored entry."""
    return content_bytes([entry.at.isoformat() if name == "at" else getattr(entry, name)
                          for name in CONTENT_FIELDS])


def _sign(row: dict) -> bytes:
    """Sign the entry; returns its content bytes (the spool line is built from them)."""
    ring = keyring()
    row["key_id"] = ring.current_id
    content = row_content(row)
    row["mac"] = ring.mac(content)
    return content


def spool_line(content: bytes, mac: str) -> bytes:
    """The spool's line for an entry: its content array with the signature appended."""
    return b"%s,\"%s\"]\n" % (content[:-1], mac.encode())


def _new_row(*, action: str, object_type: str, object_id: str, summary: str,
             data: dict, user: UserLike = None, uid: str = "",
             ready: bool = False) -> tuple[dict, bytes]:
    """An entry as a signed dict and its content bytes: cheap enough to build on every
    verification query. ``ready``: the data is already made of JSON types with text keys
    (a bulk entry's changes), so the round trip that normalises it can be skipped."""
    context = _context.get()
    who = user if user is not None else (context.user if context else None)
    actor = actor_of(who)
    row = {"uid": uid or uuid.uuid4().hex, "at": timezone.now().isoformat(),
           "actor_id": actor.user_id, "actor": _text(actor.username, 150),
           "organisation_id": actor.organisation_id, "action": action,
           "object_type": _text(object_type, 100), "object_id": _text(str(object_id), 100),
           "summary": _text(summary, 300), "data": data if ready else _json_ready(data),
           "ip": _text(context.ip if context else "", 64)}
    content = _sign(row)
    if ready and b"\\u0000" in content:  # a NUL somewhere: written out, as for any entry
        row["data"] = _json_ready(data)
        content = _sign(row)
    return row, content


def _text(value: str, limit: int) -> str:
    # PostgreSQL stores no NUL character: it is logged visibly instead of failing the write.
    return value.replace("\x00", "\\x00")[:limit]


def _json_ready(data: dict) -> dict:
    """The data as it will read back from the database (text for dates, string keys, NUL
    written out), so that the signature computed now matches the one recomputed later."""
    text = _LOOSE.encode(data)
    if "\\u0000" in text:  # an escaped NUL, not an escaped backslash before "u0000"
        text = _NUL.sub(r"\1\\\\x00", text)
    return _DECODER.decode(text)


def entry_from_row(row: dict) -> AuditEntry:
    return AuditEntry(**{**row, "at": datetime.fromisoformat(row["at"])})


def _save_now(row: dict) -> None:
    entry_from_row(row).save(force_insert=True)


def _buffer_or_save(signed: tuple[dict, bytes]) -> None:
    row, content = signed
    context = _context.get()
    if context is None:
        _save_now(row)
    else:
        context.reads.append(spool_line(content, row["mac"]))


def audit_record(*, action: str, object_type: str, object_id: object = "", summary: str = "",
                 data: dict | None = None, user: UserLike = None) -> None:
    """Write one entry now, inside the caller's transaction (so a change and its entry
    commit or roll back together)."""
    _save_now(_new_row(action=action, object_type=object_type, object_id=str(object_id),
                       summary=summary, data=data or {}, user=user)[0])


def audit_read(*, object_type: str, object_ids: Iterable[object], fields: Iterable[str],
               summary: str = "", user: UserLike = None) -> None:
    """Log a read of personal data. In a request it is written before the response leaves."""
    ids = [str(i) for i in object_ids]
    _buffer_or_save(_new_row(
        action=AuditEntry.Action.READ, object_type=object_type,
        object_id=ids[0] if len(ids) == 1 else f"{len(ids)} 条", summary=summary,
        data={"ids": ids[:1000], "count": len(ids), "fields": sorted(fields)}, user=user))


def audit_query(*, object_type: str, key: str, summary: str, data: dict,
                user: UserLike = None) -> None:
    """Log a lookup (a verification query), found or not: written before the response."""
    _buffer_or_save(_new_row(action=AuditEntry.Action.QUERY, object_type=object_type,
                             object_id=key, summary=summary, data=data, user=user))


_VERBS = {"create": "新增", "update": "修改", "delete": "删除"}


def audit_bulk(*, object_type: str, action: str, changes: Iterable[dict], summary: str = "",
               user: UserLike = None, chunk_size: int = BULK_CHUNK) -> int:
    """Log a set-based write (bulk insert, ``update()``, bulk update, delete, raw SQL).

    ``changes`` yields one dict per written row: ``{"id": pk or None, "before": {field:
    value} or None, "after": {field: value} or None}`` — ``before`` None for an insert,
    ``after`` None for a delete, and for an update only the fields that changed. Values must
    be JSON-ready (see :func:`plain`). One entry is written per ``chunk_size`` rows, inside
    the caller's transaction, so the rows and their entries commit or roll back together.
    ``changes`` may be a generator: a streaming import passes each chunk as it writes it.
    Returns the number of rows logged.
    """
    verb = _VERBS.get(action, action)
    logged, chunk = 0, []
    for change in changes:
        chunk.append(_checked(change))
        if len(chunk) >= chunk_size:
            _bulk_entry(object_type, action, chunk, summary or f"批量{verb}", user)
            logged, chunk = logged + len(chunk), []
    if chunk:
        _bulk_entry(object_type, action, chunk, summary or f"批量{verb}", user)
        logged += len(chunk)
    return logged


_TEXT_ONLY = {str}


def _checked(change: dict) -> dict:
    # Text keys only: a number as a key would read back as text and fail the signature.
    for values in (change.get("before"), change.get("after")):
        if values and set(map(type, values)) != _TEXT_ONLY:
            raise TypeError("audit_bulk: before/after map field names (text) to values")
    return change


def _bulk_entry(object_type: str, action: str, chunk: list[dict], summary: str,
                user: UserLike) -> None:
    first = chunk[0].get("id")
    object_id = str(first) if len(chunk) == 1 and first is not None else f"{len(chunk)} 条"
    _save_now(_new_row(action=action, object_type=object_type, object_id=object_id,
                       summary=f"{summary}（{len(chunk)} 条）", user=user, ready=True,
                       data={"count": len(chunk), "changes": chunk})[0])


_JSON_TYPES = frozenset({type(None), bool, int, float, str, dict, list})


def plain(value: object) -> object:
    """A field value as it goes into the log: JSON types as they are, others as text."""
    if type(value) in _JSON_TYPES or isinstance(value, (int, float, str, dict, list)):
        return value  # (the set answers the common case without isinstance)
    return str(value)


def audit_alarm(*, code: str, summary: str, data: dict, key: str = "") -> None:
    """Record that the log refused something (a forged or unreadable spool line, a row whose
    signature fails, a chain that contradicts its anchor). ``key`` makes the alarm idempotent:
    the same finding reported twice is one entry."""
    uid = uuid.uuid5(uuid.NAMESPACE_URL, f"certguard-audit-alarm:{code}:{key}").hex if key else ""
    row, _ = _new_row(action=AuditEntry.Action.ALARM, object_type="core.auditentry",
                      object_id=code, summary=summary, data={"code": code, **data}, uid=uid)
    try:
        with transaction.atomic():
            _save_now(row)
    except IntegrityError:  # already reported
        pass


def __getattr__(name: str) -> Callable:
    # Sealing and verification live in audit_chain; old imports from here keep working.
    if name in {"audit_seal", "audit_verify"}:
        from certguard.core import audit_chain

        return getattr(audit_chain, name)
    raise AttributeError(name)
