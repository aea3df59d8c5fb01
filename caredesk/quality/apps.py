from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "caredesk.quality"
    label = "quality"
    verbose_name = "Reply quality"

    def ready(self):
        from caredesk.conversations import hooks

        from . import services

        hooks.on_event(services.queue_scoring)
