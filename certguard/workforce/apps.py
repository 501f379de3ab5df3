from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "certguard.workforce"
    verbose_name = "持证台账"
