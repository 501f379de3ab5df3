"""Sealing and verifying the audit log's hash chain, anchored outside the database.

``audit_seal`` numbers pending entries whose write signature holds and links each to the one
before (``hash`` = HMAC(seq | prev_hash | mac)); a pending row whose signature fails — forged
into the table, or edited while pending — is never sealed but marked and reported. Every
pass writes a seal row and exports the chain's newest position and hash to the anchor file,
outside the database. A chain that no longer reaches its anchor (its tail deleted, or rewritten
and re-chained with the key) is never extended: the sealer stops and reports it.

``audit_verify`` walks the chain and names the first edited, inserted or deleted entry, then
checks the newest seal and the anchor (a deleted tail leaves no gap inside the chain).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction

from certguard.core.audit import audit_alarm, entry_content
from certguard.core.audit_anchor import Anchor, anchor_read, anchor_write
from certguard.core.audit_keys import keyring
from certguard.core.audit_spool import audit_ingest
from certguard.core.models import AuditEntry, AuditSeal

# Entries sealed per transaction: bounds the sealer's memory and how long it holds the write
# lock that every request's rate-limit upsert and every change also need.
SEAL_BATCH = 2000
FORGED = "forged"  # the hash of a pending row the sealer refused
log = logging.getLogger(__name__)


def signature_holds(entry: AuditEntry) -> bool:
    return keyring().valid(entry_content(entry), entry.mac, entry.key_id)


def chain_hash(entry: AuditEntry) -> str:
    return keyring().mac(f"{entry.seq}|{entry.prev_hash}|{entry.mac}".encode(), entry.key_id)


def seal_mac(upto_seq: int, head_hash: str, kid: str | None = None) -> str:
    return keyring().mac(f"seal|{upto_seq}|{head_hash}".encode(), kid)


def _lock_chain() -> None:
    # SQLite's IMMEDIATE transactions already serialise writers; PostgreSQL needs a lock.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(7201)")


def _head() -> tuple[int, str]:
    head = AuditEntry.objects.exclude(seq=None).order_by("-seq").values_list("seq", "hash")
    seq, head_hash = head.first() or (0, "")
    return seq or 0, head_hash


def _contradiction(anchor: Anchor | None, head_seq: int) -> str:
    """Why the chain in the database does not reach the exported anchor ("" if it does)."""
    if anchor is None:
        return ""
    if head_seq < anchor.seq:
        return f"锚点记录已封存至第 {anchor.seq} 条，数据库中只到第 {head_seq} 条"
    stored = AuditEntry.objects.filter(seq=anchor.seq).values_list("hash", flat=True).first()
    if stored != anchor.hash:
        return f"第 {anchor.seq} 条的哈希与锚点不符（日志被改动并重新计算了哈希链）"
    return ""


def _refuse_forged(pending: list[AuditEntry]) -> list[AuditEntry]:
    holds = [signature_holds(entry) for entry in pending]
    good = [entry for entry, ok in zip(pending, holds, strict=True) if ok]
    forged = [entry for entry, ok in zip(pending, holds, strict=True) if not ok]
    if forged:
        AuditEntry.objects.filter(pk__in=[e.pk for e in forged]).update(hash=FORGED)
        for entry in forged:
            audit_alarm(code="entry_forged", key=f"{entry.pk}:{entry.uid}",
                        summary=f"编号 {entry.pk} 的待封存审计日志签名不符（伪造或被改动），"
                                "未予封存",
                        data={"entry_id": entry.pk, "uid": entry.uid})
    return good


def _write_chain(entries: list[AuditEntry]) -> None:
    """One prepared UPDATE run per entry (``executemany``): the ORM's ``bulk_update`` builds
    a CASE expression over every row, which costs far more time and memory than the update."""
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET seq = %s, prev_hash = %s, hash = %s "  # noqa: S608
                           "WHERE id = %s",
                           [(e.seq, e.prev_hash, e.hash, e.pk) for e in entries])


def _seal_batch(*, reanchor_reason: str) -> tuple[int, AuditSeal | None, bool]:
    """One transaction: (entries sealed, the seal written, whether anything was pending)."""
    with transaction.atomic():
        _lock_chain()
        seq, prev = _head()
        anchor, _, anchor_problem = anchor_read()
        problem = anchor_problem or _contradiction(anchor, seq)
        if problem and not reanchor_reason:
            log.error("audit log not sealed: %s", problem)
            audit_alarm(code="anchor_mismatch", key=f"{anchor and anchor.seq}:{seq}:{prev}",
                        summary=f"审计日志与锚点不符，已停止封存：{problem}",
                        data={"anchor": anchor.as_dict() if anchor else None, "head_seq": seq})
            return 0, None, False
        if problem:
            audit_alarm(code="anchor_reset", key="", summary=f"重置审计日志锚点：{reanchor_reason}"
                        f"（{problem}）", data={"anchor": anchor.as_dict() if anchor else None,
                                               "head_seq": seq, "reason": reanchor_reason})
        pending = list(AuditEntry.objects.filter(seq=None, hash="").order_by("id")[:SEAL_BATCH])
        if not pending:
            return 0, None, False
        good = _refuse_forged(pending)
        for entry in good:
            seq += 1
            entry.seq, entry.prev_hash = seq, prev
            entry.hash = prev = chain_hash(entry)
        _write_chain(good)
        seal = None
        if good:
            kid = keyring().current_id
            seal = AuditSeal.objects.create(upto_seq=seq, head_hash=prev, key_id=kid,
                                            mac=seal_mac(seq, prev, kid))
        return len(good), seal, True


def audit_seal(*, force_ingest: bool = False, reanchor_reason: str = "") -> int:
    """Ingest the spool, then number and chain every pending entry; returns how many.

    After each committed batch the anchor file is rewritten. If the chain contradicts its
    anchor nothing is sealed (entries stay pending, signed, not lost) until an operator who
    has restored the database — or accepts the loss — passes ``reanchor_reason``, which is
    itself written to the log.
    """
    audit_ingest(force=force_ingest)
    sealed = 0
    while True:
        count, seal, more = _seal_batch(reanchor_reason=reanchor_reason)
        sealed += count
        if seal is not None:
            anchor_write(seq=seal.upto_seq, head_hash=seal.head_hash,
                         reset=bool(reanchor_reason))
            reanchor_reason = ""
        if not more:
            return sealed


@dataclass
class VerifyReport:
    ok: bool
    checked: int
    # edited | inserted | deleted | tail_deleted | rechained | seal_forged | forged
    # | key_unknown | anchor_invalid
    problem: str = ""
    seq: int | None = None
    message: str = "审计日志完整，未发现篡改"
    alarms: int = 0
    anchor: dict | None = None
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"ok": self.ok, "checked": self.checked, "problem": self.problem,
                "seq": self.seq, "message": self.message, "alarms": self.alarms,
                "anchor": self.anchor, "notes": self.notes}


def _fail(checked: int, problem: str, seq: int | None, message: str) -> VerifyReport:
    return VerifyReport(ok=False, checked=checked, problem=problem, seq=seq, message=message)


@dataclass
class _Walk:
    """State of one pass along the sealed chain."""

    checked: int = 0
    expected: int = 1
    last_hash: str = ""
    suspect: AuditEntry | None = None  # the previous entry failed: edited or inserted?
    marks: dict[int, str] = field(default_factory=dict)  # seq -> hash, at the seal / anchor


def _step(walk: _Walk, entry: AuditEntry, watch: set[int]) -> VerifyReport | None:
    if walk.suspect is not None:
        seq = walk.suspect.seq
        if entry.prev_hash == walk.last_hash:
            return _fail(walk.checked, "inserted", seq,
                         f"第 {seq} 条审计日志是被插入的（前后日志直接相连）")
        return _fail(walk.checked, "edited", seq, f"第 {seq} 条审计日志被修改过")
    if entry.seq != walk.expected:
        return _fail(walk.checked, "deleted", walk.expected,
                     f"第 {walk.expected} 至 {(entry.seq or 0) - 1} 条审计日志被删除")
    if not keyring().knows(entry.key_id):
        return _fail(walk.checked, "key_unknown", entry.seq,
                     f"第 {entry.seq} 条审计日志的密钥（编号 {entry.key_id or '无'}）未配置："
                     "若审计密钥已轮换，请把旧密钥放入 AUDIT_OLD_KEYS")
    walk.expected += 1
    if not (signature_holds(entry) and chain_hash(entry) == entry.hash):
        walk.suspect = entry
        return None
    if entry.prev_hash != walk.last_hash:
        return _fail(walk.checked, "deleted", entry.seq,
                     f"第 {entry.seq} 条之前的审计日志被删除或替换（哈希链断开）")
    walk.last_hash = entry.hash
    if entry.seq in watch:
        walk.marks[entry.seq] = entry.hash
    walk.checked += 1
    return None


def audit_verify(*, progress: Callable[[int, int], None] | None = None) -> VerifyReport:
    """Walk the sealed chain; report the first entry that was edited, inserted or deleted,
    a deleted tail (seal and anchor), a re-chained log (anchor), and forged pending rows."""
    sealed = AuditEntry.objects.exclude(seq=None)
    total = sealed.count()
    seal = AuditSeal.objects.order_by("-upto_seq").first()
    anchor, code, anchor_problem = anchor_read()
    if anchor_problem:
        return _fail(0, code, None, anchor_problem)
    watch = {s for s in (seal.upto_seq if seal else None, anchor.seq if anchor else None)
             if s is not None}
    walk = _Walk()
    for entry in sealed.order_by("seq").iterator(chunk_size=2000):
        failure = _step(walk, entry, watch)
        if failure:
            return failure
        if progress and walk.checked % 5000 == 0:
            progress(walk.checked, total)
    if walk.suspect is not None:
        seq = walk.suspect.seq
        return _fail(walk.checked, "edited", seq, f"第 {seq} 条审计日志被修改过")
    last_seq = walk.expected - 1
    report = (_check_seal(seal, walk, last_seq) or _check_anchor(anchor, walk, last_seq)
              or _check_pending(walk.checked) or VerifyReport(ok=True, checked=walk.checked))
    return _with_context(report, anchor)


def _check_seal(seal: AuditSeal | None, walk: _Walk, last_seq: int) -> VerifyReport | None:
    """The newest checkpoint in the database catches a deleted tail without its seal row."""
    if seal is None:
        return None
    if not keyring().valid(f"seal|{seal.upto_seq}|{seal.head_hash}".encode(), seal.mac,
                           seal.key_id):
        return _fail(walk.checked, "seal_forged", seal.upto_seq, "审计日志封存记录被伪造")
    if seal.upto_seq > last_seq:
        return _fail(walk.checked, "tail_deleted", last_seq + 1,
                     f"第 {last_seq + 1} 至 {seal.upto_seq} 条审计日志（末尾）被删除")
    if walk.marks.get(seal.upto_seq) != seal.head_hash:
        return _fail(walk.checked, "edited", seal.upto_seq,
                     f"第 {seal.upto_seq} 条审计日志与封存记录不符")
    return None


def _check_anchor(anchor: Anchor | None, walk: _Walk, last_seq: int) -> VerifyReport | None:
    """The exported anchor catches what the database alone cannot: a tail deleted together
    with its seal rows, everything deleted, a chain re-computed with the key."""
    if anchor is None:
        return None
    if anchor.seq > last_seq:
        return _fail(walk.checked, "tail_deleted", last_seq + 1,
                     f"第 {last_seq + 1} 至 {anchor.seq} 条审计日志（末尾）被删除"
                     "（与锚点文件对照）")
    if walk.marks.get(anchor.seq) != anchor.hash:
        return _fail(walk.checked, "rechained", anchor.seq,
                     f"第 {anchor.seq} 条审计日志的哈希与锚点文件不符："
                     "此前的日志被改动后重新计算了哈希链")
    return None


def _check_pending(checked: int) -> VerifyReport | None:
    """Pending rows are as protected as sealed ones: each must carry a valid signature."""
    for entry in AuditEntry.objects.filter(seq=None).order_by("id").iterator(chunk_size=2000):
        if entry.hash or entry.prev_hash or not signature_holds(entry):  # FORGED included
            return _fail(checked, "forged", None,
                         f"编号 {entry.pk} 的未封存审计日志是伪造的或被改动过（签名不符）")
    return None


def _with_context(report: VerifyReport, anchor: Anchor | None) -> VerifyReport:
    report.anchor = anchor.as_dict() if anchor else None
    if anchor is None:
        report.notes.append("尚无锚点文件：下一次封存时导出")
    report.alarms = AuditEntry.objects.filter(action=AuditEntry.Action.ALARM).count()
    if report.alarms:
        report.notes.append(f"审计告警 {report.alarms} 条（被拒绝的伪造或损坏日志等），"
                            "请在审计日志中按动作“审计告警”查看")
        if report.ok:
            report.message = (f"哈希链与锚点无误；另有 {report.alarms} 条审计告警（被拒绝的"
                              "伪造或无法读取的日志），请在审计日志中按动作“审计告警”查看")
    return report
