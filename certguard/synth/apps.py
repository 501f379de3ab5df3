from django.apps import AppConfig


class SynthConfig(AppConfig):
    name = "certguard.synth"
    verbose_name = "合成数据"
