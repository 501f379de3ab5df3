from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "certguard.screening"
    verbose_name = "交叉比对筛查"

    def ready(self) -> None:
        # Registers the "screening_run" job handler in web and worker processes alike.
        from certguard.screening import tasks  # noqa: F401
