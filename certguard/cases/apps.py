from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "certguard.cases"
    verbose_name = "案件"
    default_auto_field = "django.db.models.BigAutoField"
