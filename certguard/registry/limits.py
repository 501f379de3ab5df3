"""How much one client may verify: per address, per account and per API token each minute,
and a daily quota per address, per token and per account by role (issue 10: a name must not
be recoverable from an ID number by guessing, whoever asks and however many processes serve).
The counters are shared by every worker (``core.ratelimit``)."""

from __future__ import annotations

from django.conf import settings

from certguard.core.ratelimit import Limit, rate_limits
from certguard.core.scoping import actor_of

DAY = 86_400
DAILY_MESSAGE = ("今日查询次数已达上限（{quota}次），请明日再试（{{retry}}秒后恢复）；"
                 "确需批量核验请联系主管部门")


def _daily(scope: str, key: str, quota: int) -> Limit:
    return Limit(scope, key, quota, DAY, DAILY_MESSAGE.format(quota=quota))


def verify_limit(*, user: object, ip: str, token_key: str = "", cost: int = 1,
                 per_minute: int | None = None) -> None:
    """Raise RateLimited when this query (``cost`` lookups) is over any of its limits (all
    counted in one round trip)."""
    if token_key:
        limits = [Limit("verify-token", token_key, settings.VERIFY_RATE_TOKEN),
                  _daily("verify-token-day", token_key, settings.VERIFY_DAILY_TOKEN)]
    else:
        limits = [Limit("verify-address", ip,
                        per_minute or settings.VERIFY_RATE_ANONYMOUS_API),
                  _daily("verify-address-day", ip, settings.VERIFY_DAILY_ADDRESS)]
    if getattr(user, "is_authenticated", False):
        pk = str(getattr(user, "pk", ""))
        role = actor_of(user).role
        quota = settings.VERIFY_DAILY_ROLE.get(role, settings.VERIFY_DAILY_ACCOUNT)
        limits += [Limit("verify-account", pk, settings.VERIFY_RATE_ACCOUNT),
                   _daily("verify-account-day", f"{role}:{pk}", quota)]
    rate_limits(limits, cost=cost)
