"""The audit log's keys: the current key signs new entries, seals and anchors; retired keys
(``AUDIT_OLD_KEYS``) still verify what they signed.

Every entry, seal and anchor names its key by an id derived from the key itself, so a rotation
needs no bookkeeping: set the new ``AUDIT_KEY``, move the old one to ``AUDIT_OLD_KEYS``,
restart. The ids reveal nothing about the keys (an HMAC of a fixed label).
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from django.conf import settings


class UnknownKey(KeyError):
    """An entry names a key that is neither AUDIT_KEY nor in AUDIT_OLD_KEYS."""


def key_id(key: str) -> str:
    return hmac.new(key.encode(), b"certguard audit key id", hashlib.sha256).hexdigest()[:16]


class KeyRing:
    def __init__(self, current: str, retired: tuple[str, ...]) -> None:
        self.current_id = key_id(current)
        self._keys = {key_id(k): k.encode() for k in (*retired, current)}

    def knows(self, kid: str) -> bool:
        return kid in self._keys

    def mac(self, payload: bytes, kid: str | None = None) -> str:
        """HMAC-SHA256 of ``payload`` with key ``kid`` (default: the current key)."""
        try:
            key = self._keys[kid or self.current_id]
        except KeyError:
            raise UnknownKey(kid) from None
        return hmac.digest(key, payload, "sha256").hex()

    def valid(self, payload: bytes, mac: str, kid: str) -> bool:
        return kid in self._keys and hmac.compare_digest(self.mac(payload, kid), mac)


@lru_cache(maxsize=4)
def _ring(current: str, retired: tuple[str, ...]) -> KeyRing:
    return KeyRing(current, retired)


def keyring() -> KeyRing:
    """The ring for the settings in force (tests that override the keys get their own)."""
    return _ring(settings.AUDIT_KEY, tuple(settings.AUDIT_OLD_KEYS))
