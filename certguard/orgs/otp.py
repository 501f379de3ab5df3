"""TOTP second factor (django-otp) and API tokens."""

from __future__ import annotations

import base64

import segno
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from certguard.core.audit import audit_record
from certguard.core.errors import AppError


def totp_enabled(*, user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def totp_pending_device(*, user) -> TOTPDevice:
    """The unconfirmed device being set up (created on first visit)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="动态口令", confirmed=False)


def totp_secret_base32(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode()


def totp_qr_svg(device: TOTPDevice) -> str:
    return segno.make(device.config_url, error="m").svg_inline(scale=4)


def totp_confirm(*, request, user, token: str) -> None:
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None or not device.verify_token(token):
        raise AppError("totp_invalid", "动态口令错误，请核对手机上的6位数字后重试")
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save()
    otp_login(request, device)
    audit_record(action="update", object_type="orgs.user", object_id=user.pk,
                 summary="启用动态口令双因素认证", user=user)


def totp_verify(*, request, user, token: str) -> None:
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            raise AppError("totp_throttled", "动态口令错误次数过多，请稍后再试")
        if device.verify_token(token):
            otp_login(request, device)
            return
    raise AppError("totp_invalid", "动态口令错误，请核对手机上的6位数字后重试")


def api_token_rotate(*, user) -> str:
    Token.objects.filter(user=user).delete()
    token = Token.objects.create(user=user)
    audit_record(action="update", object_type="orgs.user", object_id=user.pk,
                 summary="重新生成接口令牌", user=user)
    return token.key
