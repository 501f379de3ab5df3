from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _load_regions(sender, **kwargs) -> None:
    from certguard.orgs.regions import regions_ensure

    regions_ensure()


class OrgsConfig(AppConfig):
    name = "certguard.orgs"
    verbose_name = "组织与用户"

    def ready(self) -> None:
        from certguard.core.scoping import register_actor_resolver
        from certguard.orgs import signals  # noqa: F401  (login history)
        from certguard.orgs.actors import actor_for_user

        register_actor_resolver(actor_for_user)
        # After every migrate (with the current models), so the region table is present.
        post_migrate.connect(_load_regions, sender=self)
