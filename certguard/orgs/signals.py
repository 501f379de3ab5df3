"""Login history, for the user's own page and for the audit log."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import pre_save
from django.dispatch import receiver

from certguard.core.audit import audit_record
from certguard.core.middleware import client_ip
from certguard.orgs.models import LoginEvent, User


def _agent(request) -> str:
    return request.META.get("HTTP_USER_AGENT", "")[:300] if request else ""


@receiver(user_logged_in)
def record_login(sender, request, user, **kwargs) -> None:
    ip = client_ip(request) if request else ""
    LoginEvent.objects.create(user=user, username=user.get_username(), success=True,
                              reason="登录成功", ip=ip, user_agent=_agent(request))
    audit_record(action="login", object_type="orgs.user", object_id=user.pk,
                 summary=f"{user.get_username()} 登录", user=user)


@receiver(user_login_failed)
def record_failure(sender, credentials, request=None, **kwargs) -> None:
    username = str(credentials.get("username", ""))[:150]
    user = User.objects.filter(username=username).first()
    ip = client_ip(request) if request else ""
    LoginEvent.objects.create(user=user, username=username, success=False,
                              reason="用户名或密码错误", ip=ip, user_agent=_agent(request))
    audit_record(action="login_failed", object_type="orgs.user",
                 object_id=user.pk if user else "", summary=f"{username} 登录失败",
                 data={"ip": ip})


@receiver(user_logged_out)
def record_logout(sender, request, user, **kwargs) -> None:
    if user is not None:
        audit_record(action="logout", object_type="orgs.user", object_id=user.pk,
                     summary=f"{user.get_username()} 退出", user=user)
        from certguard.orgs.otp import api_tokens_revoke

        api_tokens_revoke(user=user, reason="退出登录")


@receiver(pre_save, sender=User)
def revoke_tokens_on_password_change(sender, instance, update_fields=None, **kwargs) -> None:
    """A new password ends every API token made under the old one (issue 10)."""
    if instance.pk is None or (update_fields is not None and "password" not in update_fields):
        return
    old = User.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
    if old is not None and old != instance.password:
        from certguard.orgs.otp import api_tokens_revoke

        api_tokens_revoke(user=instance, reason="修改密码")
