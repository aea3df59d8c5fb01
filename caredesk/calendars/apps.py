from django.apps import AppConfig


class CalendarsConfig(AppConfig):
    name = "caredesk.calendars"
    label = "calendars"
    verbose_name = "Business calendars"
