from django.apps import AppConfig


class PromisesConfig(AppConfig):
    name = "caredesk.promises"
    label = "promises"
    verbose_name = "Promises"

    def ready(self):
        from caredesk.conversations import hooks

        from . import services

        hooks.on_event(services.link_reply)
