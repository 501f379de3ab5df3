from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    """The commands that span every layer (the demo world, the benchmarks) live here, above
    everything they import."""

    name = "certguard.console"
    verbose_name = "命令行"
