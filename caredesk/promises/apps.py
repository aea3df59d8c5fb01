from django.apps import AppConfig


class PromisesConfig(AppConfig):
    name = "caredesk.promises"
    label = "promises"
    verbose_name = "Promises"
