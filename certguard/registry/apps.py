from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "certguard.registry"
    verbose_name = "证书登记"
