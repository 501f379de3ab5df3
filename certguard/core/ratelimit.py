"""Fixed-window rate limits shared by every server process.

The counters live in the database by default (``core.RateCounter``, no extra server, so
``make demo`` needs no Redis), or in Django's cache when ``RATELIMIT_STORE=cache`` and the
cache is Redis (``REDIS_URL``). A per-process memory *counter* is never used: with several
workers it would multiply every limit by their number.

What a process keeps in memory are **leases** (database store): units of a window's limit
that the shared counter has already handed to this process. A process admits a request only
against units the counter granted it, so the total admitted in a window never exceeds the
limit, whatever the number of processes or machines. A lease starts at nothing (a bucket used
once costs one statement and reserves nothing more), doubles with each refill of the same
window, and is capped by ``LEASE_MAX`` and by 1/``LEASE_SHARE`` of what the window had left
at the last refill, so near the limit leases shrink to single units. Units leased and unused
(a process that stops receiving the client's requests) are lost for the window only: a client
may be refused slightly before its limit, never admitted beyond it. Once the counter has
recorded a refusal (its count is over the limit, which ``cost=0`` reads see), the process
remembers the window as over until it ends, so further refusals cost no write. The result:
a busy key (an API token, a proxy's address) costs one statement per few hundred requests, a
key used a few times one statement per request, as before. See docs/scaling.md.
"""

from __future__ import annotations

import hashlib
import random
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F

from certguard.core.errors import AppError

DEFAULT_MESSAGE = ("查询过于频繁，请{retry}秒后再试（为防止批量套取个人信息，每个来源的查询次数"
                   "有限制；单位批量核验请使用批量接口并申请接口令牌）")
LEASE_MAX = 1024  # units a process may hold ahead for one bucket
LEASE_SHARE = 64  # a lease takes at most this fraction of what the window had left


class RateLimited(AppError):
    status = 429

    def __init__(self, retry_after: int, message: str = DEFAULT_MESSAGE) -> None:
        super().__init__("rate_limited", message.format(retry=retry_after))
        self.retry_after = retry_after


