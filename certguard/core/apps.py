from django.apps import AppConfig, apps
from django.contrib.admin import apps as admin_apps


class CoreConfig(AppConfig):
    default = True
    name = "certguard.core"
    verbose_name = "平台基础"

    def ready(self) -> None:
        from django.contrib import admin

        from certguard.core.admin_policy import apply_policy
        from certguard.core.signals import connect_change_log

        connect_change_log(apps.get_models())
        apply_policy(admin.site)


class AuditedAdminConfig(admin_apps.AdminConfig):
    """Django's admin on a site that audits every action and refuses to edit or delete
    log-like rows (GB/T 22239-2019 8.1.4.3 c; the system administrator manages the system,
    never its logs)."""

    default = False
    default_site = "certguard.core.admin_site.AuditedAdminSite"
