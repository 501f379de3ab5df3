from django.apps import AppConfig


class TipsConfig(AppConfig):
    name = "certguard.tips"
    verbose_name = "举报"
    default_auto_field = "django.db.models.BigAutoField"
