"""Audit object types ("registry.certificate") shown by their Chinese names (证书)."""

from __future__ import annotations

from django import template
from django.apps import apps

register = template.Library()

# Object types that name something other than a model.
OTHER_TYPES = {
    "ecert.payload": "电子证书载荷（扫码核验）",
    "selfcheck.roster": "花名册",
    "workforce.ledger": "持证台账",
    "core.auditlog": "审计日志",
    "core.export": "导出文件",
    # models whose own names are not Chinese (libraries, or not named yet)
    "tips.tipclock": "举报办理时限",
    "tips.tipmessage": "举报沟通记录",
    "django_tasks_database.dbtaskresult": "任务执行记录",
    "axes.accessattempt": "登录失败记录",
    "axes.accessfailurelog": "登录失败明细",
    "axes.accessattemptexpiration": "登录失败记录到期",
    "axes.accesslog": "登录记录",
    "otp_totp.totpdevice": "动态口令设备",
}


@register.filter
def object_type_label(label: object) -> str:
    """The Chinese name of an audit object type; the raw label only when none is known."""
    text = str(label or "")
    if text in OTHER_TYPES:
        return OTHER_TYPES[text]
    try:
        return str(apps.get_model(text)._meta.verbose_name)
    except (LookupError, ValueError):
        return text
