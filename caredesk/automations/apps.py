from django.apps import AppConfig


class AutomationsConfig(AppConfig):
    name = "caredesk.automations"
    label = "automations"
    verbose_name = "Automations"
