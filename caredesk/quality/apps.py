from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "caredesk.quality"
    label = "quality"
    verbose_name = "Reply quality"
