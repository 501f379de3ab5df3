"""Fixed-window rate limits shared by every server process.

The counters live in the database by default (``core.RateCounter``: one UPDATE per limited
request, no extra server, so ``make demo`` needs no Redis), or in Django's cache when
``RATELIMIT_STORE=cache`` and the cache is Redis (``REDIS_URL``). A per-process memory store
is never used: with several workers it would multiply every limit by their number.
"""

from __future__ import annotations

import hashlib
import random
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F

from certguard.core.errors import AppError

DEFAULT_MESSAGE = ("查询过于频繁，请{retry}秒后再试（为防止批量套取个人信息，每个来源的查询次数"
                   "有限制；单位批量核验请使用批量接口并申请接口令牌）")


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


def _count_in_database(buckets: dict[str, int], cost: int) -> dict[str, int]:
    """Add ``cost`` to every bucket (name → expiry) in one UPDATE, creating missing ones;
    the counts after. Two statements when the buckets exist, whatever their number."""
    from certguard.core.models import RateCounter

    counters = RateCounter.objects.filter(bucket__in=list(buckets))
    if counters.update(count=F("count") + cost) < len(buckets):
        existing = set(counters.values_list("bucket", flat=True))
        for bucket, expires in buckets.items():
            if bucket in existing:
                continue
            try:
                with transaction.atomic():
                    RateCounter.objects.create(bucket=bucket, count=cost, expires=expires)
            except IntegrityError:  # another process created it first
                RateCounter.objects.filter(bucket=bucket).update(count=F("count") + cost)
    if random.random() < 0.002:  # housekeeping, not security
        RateCounter.objects.filter(expires__lt=int(time.time())).delete()
    return dict(counters.values_list("bucket", "count"))


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
    else:
        counts = _count_in_database({name: expires for (name, expires), _ in buckets}, cost)
    for (name, expires), lim in buckets:
        if counts.get(name, cost) > lim.limit:
            raise RateLimited(retry_after=max(1, expires - int(now)), message=lim.message)


def rate_limit(*, scope: str, key: str, limit: int, window: int = 60, cost: int = 1,
               message: str = DEFAULT_MESSAGE) -> None:
    """Allow ``limit`` units per ``window`` seconds for (scope, key); raise RateLimited.
    ``message`` may contain ``{retry}`` (seconds until the window ends)."""
    rate_limits([Limit(scope, key, limit, window, message)], cost=cost)
