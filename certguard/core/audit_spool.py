"""An append-only spool for audit entries written at request time.

Each web process appends JSON lines to its own file with one ``write()`` call per request:
once the call returns the kernel holds the bytes, so a crashed worker loses nothing, and no
worker waits on a database lock to log a read. Files are named by a 2-second period;
``audit_ingest`` (run by ``certguard worker`` every few seconds and by ``audit verify``) moves
closed periods into the AuditEntry table, idempotently (each entry carries a unique ``uid``).
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import transaction

PERIOD_SECONDS = 2
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
            period = int(time.time() // PERIOD_SECONDS)
            if self.fd is None or period != self.period or os.getpid() != self.pid:
                self._open(period)
            os.write(self.fd, payload)

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


def spool_write(rows: list[dict]) -> None:
    payload = "".join(json.dumps(row, ensure_ascii=False, separators=(",", ":"), default=str)
                      + "\n" for row in rows)
    _writer.write(payload.encode())


def _closed_files(*, force: bool) -> list[Path]:
    if force:
        _writer.close()  # this process's current file; other processes keep theirs
    current = int(time.time() // PERIOD_SECONDS)
    files = []
    for path in sorted(spool_dir().glob("*.jsonl")):
        period = int(path.name.split("-", 1)[0])
        if force or period < current - 1:  # one period of grace for in-flight writes
            files.append(path)
    return files


def _entry(row: dict):
    from certguard.core.models import AuditEntry

    row = dict(row)
    row["at"] = datetime.fromisoformat(row["at"])
    return AuditEntry(**row)


def _parse(path: Path) -> list:
    entries = []
    lines = path.read_bytes().split(b"\n")
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            entries.append(_entry(json.loads(line)))
        except (ValueError, TypeError):
            # Only a torn last line (a killed process) can be unreadable; keep the file.
            log.error("audit spool %s line %d unreadable; file kept as .bad", path, number)
            path.rename(path.with_suffix(".bad"))
            raise
    return entries


def audit_ingest(*, force: bool = False) -> int:
    """Move spooled entries into the table; returns how many files' entries were added."""
    from certguard.core.models import AuditEntry

    added = 0
    for path in _closed_files(force=force):
        try:
            entries = _parse(path)
        except (ValueError, TypeError):
            continue
        with transaction.atomic():
            AuditEntry.objects.bulk_create(entries, batch_size=2000, ignore_conflicts=True)
        path.unlink()
        added += len(entries)
    return added


def spool_pending() -> int:
    return sum(1 for _ in spool_dir().glob("*.jsonl"))
