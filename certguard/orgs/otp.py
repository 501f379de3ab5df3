"""TOTP second factor (django-otp), recovery codes, resets, and API tokens.

Enrolling or replacing an authenticator needs a session that already passed the current
second factor — or, when it is lost, a reset the security administrator approved, redeemed
with the one-time code they handed over out of band. Every step is in the audit log.
"""

from __future__ import annotations

import base64
import secrets
from datetime import timedelta

import segno
from django.db import transaction
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from certguard.core.audit import audit_record
from certguard.core.errors import AppError, Forbidden
from certguard.core.policy import require
from certguard.core.ratelimit import rate_limit
from certguard.core.rights import SECOND_FACTOR_ROLES
from certguard.orgs.models import (
    RecoveryCode,
    RecoveryDevice,
    SecondFactorReset,
    User,
    normalise_recovery_code,
    recovery_code_hash,
    recovery_code_matches,
)

RECOVERY_CODES = 10
RESET_HOURS = 24
RESET_SESSION_KEY = "otp_reset_id"
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i


def _code(length: int) -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(length))
    return "-".join(raw[i:i + 4] for i in range(0, length, 4))


def totp_enabled(*, user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def second_factor_required(*, user) -> bool:
    """Privileged roles (the three administrators, issuing officers) must use a second factor,
    whichever membership the session acts in."""
    if user.is_superuser and not user.memberships.exists():
        return True  # the installation's first account acts as the system administrator
    return user.memberships.filter(active=True, role__in=SECOND_FACTOR_ROLES).exists()


def enrolment_blocked(*, request, user) -> bool:
    """True when this session may not enrol or replace a second factor: the user has one,
    this session has not passed it, and no approved reset was redeemed in it."""
    if not totp_enabled(user=user):
        return False
    if getattr(user, "is_verified", lambda: False)():
        return False
    reset_id = request.session.get(RESET_SESSION_KEY)
    return not (reset_id and SecondFactorReset.objects.filter(
        pk=reset_id, user=user, used_at__isnull=False).exists())


def totp_pending_device(*, user) -> TOTPDevice:
    """The unconfirmed device being set up (created on first visit)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="动态口令", confirmed=False)


def totp_secret_base32(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode()


def totp_qr_svg(device: TOTPDevice) -> str:
    return segno.make(device.config_url, error="m").svg_inline(scale=4)


def totp_confirm(*, request, user, token: str) -> list[str]:
    """Bind the pending authenticator (replacing the old one); returns fresh recovery codes."""
    if enrolment_blocked(request=request, user=user):
        audit_record(action="update", object_type="orgs.user", object_id=user.pk,
                     summary="更换动态口令被拒绝：本次登录未通过现有动态口令验证", user=user,
                     data={"refused": True})
        raise Forbidden("otp_verify_first", "更换验证器前须先用现有动态口令或恢复码完成验证；"
                                            "验证器丢失时请联系安全管理员重置")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None or not device.verify_token(token):
        raise AppError("totp_invalid", "动态口令错误，请核对手机上的6位数字后重试")
    with transaction.atomic():
        replaced = TOTPDevice.objects.filter(user=user, confirmed=True).count()
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save()
        reset_id = request.session.pop(RESET_SESSION_KEY, None)
        audit_record(action="update", object_type="orgs.user", object_id=user.pk,
                     summary="更换动态口令验证器" if replaced else "启用动态口令双因素认证",
                     data={"replaced": replaced, "reset": reset_id}, user=user)
        codes = recovery_codes_generate(user=user)
    otp_login(request, device)
    return codes


def totp_verify(*, request, user, token: str) -> None:
    """A six-digit authenticator code, or one of the user's one-time recovery codes."""
    token = token.strip()
    if len(token) == 6 and token.isdigit():
        for device in TOTPDevice.objects.filter(user=user, confirmed=True):
            allowed, _ = device.verify_is_allowed()
            if not allowed:
                raise AppError("totp_throttled", "动态口令错误次数过多，请稍后再试")
            if device.verify_token(token):
                otp_login(request, device)
                return
        raise AppError("totp_invalid", "动态口令错误，请核对手机上的6位数字后重试")
    recovery = RecoveryDevice.objects.filter(user=user, confirmed=True).first()
    if recovery is not None:
        allowed, _ = recovery.verify_is_allowed()
        if not allowed:
            raise AppError("totp_throttled", "错误次数过多，请稍后再试")
        if recovery.verify_token(token):
            otp_login(request, recovery)
            left = recovery.codes.filter(used_at=None).count()
            audit_record(action="login", object_type="orgs.user", object_id=user.pk,
                         summary=f"使用恢复码通过双因素认证（剩余{left}个）", user=user,
                         data={"recovery_codes_left": left})
            return
    raise AppError("totp_invalid", "动态口令或恢复码错误，请核对后重试")


def recovery_codes_generate(*, user) -> list[str]:
    """Ten new one-time codes (the old ones stop working); shown once, stored hashed."""
    codes = [_code(12) for _ in range(RECOVERY_CODES)]
    with transaction.atomic():
        RecoveryDevice.objects.filter(user=user).delete()
        device = RecoveryDevice.objects.create(user=user, name="恢复码", confirmed=True)
        RecoveryCode.objects.bulk_create(
            [RecoveryCode(device=device, code_hash=recovery_code_hash(c)) for c in codes])
        audit_record(action="update", object_type="orgs.user", object_id=user.pk,
                     summary="生成双因素认证恢复码（旧恢复码作废）", user=user,
                     data={"count": len(codes)})
    return codes


def recovery_codes_left(*, user) -> int | None:
    device = RecoveryDevice.objects.filter(user=user, confirmed=True).first()
    return None if device is None else device.codes.filter(used_at=None).count()


def second_factor_reset_approve(*, by, user: User, reason: str = "") -> str:
    """The security administrator approves a reset of ``user``'s lost second factor. Returns
    the one-time code to hand to the user out of band (shown once, stored hashed)."""
    require(by, "security.accounts")
    if by.pk == user.pk:
        raise Forbidden("otp_reset_self", "不能为本人账户重置双因素认证，请由另一名安全管理员办理")
    code = _code(12)
    with transaction.atomic():
        SecondFactorReset.objects.filter(user=user, used_at=None).delete()
        grant = SecondFactorReset.objects.create(
            user=user, approved_by_id=by.pk, code_hash=recovery_code_hash(code),
            expires_at=timezone.now() + timedelta(hours=RESET_HOURS), reason=reason[:200])
        audit_record(action="update", object_type="orgs.user", object_id=user.pk,
                     summary=f"批准重置 {user.get_username()} 的双因素认证", user=by,
                     data={"reset": grant.pk, "expires_at": grant.expires_at.isoformat()})
    return code


def second_factor_reset_redeem(*, request, user, code: str) -> None:
    """The user enters the code the security administrator gave them: this session may then
    enrol a new authenticator (the old one is replaced when the new one is confirmed)."""
    rate_limit(scope="otp-reset", key=str(user.pk), limit=5, window=900)
    wanted = normalise_recovery_code(code)
    for grant in SecondFactorReset.objects.filter(user=user, used_at=None,
                                                  expires_at__gt=timezone.now()):
        if recovery_code_matches(grant.code_hash, wanted):
            grant.used_at = timezone.now()
            grant.save(update_fields=["used_at"])
            request.session[RESET_SESSION_KEY] = grant.pk
            audit_record(action="update", object_type="orgs.user", object_id=user.pk,
                         summary="使用安全管理员批准的重置码，开始重新绑定验证器", user=user,
                         data={"reset": grant.pk})
            return
    audit_record(action="login_failed", object_type="orgs.user", object_id=user.pk,
                 summary="双因素认证重置码错误", user=user)
    raise AppError("otp_reset_invalid", "重置码错误或已过期，请向安全管理员核实")


def api_tokens(*, user) -> list[dict]:
    """The user's API tokens as the account page lists them (never the whole key)."""
    from certguard.orgs.authentication import token_expires

    return [{"hint": f"…{token.key[-4:]}", "created": token.created,
             "expires": token_expires(token), "expired": token_expires(token) <= timezone.now()}
            for token in Token.objects.filter(user=user)]


def api_tokens_revoke(*, user, reason: str) -> int:
    """Revoke every API token of ``user`` (on request, at logout, at a password change)."""
    count, _ = Token.objects.filter(user=user).delete()
    if count:
        audit_record(action="update", object_type="orgs.user", object_id=user.pk,
                     summary=f"接口令牌作废（{reason}）", user=user, data={"count": count})
    return count


def api_token_rotate(*, user) -> str:
    Token.objects.filter(user=user).delete()
    token = Token.objects.create(user=user)
    audit_record(action="update", object_type="orgs.user", object_id=user.pk,
                 summary="重新生成接口令牌", user=user)
    return token.key
