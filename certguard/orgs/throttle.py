"""Password guessing, slowed without letting anyone lock an account by its name (issue 10).

- Per address: after ``LOGIN_RATE_ADDRESS`` failed logins in 15 minutes from one address
  (one password tried across many accounts, or many against one), that address waits.
- Per username and address: django-axes locks the pair after ``AXES_FAILURE_LIMIT`` failures
  (the attacker's address only; the account's owner elsewhere is not affected).
- Per username, from anywhere: after ``LOGIN_DELAY_AFTER`` failures, each further try must
  wait 1, 2, 4 … seconds (at most ``LOGIN_DELAY_MAX_SECONDS``) after the last failure — a
  delay, never a lock. A browser the account's owner has signed in from before (a signed
  device cookie) is exempt, so a stranger typing the administrator's name cannot keep the
  administrator out.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.utils import timezone

from certguard.core.ratelimit import RateLimited
from certguard.orgs.models import LoginEvent

WINDOW = timedelta(minutes=15)
DEVICE_COOKIE = "cg_device"
DEVICE_SALT = "certguard.login-device"
DEVICE_DAYS = 180


def device_cookie_value(username: str) -> str:
    return signing.dumps({"u": username}, salt=DEVICE_SALT)


def known_device(request, username: str) -> bool:
    raw = request.COOKIES.get(DEVICE_COOKIE, "")
    if not raw:
        return False
    try:
        data = signing.loads(raw, salt=DEVICE_SALT, max_age=DEVICE_DAYS * 86_400)
    except signing.BadSignature:
        return False
    return isinstance(data, dict) and data.get("u") == username


def login_throttle(*, request, username: str, ip: str) -> None:
    """Raise RateLimited when this login attempt must wait (before the password is checked)."""
    now = timezone.now()
    since = now - WINDOW
    failures_here = LoginEvent.objects.filter(ip=ip, success=False, at__gte=since).count()
    if failures_here >= settings.LOGIN_RATE_ADDRESS:
        raise RateLimited(retry_after=int(WINDOW.total_seconds()),
                          message="该地址登录失败次数过多，请15分钟后再试")
    if not username or known_device(request, username):
        return
    recent = list(LoginEvent.objects.filter(username=username, at__gte=since)
                  .order_by("-at").values_list("success", "at")[:64])
    failures = 0
    for success, _ in recent:
        if success:
            break
        failures += 1
    if failures < settings.LOGIN_DELAY_AFTER:
        return
    delay = min(2 ** (failures - settings.LOGIN_DELAY_AFTER), settings.LOGIN_DELAY_MAX_SECONDS)
    waited = (now - recent[0][1]).total_seconds()
    if waited < delay:
        raise RateLimited(retry_after=max(1, int(delay - waited + 0.999)),
                          message="该账户近期登录失败较多，请{retry}秒后再试")
