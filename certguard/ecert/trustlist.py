"""Trust list: the authorities' public keys with kid, alg and validity window, signed by a root.

Rotation never breaks old certificates: a retired key stays in the list with its window, and a
payload is accepted when its key was valid at the payload's issued-at time, however long ago.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from certguard.ecert.algorithms import ALG_NAMES
from certguard.ecert.errors import EcertError
from certguard.ecert.keys import PublicKey, public_key_from_spki
from certguard.ecert.signed import open_document, sign_document

FORMAT_VERSION = 1


@dataclass(frozen=True)
class TrustEntry:
    public: PublicKey
    authority: str
    not_before: datetime | None = None  # the key may sign from ...
    not_after: datetime | None = None  # ... until (certificates signed earlier stay valid)

    def valid_at(self, moment: datetime) -> bool:
        if self.not_before is not None and moment < self.not_before:
            return False
        return self.not_after is None or moment <= self.not_after

    def to_content(self) -> dict[str, object]:
        return {
            "kid": self.public.kid, "alg": self.public.alg, "authority": self.authority,
            "nbf": _ts(self.not_before), "exp": _ts(self.not_after), "spki": self.public.spki,
        }

    def describe(self) -> dict[str, object]:
        return {"kid": self.public.kid.hex(), "alg": ALG_NAMES.get(self.public.alg),
                "authority": self.authority,
                "not_before": self.not_before.isoformat() if self.not_before else None,
                "not_after": self.not_after.isoformat() if self.not_after else None}


@dataclass(frozen=True)
class TrustList:
    entries: tuple[TrustEntry, ...]
    sequence: int = 0
    issued_at: datetime | None = None

    def __post_init__(self) -> None:
        index: dict[bytes, list[TrustEntry]] = {}
        for entry in self.entries:
            for kid in entry.public.kids:
                index.setdefault(kid, []).append(entry)
        object.__setattr__(self, "_index", index)

    def candidates(self, kid: bytes | None) -> list[TrustEntry]:
        return list(self._index.get(kid, ())) if kid is not None else []  # type: ignore[attr-defined]


def from_public_key(public: PublicKey, *, authority: str = "") -> TrustList:
    """A one-key trust list, e.g. from a PEM given on the command line."""
    return TrustList(entries=(TrustEntry(public=public, authority=authority),))


def build(entries: Iterable[TrustEntry], *, sequence: int, issued_at: datetime | None = None
          ) -> dict[str, object]:
    issued = issued_at or datetime.now(UTC)
    return {"v": FORMAT_VERSION, "seq": sequence, "iat": _ts(issued),
            "keys": [e.to_content() for e in entries]}


def sign(content: dict[str, object], *, root) -> bytes:  # root: SigningKey
    return sign_document(content, key=root)


def load(data: bytes, *, root: PublicKey) -> TrustList:
    """Verify a signed trust list against the root key; EcertError bad_trust_* otherwise."""
    content = open_document(data, root=root, format_code="bad_trust_list",
                            signature_code="bad_trust_signature")
    if content.get("v") != FORMAT_VERSION or not isinstance(content.get("keys"), list):
        raise EcertError("bad_trust_list", "版本或结构不受支持")
    try:
        entries = tuple(_entry(item) for item in content["keys"])
    except (KeyError, TypeError, ValueError) as exc:
        raise EcertError("bad_trust_list", f"密钥条目错误: {exc}") from None
    return TrustList(entries=entries, sequence=int(content.get("seq", 0)),
                     issued_at=_dt(content.get("iat")))


def _entry(item: dict) -> TrustEntry:
    public = public_key_from_spki(item["spki"])
    if public.kid != item["kid"] or public.alg != item["alg"]:
        raise ValueError(f"kid/alg 与公钥不符 ({item['kid'].hex()})")
    return TrustEntry(public=public, authority=str(item["authority"]),
                      not_before=_dt(item.get("nbf")), not_after=_dt(item.get("exp")))


def _ts(moment: datetime | None) -> int | None:
    return int(moment.timestamp()) if moment is not None else None


def _dt(value: object) -> datetime | None:
    return datetime.fromtimestamp(value, UTC) if isinstance(value, int) else None
