from django.apps import AppConfig


class KudosConfig(AppConfig):
    name = "caredesk.kudos"
    label = "kudos"
    verbose_name = "Kudos"
