from django.apps import AppConfig


class KudosConfig(AppConfig):
    name = "caredesk.kudos"
    label = "kudos"
    verbose_name = "Kudos"

    def ready(self):
        from caredesk.conversations import hooks

        from . import services, tasks  # noqa: F401 (tasks registers nothing periodic, but must import cleanly)

        hooks.on_event(services.on_event)
