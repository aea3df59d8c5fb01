from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "caredesk.notifications"
    label = "notifications"
    verbose_name = "Email templates"
