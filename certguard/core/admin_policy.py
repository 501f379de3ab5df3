"""The Django admin asks the one policy too.

The admin is for reference data (the system administrator) and accounts (the security
administrator); business records have their own scoped, audited pages and are not registered
here. Every registered model admin — ours and third-party ones (django-otp, axes, DRF tokens)
— answers its permission questions from ``core.rights`` instead of Django's own permission
flags, so a superuser flag grants nothing the policy does not.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login

from certguard.core.policy import allows

# App labels whose models are accounts and their security (三权分立: the security administrator).
ACCOUNT_APPS = frozenset({"auth", "orgs", "otp_totp", "otp_static", "authtoken", "axes"})


def admin_action(model: Any) -> str:
    return ("security.accounts" if model._meta.app_label in ACCOUNT_APPS
            else "system.reference_data")


def _patch(model_admin: admin.ModelAdmin, action: str) -> None:
    def permitted(request, obj=None) -> bool:
        return allows(request.user, action)

    for name in ("has_view_permission", "has_add_permission", "has_change_permission",
                 "has_delete_permission", "has_module_permission"):
        if getattr(model_admin, f"_policy_keeps_{name}", False):
            continue  # the model admin refuses more than the policy (e.g. deleting logs)
        setattr(model_admin, name, permitted)


def _login(request, extra_context=None):
    """The platform's own login (with its second factor), not the admin's bare form."""
    return redirect_to_login(request.GET.get("next") or request.get_full_path())


def apply_policy(site: admin.AdminSite) -> None:
    site.has_permission = lambda request: (  # type: ignore[method-assign]
        request.user.is_active and allows(request.user, "system.admin_site"))
    site.login = _login  # type: ignore[method-assign]
    for model, model_admin in site._registry.items():
        _patch(model_admin, admin_action(model))
