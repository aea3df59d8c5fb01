"""Business calendars as admins keep them: hours written as people write them, a time zone, a country's
public holidays and the business's own closed days. business_time.py does the arithmetic."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from caredesk.system import clock

from . import business_time


class BusinessCalendar(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    hours = models.TextField(
        _("working hours"),
        default="mon-fri 09:00-17:30",
        help_text=_("One rule per line: days, then hours. E.g. 'mon-fri 09:00-17:30' and 'sat 10:00-14:00'."),
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/London")
    holidays = models.CharField(
        _("public holidays"),
        max_length=20,
        blank=True,
        help_text=_("ISO 3166 country, optionally with a region: GB, GB-ENG, GB-SCT, US-CA, DE-BY. Empty for none."),
    )
    is_default = models.BooleanField(
        _("default"), default=False, help_text=_("Used by teams that have no calendar of their own.")
    )
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=models.Q(is_default=True), name="one_default_calendar")
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        try:
            business_time.build(hours=self.hours, tz=self.time_zone, holidays=self.holidays)
        except business_time.CalendarError as error:
            raise ValidationError(str(error)) from None

    def save(self, *args, **kwargs):
        # The cache of built calendars (services.build) keys on updated_at, so every save moves it on,
        # even when the clock stands still (clock.travel_to) or two saves share a microsecond.
        now = clock.now()
        if self.updated_at and now <= self.updated_at:
            now = self.updated_at + timedelta(microseconds=1)
        self.updated_at = now
        super().save(*args, **kwargs)


class ClosedDay(models.Model):
    """A date the business is closed besides public holidays: a stocktake, the Christmas week."""

    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="closed_days")
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=100, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["calendar", "date"], name="closed_day_once")]

    def __str__(self) -> str:
        return f"{self.date} {self.name}".strip()

    # A changed closed day changes the calendar: touching it renews the cached build.
    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.calendar.save(update_fields=["updated_at"])

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        self.calendar.save(update_fields=["updated_at"])
        return result
