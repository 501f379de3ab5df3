"""Reads that may go to a read replica, and only those.

A replica lags the primary by a moment, so only reads that tolerate it use one: public and
batch verification (an answer a second old is still the registry's answer) — never a read that
follows a write in the same request, never a permission or audit read. Code opts in with
``replica_reads()``; raw lookups ask ``read_alias()``. Writes and migrations stay on
``default``. Without ``DATABASE_REPLICA_URL`` everything is the primary.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connections

REPLICA = "replica"
_on_replica: ContextVar[bool] = ContextVar("certguard_replica_reads", default=False)


def replica_configured() -> bool:
    return REPLICA in connections.settings


def read_alias() -> str:
    """The alias a replica-tolerant read uses now."""
    return REPLICA if _on_replica.get() and replica_configured() else "default"


def lookup_alias() -> str:
    """Registry lookups of verification (single, batch, self-check matching): read-only and
    replica-tolerant by design, they use the replica whenever one is configured."""
    return REPLICA if replica_configured() else "default"


@contextmanager
def replica_reads() -> Iterator[None]:
    token = _on_replica.set(True)
    try:
        yield
    finally:
        _on_replica.reset(token)


class ReplicaRouter:
    def db_for_read(self, model, **hints) -> str | None:
        return read_alias()

    def db_for_write(self, model, **hints) -> str:
        return "default"

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == "default"  # a replica follows its primary; nobody migrates it
