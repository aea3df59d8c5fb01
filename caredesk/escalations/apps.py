from django.apps import AppConfig


class EscalationsConfig(AppConfig):
    name = "caredesk.escalations"
    label = "escalations"
    verbose_name = "Escalations"

    def ready(self) -> None:
        from caredesk.conversations import hooks

        from . import services

        hooks.on_events(services.escalate_breaches)
        hooks.on_event(services.follow_transfer)
        hooks.guard_status(services.refuse_closing_while_escalated)
