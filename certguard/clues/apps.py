from django.apps import AppConfig


class CluesConfig(AppConfig):
    name = "certguard.clues"
    verbose_name = "线索"
