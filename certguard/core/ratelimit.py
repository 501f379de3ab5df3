"""Fixed-window rate limits on Django's cache (Redis in production, memory otherwise)."""

from __future__ import annotations

import time

from django.core.cache import cache

from certguard.core.errors import AppError


class RateLimited(AppError):
    status = 429

    def __init__(self, retry_after: int) -> None:
        super().__init__("rate_limited",
                         f"查询过于频繁，请{retry_after}秒后再试（为防止批量套取个人信息，"
                         "每个来源的查询次数有限制；单位批量核验请使用批量接口并申请接口令牌）")
        self.retry_after = retry_after


def rate_limit(*, scope: str, key: str, limit: int, window: int = 60, cost: int = 1) -> None:
    """Allow ``limit`` units per ``window`` seconds for (scope, key); raise RateLimited."""
    bucket = int(time.time() // window)
    cache_key = f"rl:{scope}:{key}:{bucket}"
    if cache.add(cache_key, cost, timeout=window + 1):
        count = cost
    else:
        try:
            count = cache.incr(cache_key, cost)
        except ValueError:  # expired between add and incr
            cache.add(cache_key, cost, timeout=window + 1)
            count = cost
    if count > limit:
        raise RateLimited(retry_after=window - int(time.time()) % window or 1)
