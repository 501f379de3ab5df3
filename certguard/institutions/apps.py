from django.apps import AppConfig


class InstitutionsConfig(AppConfig):
    name = "certguard.institutions"
    verbose_name = "培训考试机构与发证机关自查"
    default_auto_field = "django.db.models.BigAutoField"
