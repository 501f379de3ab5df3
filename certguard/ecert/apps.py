from django.apps import AppConfig


class EcertConfig(AppConfig):
    name = "certguard.ecert"
    verbose_name = "电子证书"
    default_auto_field = "django.db.models.BigAutoField"
