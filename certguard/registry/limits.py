"""How much one client may verify: per address, per account and per API token each minute,
and a daily quota per address, per token and per account by role (issue 10: a name must not
be recoverable from an ID number by guessing, whoever asks and however many processes serve).
The counters are shared by every worker (``core.ratelimit``)."""

from __future__ import annotations

from django.conf import settings

from certguard.core.ratelimit import rate_limit
from certguard.core.scoping import actor_of

DAY = 86_400
DAILY_MESSAGE = ("今日查询次数已达上限（{quota}次），请明日再试（{{retry}}秒后恢复）；"
                 "确需批量核验请联系主管部门")


def _daily(scope: str, key: str, quota: int, cost: int) -> None:
    rate_limit(scope=scope, key=key, limit=quota, window=DAY, cost=cost,
               message=DAILY_MESSAGE.format(quota=quota))


def verify_limit(*, user: object, ip: str, token_key: str = "", cost: int = 1,
                 per_minute: int | None = None) -> None:
    """Raise RateLimited when this query (``cost`` lookups) is over any of its limits."""
    if token_key:
        rate_limit(scope="verify-token", key=token_key, limit=settings.VERIFY_RATE_TOKEN,
                   cost=cost)
        _daily("verify-token-day", token_key, settings.VERIFY_DAILY_TOKEN, cost)
    else:
        rate_limit(scope="verify-address", key=ip,
                   limit=per_minute or settings.VERIFY_RATE_ANONYMOUS_API, cost=cost)
        _daily("verify-address-day", ip, settings.VERIFY_DAILY_ADDRESS, cost)
    if getattr(user, "is_authenticated", False):
        pk = str(getattr(user, "pk", ""))
        rate_limit(scope="verify-account", key=pk, limit=settings.VERIFY_RATE_ACCOUNT,
                   cost=cost)
        role = actor_of(user).role
        quota = settings.VERIFY_DAILY_ROLE.get(role, settings.VERIFY_DAILY_ACCOUNT)
        _daily("verify-account-day", f"{role}:{pk}", quota, cost)
