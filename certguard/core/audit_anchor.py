"""The anchor: the audit chain's newest position and hash, exported outside the database.

Someone who can write the database can delete the chain's tail together with its seal rows,
or rewrite entries and re-compute the chain if they also hold the key; the anchor file is what
the database cannot change. Every sealing pass replaces it (atomically, never moving it
backwards); the operator archives it (for example to write-once storage, or by copying the
hash shown on the audit page), and ``audit verify`` checks the chain against it.
"""

from __future__ import annotations

import fcntl
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from certguard.core.audit_keys import keyring


@dataclass(frozen=True)
class Anchor:
    seq: int
    hash: str
    at: str
    key_id: str
    mac: str

    def as_dict(self) -> dict:
        return asdict(self)


def anchor_path() -> Path:
    return Path(settings.AUDIT_ANCHOR_FILE or Path(settings.VAR_DIR) / "audit-anchor.json")


def _payload(seq: int, head_hash: str, at: str) -> bytes:
    return f"anchor|{seq}|{head_hash}|{at}".encode()


def anchor_read() -> tuple[Anchor | None, str, str]:
    """The exported anchor (None if none was exported yet), and what is wrong with it: a
    problem code (anchor_invalid | key_unknown) and a message, or two empty strings."""
    name = anchor_path().name
    try:
        raw = anchor_path().read_bytes()
    except FileNotFoundError:
        return None, "", ""
    try:
        anchor = Anchor(**json.loads(raw))
        payload = _payload(int(anchor.seq), str(anchor.hash), str(anchor.at))
    except (ValueError, TypeError):
        return None, "anchor_invalid", f"锚点文件 {name} 无法读取"
    ring = keyring()
    if not ring.knows(str(anchor.key_id)):
        return None, "key_unknown", (f"锚点文件 {name} 的签名密钥（编号 {anchor.key_id}）未配置："
                                     "若审计密钥已轮换，请把旧密钥放入 AUDIT_OLD_KEYS")
    if not ring.valid(payload, str(anchor.mac), str(anchor.key_id)):
        return None, "anchor_invalid", f"锚点文件 {name} 的签名不符（被改动过）"
    return anchor, "", ""


def anchor_write(*, seq: int, head_hash: str, reset: bool = False) -> None:
    """Replace the anchor with a newer position; a slower concurrent sealer never moves it
    back (only an operator's reset does). Written to a new file, flushed, then renamed over
    the old one."""
    path = anchor_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = os.open(path.with_name(path.name + ".lock"), os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        current, _, _ = anchor_read()
        if current is not None and current.seq >= seq and not reset:
            return
        at = timezone.now().isoformat()
        ring = keyring()
        body = {"seq": seq, "hash": head_hash, "at": at, "key_id": ring.current_id,
                "mac": ring.mac(_payload(seq, head_hash, at))}
        draft = path.with_name(path.name + ".new")
        with open(draft, "w", encoding="utf-8") as handle:
            json.dump(body, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(draft, path)
    finally:
        os.close(lock)
