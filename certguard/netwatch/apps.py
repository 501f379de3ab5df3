from django.apps import AppConfig


class NetwatchConfig(AppConfig):
    name = "certguard.netwatch"
    verbose_name = "网络治理"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from certguard.netwatch import jobs  # noqa: F401  (registers the jobs and the schedule)
