"""Compact, incremental revocation list.

Each revoked certificate is a 16-byte truncated SHA-256 of (issuer_code, cert_no): the list says
nothing readable about who was revoked, and 100,000 revocations take 1.6 MB. A full list carries a
sequence number; a delta says "from sequence N to M: add these, remove those", so a verifier that
holds version N downloads only the change. Both are signed by the root key.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from certguard.ecert.errors import EcertError
from certguard.ecert.keys import PublicKey, SigningKey
from certguard.ecert.signed import open_document, sign_document

HASH_SIZE = 16
FORMAT_VERSION = 1


def revocation_hash(*, issuer_code: str, cert_no: str, item_code: str = "") -> bytes:
    """One entry per certificate: authority, number and item. A special-operations number
    ("T" + ID) is shared by all of a person's items, so the item keeps them apart."""
    # The unit separator keeps ("A1", "23") and ("A", "123") apart.
    text = f"{issuer_code.strip()}\x1f{cert_no.strip()}\x1f{item_code.strip()}".encode()
    return hashlib.sha256(text).digest()[:HASH_SIZE]


@dataclass(frozen=True)
class RevocationList:
    sequence: int
    hashes: frozenset[bytes] = field(default_factory=frozenset)
    issued_at: datetime | None = None

    def is_revoked(self, *, issuer_code: str, cert_no: str, item_code: str = "") -> bool:
        return revocation_hash(issuer_code=issuer_code, cert_no=cert_no,
                               item_code=item_code) in self.hashes

    def with_changes(self, *, sequence: int, add: Iterable[bytes] = (),
                     remove: Iterable[bytes] = ()) -> RevocationList:
        return RevocationList(sequence=sequence,
                              hashes=(self.hashes - frozenset(remove)) | frozenset(add),
                              issued_at=datetime.now(UTC))


def _pack(hashes: Iterable[bytes]) -> bytes:
    return b"".join(sorted(hashes))


def _unpack(blob: object) -> frozenset[bytes]:
    if not isinstance(blob, bytes) or len(blob) % HASH_SIZE:
        raise EcertError("bad_revocation_list", "哈希列表长度错误")
    return frozenset(blob[i:i + HASH_SIZE] for i in range(0, len(blob), HASH_SIZE))


def sign_full(rl: RevocationList, *, key: SigningKey) -> bytes:
    issued = rl.issued_at or datetime.now(UTC)
    return sign_document({"v": FORMAT_VERSION, "type": "full", "seq": rl.sequence,
                          "iat": int(issued.timestamp()), "hashes": _pack(rl.hashes)}, key=key)


def sign_delta(*, old: RevocationList, new: RevocationList, key: SigningKey) -> bytes:
    if new.sequence <= old.sequence:
        raise EcertError("bad_revocation_list", "新版本序号必须大于旧版本")
    return sign_document({
        "v": FORMAT_VERSION, "type": "delta", "base": old.sequence, "seq": new.sequence,
        "iat": int(datetime.now(UTC).timestamp()),
        "add": _pack(new.hashes - old.hashes), "remove": _pack(old.hashes - new.hashes),
    }, key=key)


def _open(data: bytes, root: PublicKey) -> dict:
    content = open_document(data, root=root, format_code="bad_revocation_list",
                            signature_code="bad_revocation_list")
    if content.get("v") != FORMAT_VERSION or not isinstance(content.get("seq"), int):
        raise EcertError("bad_revocation_list", "版本或结构不受支持")
    return content


def load_full(data: bytes, *, root: PublicKey) -> RevocationList:
    content = _open(data, root)
    if content.get("type") != "full":
        raise EcertError("bad_revocation_list", "需要完整列表，收到的是增量")
    iat = content.get("iat")
    return RevocationList(sequence=content["seq"], hashes=_unpack(content.get("hashes", b"")),
                          issued_at=datetime.fromtimestamp(iat, UTC)
                          if isinstance(iat, int) else None)


def apply_delta(current: RevocationList, data: bytes, *, root: PublicKey) -> RevocationList:
    """Apply a signed delta; it must start exactly at ``current.sequence``."""
    content = _open(data, root)
    if content.get("type") != "delta":
        raise EcertError("bad_revocation_list", "需要增量列表")
    if content.get("base") != current.sequence:
        raise EcertError("revocation_gap",
                         f"本地版本 {current.sequence}，增量基于版本 {content.get('base')}")
    return current.with_changes(sequence=content["seq"],
                                add=_unpack(content.get("add", b"")),
                                remove=_unpack(content.get("remove", b"")))


def load_chain(documents: Iterable[bytes], *, root: PublicKey) -> RevocationList:
    """A full list followed by zero or more deltas, as downloaded in order."""
    docs = list(documents)
    if not docs:
        raise EcertError("bad_revocation_list", "没有吊销列表")
    current = load_full(docs[0], root=root)
    for doc in docs[1:]:
        current = apply_delta(current, doc, root=root)
    return current
