from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "certguard.campaigns"
    verbose_name = "专项行动"
    default_auto_field = "django.db.models.BigAutoField"
