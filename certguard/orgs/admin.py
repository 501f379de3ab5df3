"""Accounts in the admin, for the security administrator (``security.accounts``).

Memberships are validated there like everywhere else: an account holds at most one of the
three administrator roles (三权分立, ``Membership.clean``). Every admin request is in the audit
log (``core.admin_site``).
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from certguard.core.policy import allows
from certguard.core.rights import ADMIN_ROLES
from certguard.orgs.models import Membership, User


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


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "active"]
    list_filter = ["role", "active"]
    search_fields = ["user__username", "organisation__name"]
    raw_id_fields = ["user", "organisation"]
