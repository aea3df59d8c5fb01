from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "caredesk.mail"
    label = "mail"
