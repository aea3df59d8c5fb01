from django.apps import AppConfig


class ServiceLevelsConfig(AppConfig):
    name = "caredesk.service_levels"
    label = "service_levels"
    verbose_name = "Service targets"

    def ready(self):
        from caredesk.conversations import hooks

        from . import engine

        hooks.on_event(engine.on_event)
