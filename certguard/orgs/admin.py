"""Accounts in the admin, for the security administrator (``security.accounts``).

Memberships are validated there like everywhere else: an account holds at most one of the
three administrator roles (三权分立, ``Membership.clean``). Every admin request is in the audit
log (``core.admin_site``).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from certguard.core.errors import AppError
from certguard.core.policy import allows
from certguard.core.rights import ADMIN_ROLES
from certguard.orgs import otp
from certguard.orgs.models import Membership, SecondFactorReset, User


class MembershipFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        roles = {form.cleaned_data.get("role") for form in self.forms
                 if getattr(form, "cleaned_data", None) and form.cleaned_data.get("active")
                 and not form.cleaned_data.get("DELETE")}
        if len(roles & ADMIN_ROLES) > 1:
            raise ValidationError("系统管理员、安全管理员、审计管理员须由不同账户担任"
                                  "（三权分立），同一账户只能担任其中一种")


class MembershipInline(admin.TabularInline):
    model = Membership
    formset = MembershipFormSet
    extra = 0
    fields = ["organisation", "role", "active"]
    raw_id_fields = ["organisation"]

    # Inlines are not in the site's registry: they ask the one policy here.
    def has_view_permission(self, request, obj=None) -> bool:
        return allows(request.user, "security.accounts")

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "display_name", "is_active", "last_login"]
    search_fields = ["username", "display_name"]
    list_filter = ["is_active", "memberships__role"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        ("个人信息", {"fields": ["display_name", "phone", "email"]}),
        ("状态", {"fields": ["is_active", "last_login", "date_joined"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]
    inlines = [MembershipInline]
    actions = ["reset_second_factor"]

    @admin.action(description="重置双因素认证（生成一次性重置码）")
    def reset_second_factor(self, request, queryset) -> None:
        for user in queryset[:20]:
            try:
                code = otp.second_factor_reset_approve(by=request.user, user=user,
                                                       reason="管理后台批准")
            except AppError as exc:
                messages.error(request, f"{user.username}：{exc.message}")
            else:
                messages.warning(request, f"{user.username} 的重置码：{code}（24小时内有效，只能"
                                          "使用一次。请核实本人身份后通过电话或当面告知，"
                                          "不要通过电子邮件或即时通讯发送）")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "active"]
    list_filter = ["role", "active"]
    search_fields = ["user__username", "organisation__name"]
    raw_id_fields = ["user", "organisation"]


@admin.register(SecondFactorReset)
class SecondFactorResetAdmin(admin.ModelAdmin):
    list_display = ["user", "approved_by", "created_at", "expires_at", "used_at"]
    fields = readonly_fields = ("user", "approved_by", "created_at", "expires_at", "used_at",
                                "reason")
    _policy_keeps_has_add_permission = True
    _policy_keeps_has_change_permission = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # approved through the user list's action, which makes the code

    def has_change_permission(self, request, obj=None) -> bool:
        return False


# An authenticator is bound by its owner only (a device an administrator adds or edits would
# be a second factor someone else knows); a lost one is reset with the action above.
admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class ReadOnlyTOTPDeviceAdmin(TOTPDeviceAdmin):
    _policy_keeps_has_add_permission = True
    _policy_keeps_has_change_permission = True
    _policy_keeps_has_delete_permission = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
