from django.apps import AppConfig


class AutomationsConfig(AppConfig):
    name = "caredesk.automations"
    label = "automations"
    verbose_name = "Automations"

    def ready(self) -> None:
        from caredesk.conversations import hooks

        from . import engine

        hooks.on_event(engine.event_recorded)
