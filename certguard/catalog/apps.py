from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _load_reference(sender, **kwargs) -> None:
    from certguard.catalog.services import catalog_load

    catalog_load()


class CatalogConfig(AppConfig):
    name = "certguard.catalog"
    verbose_name = "证书目录"

    def ready(self) -> None:
        # After every migrate (with the current models), so reference data is always present.
        post_migrate.connect(_load_reference, sender=self)
