from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "certguard.registry"
    verbose_name = "证书登记"

    def ready(self) -> None:
        from certguard.registry import jobs  # noqa: F401  (registers the import job)
