from __future__ import annotations

import hashlib
import hmac
import secrets

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_otp.models import Device, DeviceManager, ThrottlingMixin

from certguard.core.audit_writes import AuditedQuerySet
from certguard.core.errors import AppError
from certguard.core.models import TimeStampedModel
from certguard.core.rights import ADMIN_ROLES, ROLE_LABELS
from certguard.core.signals import Audited
from certguard.orgs.reference import DEPARTMENTS, LEVELS, ORG_KINDS, ROLES, SECTORS, region_level


class Region(models.Model):
    """A GB/T 2260 administrative division; abandoned codes are kept with their years."""

    code = models.CharField("行政区划代码", max_length=6, primary_key=True)
    name = models.CharField("名称", max_length=100)
    level = models.CharField("层级", max_length=10, choices=LEVELS.items())
    parent_code = models.CharField("上级代码", max_length=6, blank=True, db_index=True)
    start_year = models.PositiveIntegerField("启用年份", null=True, blank=True)
    end_year = models.PositiveIntegerField("停用年份", null=True, blank=True)

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def in_use(self) -> bool:
        return self.end_year is None


class Organisation(Audited, TimeStampedModel):
    kind = models.CharField("单位类型", max_length=20, choices=ORG_KINDS.items(), db_index=True)
    name = models.CharField("单位名称", max_length=200)
    region = models.ForeignKey(Region, verbose_name="所在地区", on_delete=models.PROTECT)
    department = models.CharField("部门类别", max_length=10, blank=True,
                                  choices=[(k, v[0]) for k, v in DEPARTMENTS.items()])
    issuer_code = models.CharField("发证机关代码", max_length=20, blank=True,
                                   help_text="如 140000-YJ；非空表示本部门是发证机关")
    credit_code = models.CharField("统一社会信用代码", max_length=18, null=True, blank=True,
                                   unique=True)
    sector = models.CharField("行业", max_length=30, blank=True, choices=SECTORS.items())
    address = models.CharField("地址", max_length=200, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["region_id", "kind", "name"]
        indexes = [models.Index(fields=["region", "kind"])]
        constraints = [
            models.CheckConstraint(condition=~Q(kind="department") | ~Q(department=""),
                                   name="department_has_type"),
            models.CheckConstraint(condition=Q(kind="department") | Q(credit_code__isnull=False),
                                   name="non_department_has_credit_code"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def level(self) -> str:
        return region_level(self.region_id)

    @classmethod
    def scope(cls, actor, action: str):
        if actor.is_admin:
            return Q()
        if actor.is_anonymous or actor.organisation_id is None:
            return None
        own = Q(pk=actor.organisation_id)
        if action != "view" or not actor.is_regulator:
            return own if action == "view" else None
        inside = Q(region__code__startswith=actor.region_prefix)
        remit = ~Q(kind="enterprise") | Q(sector__in=actor.sectors)
        return own | (inside & remit)


class AuditedUserManager(UserManager.from_queryset(AuditedQuerySet)):  # type: ignore[misc]
    """Django's user manager (create_user, …) on the audited queryset."""


class User(Audited, AbstractUser):
    display_name = models.CharField("姓名", max_length=50, blank=True)
    phone = models.CharField("手机号", max_length=20, blank=True)

    objects = AuditedUserManager()  # type: ignore[misc]  # Django's own pattern for user models
    audit_exclude = ("last_login",)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.display_name or self.username


class MembershipQuerySet(AuditedQuerySet):
    pass


class Membership(Audited, TimeStampedModel):
    """A user acting for an organisation in a role; a user may hold several."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="memberships", verbose_name="单位")
    role = models.CharField("角色", max_length=20, choices=ROLES.items())
    active = models.BooleanField("有效", default=True)

    objects = MembershipQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        verbose_name = "任职"
        verbose_name_plural = "任职"
        constraints = [models.UniqueConstraint(fields=["user", "organisation", "role"],
                                               name="unique_membership"),
                       # 三权分立, also for writes that bypass save(): one administrator
                       # role per account, held once
                       models.UniqueConstraint(fields=["user"],
                                               condition=Q(role__in=sorted(ADMIN_ROLES),
                                                           active=True),
                                               name="one_administrator_role_per_account")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}（{self.get_role_display()}）"

    def separation_problem(self) -> str:
        """三权分立 (GB/T 22239-2019 8.1.4.2): an account holds at most one of the system,
        security and audit administrator roles. '' when this membership respects it."""
        if self.role not in ADMIN_ROLES or not self.active or self.user_id is None:
            return ""
        others = (Membership.objects.filter(user_id=self.user_id, active=True,
                                            role__in=ADMIN_ROLES - {self.role})
                  .exclude(pk=self.pk).values_list("role", flat=True).first())
        if others is None:
            return ""
        return (f"该账户已担任{ROLE_LABELS[others]}，不能再担任{ROLE_LABELS[self.role]}："
                "系统管理员、安全管理员、审计管理员须由不同账户担任（三权分立）")

    def clean(self) -> None:
        super().clean()
        problem = self.separation_problem()
        if problem:
            raise ValidationError({"role": problem})

    def save(self, *args, **kwargs) -> None:
        problem = self.separation_problem()
        if problem:
            raise AppError("separation_of_duties", problem, fields={"role": [problem]})
        super().save(*args, **kwargs)

    @classmethod
    def scope(cls, actor, action: str):
        """Staff lists: admins see all; others see their own organisation's members."""
        if actor.is_admin:
            return Q()
        if actor.organisation_id is None:
            return None
        if action == "view":
            return Q(organisation_id=actor.organisation_id)
        return None


class LoginEvent(models.Model):
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="login_events")
    username = models.CharField("用户名", max_length=150)
    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    success = models.BooleanField("成功")
    reason = models.CharField("说明", max_length=100, blank=True)
    ip = models.CharField("来源地址", max_length=64, blank=True)
    user_agent = models.CharField("浏览器", max_length=300, blank=True)

    class Meta:
        verbose_name = "登录记录"
        verbose_name_plural = "登录记录"
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.username} {'成功' if self.success else '失败'} {self.at:%Y-%m-%d %H:%M}"


# --- security (issue 10): recovery codes and second-factor resets -----------------------------

class RecoveryDeviceManager(DeviceManager.from_queryset(AuditedQuerySet)):  # type: ignore[misc]
    """django-otp's device manager on the audited queryset."""


class RecoveryDevice(Audited, ThrottlingMixin, Device):
    """A user's set of one-time recovery codes, a django-otp device: a session verified with
    one is verified like one verified with the authenticator. Codes are stored hashed."""

    audit_exclude = ("throttling_failure_timestamp", "throttling_failure_count")
    objects = RecoveryDeviceManager()  # type: ignore[misc]

    class Meta:
        verbose_name = "恢复码"
        verbose_name_plural = "恢复码"

    def get_throttle_factor(self) -> int:
        from django.conf import settings

        return getattr(settings, "OTP_TOTP_THROTTLE_FACTOR", 1)

    def verify_token(self, token) -> bool:
        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        code = normalise_recovery_code(str(token))
        for row in self.codes.filter(used_at=None):
            if recovery_code_matches(row.code_hash, code):
                row.used_at = timezone.now()
                row.save(update_fields=["used_at"])
                self.throttle_reset()
                return True
        self.throttle_increment()
        return False


def normalise_recovery_code(raw: str) -> str:
    return "".join(ch for ch in raw.lower() if ch.isalnum())


def recovery_code_hash(code: str) -> str:
    salt = secrets.token_hex(8)
    digest = hashlib.sha256(f"{salt}:{normalise_recovery_code(code)}".encode()).hexdigest()
    return f"{salt}${digest}"


def recovery_code_matches(stored: str, code: str) -> bool:
    salt, _, digest = stored.partition("$")
    candidate = hashlib.sha256(f"{salt}:{code}".encode()).hexdigest()
    return hmac.compare_digest(candidate, digest)


class RecoveryCode(Audited, models.Model):
    """One recovery code (≈ 50 random bits, so one salted SHA-256 is enough): used once."""

    device = models.ForeignKey(RecoveryDevice, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=100)
    used_at = models.DateTimeField("使用时间", null=True, blank=True)

    audit_exclude = ("code_hash",)

    class Meta:
        verbose_name = "恢复码"
        verbose_name_plural = "恢复码"

    def __str__(self) -> str:
        return f"恢复码 {self.pk}（{'已使用' if self.used_at else '未使用'}）"


class SecondFactorReset(Audited, models.Model):
    """A reset of a user's second factor approved by the security administrator: a one-time
    code the administrator hands to the user out of band (phone, in person). Redeemed once,
    within its validity, it lets the user's password-only session enrol a new device."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="otp_resets")
    approved_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    code_hash = models.CharField(max_length=100)
    created_at = models.DateTimeField("批准时间", auto_now_add=True)
    expires_at = models.DateTimeField("有效期至")
    used_at = models.DateTimeField("使用时间", null=True, blank=True)
    reason = models.CharField("原因", max_length=200, blank=True)

    audit_exclude = ("code_hash",)

    class Meta:
        verbose_name = "双因素认证重置"
        verbose_name_plural = "双因素认证重置"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M}"
