from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class CalendarsConfig(AppConfig):
    name = "caredesk.calendars"
    label = "calendars"
    verbose_name = "Business calendars"

    def ready(self):
        from . import services
        from .models import BusinessCalendar, ClosedDay

        for model in (BusinessCalendar, ClosedDay):
            uid = f"calendars-forget-built-{model.__name__}"
            post_save.connect(services.forget_built, sender=model, dispatch_uid=f"{uid}-saved")
            post_delete.connect(services.forget_built, sender=model, dispatch_uid=f"{uid}-deleted")
