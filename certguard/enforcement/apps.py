from django.apps import AppConfig


class EnforcementConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "certguard.enforcement"
    verbose_name = "执法检查"
