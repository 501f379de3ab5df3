"""An append-only spool for audit entries written at request time.

Each web process appends signed entries to its own file, one ``write()`` per request, so a
crashed worker loses nothing and no worker waits on a database lock to log a read. A writer
holds a shared ``flock`` on its file while it writes; ``audit_ingest`` takes a file only when
it gets the exclusive lock (no write in progress), loads it and unlinks it before letting go.
A writer that next locks its file finds it unlinked (``st_nlink == 0``) and starts a new one.
So an ingest, forced or not, whatever the server does meanwhile, never takes a file that is
still growing and nothing written is lost.

A line is an entry's content as a JSON array in ``audit.CONTENT_FIELDS`` order followed by
its signature. Each line is checked before it goes in: a line that is not a complete entry is
reported and set aside, a line whose signature fails (forged) is refused and reported, and the
valid lines of the same file go in.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import threading
import time
from pathlib import Path

from django.conf import settings
from django.db import transaction

PERIOD_SECONDS = 2  # a new file per period keeps each file small
KEPT_TEXT = 20000  # characters of a refused line kept in its alarm entry
log = logging.getLogger(__name__)


def spool_dir() -> Path:
    path = Path(settings.VAR_DIR) / "audit-spool"
    path.mkdir(parents=True, exist_ok=True)
    return path


class _Writer:
    """One open file per process and period; a lock makes it safe for threaded servers."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.fd: int | None = None
        self.period = -1
        self.pid = -1

    def write(self, payload: bytes) -> None:
        with self.lock:
            while True:
                period = int(time.time() // PERIOD_SECONDS)
                if self.fd is None or period != self.period or os.getpid() != self.pid:
                    self._open(period)
                if self._write_locked(payload):
                    return
                self.close_locked()  # the ingester took this file: write to a new one

    def _write_locked(self, payload: bytes) -> bool:
        fcntl.flock(self.fd, fcntl.LOCK_SH)
        try:
            if os.fstat(self.fd).st_nlink == 0:
                return False
            view = memoryview(payload)
            while view:
                view = view[os.write(self.fd, view):]
            return True
        finally:
            fcntl.flock(self.fd, fcntl.LOCK_UN)

    def _open(self, period: int) -> None:
        self.close_locked()
        self.period, self.pid = period, os.getpid()
        name = spool_dir() / f"{period:012d}-{self.pid}.jsonl"
        self.fd = os.open(name, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)

    def close_locked(self) -> None:
        if self.fd is not None and self.pid == os.getpid():
            os.close(self.fd)
        self.fd = None

    def close(self) -> None:
        with self.lock:
            self.close_locked()


_writer = _Writer()


def spool_write(lines: list[bytes]) -> None:
    """Append entries' lines (``audit.spool_line``), one ``write()`` for all of them."""
    _writer.write(b"".join(lines))


def _problem(code: str, number: int, line: bytes) -> dict:
    return {"code": code, "line": number, "sha256": hashlib.sha256(line).hexdigest(),
            "text": line.decode("utf-8", errors="replace")[:KEPT_TEXT]}


def _parse(data: bytes) -> tuple[list, list[dict]]:
    """Entries whose signature holds, and the problems of every other line."""
    from certguard.core.audit import CONTENT_FIELDS, content_bytes, entry_from_row
    from certguard.core.audit_keys import keyring

    names, ring = (*CONTENT_FIELDS, "mac"), keyring()
    entries, problems = [], []
    for number, line in enumerate(data.split(b"\n"), start=1):
        if not line.strip():
            continue
        try:
            values = json.loads(line)
            if not isinstance(values, list) or len(values) != len(names):
                raise ValueError("not an entry")
            row = dict(zip(names, values, strict=True))
            entry = entry_from_row(row)
            signed = ring.valid(content_bytes(values[:-1]), str(row["mac"]),
                                str(row["key_id"]))
        except (ValueError, TypeError, AttributeError):
            problems.append(_problem("spool_malformed", number, line))
            continue
        if signed:
            entries.append(entry)
        else:
            problems.append(_problem("spool_forged", number, line))
    return entries, problems


_MESSAGES = {"spool_malformed": "无法读取（不完整或格式错误），已隔离",
             "spool_forged": "签名不符（伪造或被改动），已拒绝"}


def _report(name: str, problems: list[dict], kept: int) -> None:
    from certguard.core.audit import audit_alarm

    for problem in problems:
        log.error("audit spool %s line %d: %s", name, problem["line"], problem["code"])
        audit_alarm(code=problem["code"], key=f"{name}:{problem['line']}:{problem['sha256']}",
                    summary=f"审计日志暂存文件 {name} 第 {problem['line']} 行"
                            f"{_MESSAGES[problem['code']]}；同一文件其余 {kept} 条已入库",
                    data={"file": name, **problem})


def _read_all(fd: int) -> bytes:
    parts = []
    while chunk := os.read(fd, 1 << 20):
        parts.append(chunk)
    return b"".join(parts)


def _ingest_file(path: Path) -> int:
    from certguard.core.models import AuditEntry

    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:  # another ingester took it
        return 0
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # a writer is inside a write: the next pass takes it
            return 0
        if os.fstat(fd).st_nlink == 0:
            return 0
        entries, problems = _parse(_read_all(fd))
        with transaction.atomic():
            AuditEntry.objects.bulk_create(entries, batch_size=2000, ignore_conflicts=True)
            _report(path.name, problems, len(entries))
        path.unlink()  # still under the exclusive lock: no writer can be appending
        return len(entries)
    finally:
        os.close(fd)


def audit_ingest(*, force: bool = False) -> int:
    """Move spooled entries into the table; returns how many entries were read in.

    Every file that no writer is writing at this instant is taken — the lock decides, not
    the file's age — so ``force`` (kept for callers) changes nothing. Idempotent: entries
    carry a unique ``uid``, so a file read in again after a crash adds nothing twice.
    """
    return sum(_ingest_file(path) for path in sorted(spool_dir().glob("*.jsonl")))


def spool_pending() -> int:
    return sum(1 for _ in spool_dir().glob("*.jsonl"))
