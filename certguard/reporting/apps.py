from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "certguard.reporting"
    verbose_name = "统计报表"
    default_auto_field = "django.db.models.BigAutoField"
