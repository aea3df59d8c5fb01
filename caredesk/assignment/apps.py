from django.apps import AppConfig


class AssignmentConfig(AppConfig):
    name = "caredesk.assignment"
    label = "assignment"
    verbose_name = "Assignment"

    def ready(self) -> None:
        from caredesk.conversations import hooks as conversation_hooks

        from . import hooks

        conversation_hooks.on_event(hooks.ticket_reached_queue)