def _bucket(scope: str, key: str, window: int, now: float) -> tuple[str, int]:
    start = int(now // window) * window
    if len(key) > 64:  # long keys (tokens, digests) stay out of the table in clear
        key = hashlib.sha256(key.encode()).hexdigest()[:40]
    return f"{scope}:{key}:{window}:{start}", start + window


# --- the shared counter ------------------------------------------------------------------------

UPSERT = ("INSERT INTO core_ratecounter (bucket, count, expires) VALUES {rows} "
          "ON CONFLICT (bucket) DO UPDATE SET count = core_ratecounter.count + excluded.count "
          "RETURNING bucket, count")


def _add_in_database(claims: dict[str, tuple[int, int]]) -> dict[str, int]:
    """Add to every bucket (name → (units, expiry)) at once, creating missing ones; the
    counts after. SQLite and PostgreSQL: one statement (an upsert returning the counts)."""
    if connection.vendor in ("sqlite", "postgresql"):
        names = sorted(claims)  # one lock order for every process (PostgreSQL row locks)
        params: list = []
        for name in names:
            params += [name, claims[name][0], claims[name][1]]
        sql = UPSERT.format(rows=", ".join(["(%s, %s, %s)"] * len(names)))
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            counts = dict(cursor.fetchall())
    else:  # other databases: the portable two statements
        counts = _add_with_orm(claims)
    if random.random() < 0.002:  # housekeeping, not security
        from certguard.core.models import RateCounter

        RateCounter.objects.filter(expires__lt=int(time.time())).delete()
    return counts


def _add_with_orm(claims: dict[str, tuple[int, int]]) -> dict[str, int]:
    from certguard.core.models import RateCounter

    counts: dict[str, int] = {}
    for bucket, (units, expires) in claims.items():
        if RateCounter.objects.filter(bucket=bucket).update(count=F("count") + units) == 0:
            try:
                with transaction.atomic():
                    RateCounter.objects.create(bucket=bucket, count=units, expires=expires)
            except IntegrityError:  # another process created it first
                RateCounter.objects.filter(bucket=bucket).update(count=F("count") + units)
        counts[bucket] = RateCounter.objects.filter(bucket=bucket).values_list(
            "count", flat=True).first() or units
    return counts


def _count_in_cache(bucket: str, expires: int, cost: int) -> int:
    from django.core.cache import cache

    timeout = max(1, expires - int(time.time()) + 1)
    if cache.add(bucket, cost, timeout=timeout):
        return cost
    try:
        return cache.incr(bucket, cost)
    except ValueError:  # expired between add and incr
        cache.add(bucket, cost, timeout=timeout)
        return cost


# --- this process's leases ---------------------------------------------------------------------

@dataclass
class _Lease:
    expires: int
    units: int = 0  # granted by the counter, not yet used
    step: int = 0  # extra units asked at the next refill (doubles, from 0)
    left: int = 0  # what the window had left at the last refill
    full: bool = False  # the counter went over the limit: refused until the window ends


_leases: dict[str, _Lease] = {}
_lock = threading.Lock()
_next_sweep = 0.0


def forget_leases() -> None:
    """Drop this process's leases (what a newly started worker has; tests)."""
    with _lock:
        _leases.clear()


def _sweep(now: float) -> None:
    global _next_sweep
    if now >= _next_sweep:
        _next_sweep = now + 60
        for name in [n for n, lease in _leases.items() if lease.expires <= now]:
            del _leases[name]


@dataclass(frozen=True)
class Limit:
    """``limit`` units per ``window`` seconds for (scope, key); ``message`` may contain
    ``{retry}`` (seconds until the window ends)."""

    scope: str
    key: str
    limit: int
    window: int = 60
    message: str = DEFAULT_MESSAGE


def rate_limits(limits: list[Limit], *, cost: int = 1) -> None:
    """Count ``cost`` against every limit at once; raise RateLimited for the first exceeded."""
    now = time.time()
    buckets = [(_bucket(lim.scope, lim.key, lim.window, now), lim) for lim in limits]
    if getattr(settings, "RATELIMIT_STORE", "database") == "cache":
        counts = {name: _count_in_cache(name, expires, cost) for (name, expires), _ in buckets}
        for (name, expires), lim in buckets:
            if counts.get(name, cost) > lim.limit:
                raise RateLimited(retry_after=max(1, expires - int(now)), message=lim.message)
        return
    refused = _take(buckets, cost, now)
    for (name, expires), lim in buckets:
        if name in refused:
            raise RateLimited(retry_after=max(1, expires - int(now)), message=lim.message)


def _take(buckets: list[tuple[tuple[str, int], Limit]], cost: int, now: float) -> set[str]:
    """Take ``cost`` units of every bucket, from this process's leases or, for those without
    enough, from the shared counter in one statement; the buckets that refused.

    Units are leased ahead only when the counter's write commits at once: inside a
    transaction that may still roll back, the counter would forget units this process
    holds. ``cost=0`` (reading a count) always asks the counter."""
    durable = cost > 0 and not _in_transaction()
    refused: set[str] = set()
    claims: dict[str, tuple[int, int]] = {}
    with _lock:
        _sweep(now)
        for (name, expires), lim in buckets:
            lease = _leases.get(name)
            if cost and lease is not None and lease.units >= cost:
                lease.units -= cost
            elif cost and lease is not None and lease.full:
                refused.add(name)  # the counter was at its limit: no unit left this window
            else:
                if lease is None:
                    lease = _leases[name] = _Lease(expires=expires, left=lim.limit)
                extra = min(lease.step, LEASE_MAX, lease.left // LEASE_SHARE) if durable else 0
                claims[name] = (cost + extra, expires)
                lease.step = max(1, lease.step * 2)
    if not claims:
        return refused
    counts = _add_in_database(claims)
    with _lock:
        for (name, expires), lim in buckets:
            if name not in claims:
                continue
            asked = claims[name][0]
            after = counts.get(name, asked)
            granted = max(0, min(asked, lim.limit - (after - asked)))
            if granted < cost or (after > lim.limit and not cost):
                refused.add(name)
            if not durable:
                continue
            lease = _leases.setdefault(name, _Lease(expires=expires))
            lease.left = max(0, lim.limit - after)
            lease.full = after > lim.limit  # a refusal is on record (cost=0 reads see it)
            lease.units += max(0, granted - cost)
    return refused


def _in_transaction() -> bool:
    """Inside an atomic block that may roll back (a test's own transaction does not count:
    it stands for the autocommit of a real request)."""
    return any(not getattr(block, "_from_testcase", False)
               for block in connection.atomic_blocks)


def rate_limit(*, scope: str, key: str, limit: int, window: int = 60, cost: int = 1,
               message: str = DEFAULT_MESSAGE) -> None:
    """Allow ``limit`` units per ``window`` seconds for (scope, key); raise RateLimited.
    ``message`` may contain ``{retry}`` (seconds until the window ends)."""
    rate_limits([Limit(scope, key, limit, window, message)], cost=cost)
