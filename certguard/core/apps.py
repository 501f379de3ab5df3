from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "certguard.core"
    verbose_name = "平台基础"

    def ready(self) -> None:
        from django.contrib import admin

        from certguard.core import signals  # noqa: F401  (connects the change log)
        from certguard.core.admin_policy import apply_policy

        apply_policy(admin.site)
