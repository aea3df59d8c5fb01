from django.apps import AppConfig


class ServiceLevelsConfig(AppConfig):
    name = "caredesk.service_levels"
    label = "service_levels"
    verbose_name = "Service targets"
