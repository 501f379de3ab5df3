from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "certguard.orgs"
    verbose_name = "组织与用户"

    def ready(self) -> None:
        from certguard.core.scoping import register_actor_resolver
        from certguard.orgs import signals  # noqa: F401  (login history)
        from certguard.orgs.actors import actor_for_user

        register_actor_resolver(actor_for_user)
