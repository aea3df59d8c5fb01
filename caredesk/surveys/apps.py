from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "caredesk.surveys"
    label = "surveys"
    verbose_name = "Surveys"

    def ready(self) -> None:
        from caredesk.conversations import hooks

        from . import services

        hooks.on_event(services.solved)
