from django.apps import AppConfig


class SystemConfig(AppConfig):
    name = "caredesk.system"
    label = "system"
