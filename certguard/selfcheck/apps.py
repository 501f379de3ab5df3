from django.apps import AppConfig


class SelfcheckConfig(AppConfig):
    name = "certguard.selfcheck"
    verbose_name = "企业自查"

    def ready(self) -> None:
        from certguard.selfcheck import jobs  # noqa: F401  (registers the verification job)
