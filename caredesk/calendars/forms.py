"""The calendar settings form. Hours, zone, holidays and closed days are checked by business_time, the
same code the targets run on, so a calendar that saves is one that works."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.utils.translation import gettext_lazy as _

from caredesk.accounts.models import Team
from caredesk.system import clock

from . import business_time, services
from .models import BusinessCalendar


class TeamsField(forms.ModelMultipleChoiceField):
    """Teams, each labelled with the other calendar it uses now, if any: ticking it moves it here."""

    editing: BusinessCalendar | None = None

    def label_from_instance(self, team: Team) -> str:
        if team.calendar is None or (self.editing is not None and team.calendar_id == self.editing.pk):
            return team.name
        return f"{team.name} (now: {team.calendar.name})"


class CalendarForm(forms.Form):
    NEW = {"hours": "mon-fri 09:00-17:30", "time_zone": "Europe/London", "holidays": "GB-ENG"}

    name = forms.CharField(label=_("Name"), max_length=100)
    hours = forms.CharField(
        label=_("Working hours"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One rule per line: days, then hours. E.g. mon-fri 09:00-17:30, sat 10:00-14:00; "
                    "a night shift is mon-fri 22:00-24:00 and tue-sat 00:00-06:00."),
    )
    time_zone = forms.CharField(label=_("Time zone"), max_length=64, help_text=_("An IANA name: Europe/London."))
    holidays = forms.CharField(
        label=_("Public holidays"), max_length=20, required=False,
        help_text=_("ISO 3166 country, optionally with a region: GB, GB-ENG, GB-SCT, US-CA, DE-BY. Empty for none."),
    )
    closed_days = forms.CharField(
        label=_("Closed days"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The business's own, one per line: 2026-12-24 Christmas Eve."),
    )
    is_default = forms.BooleanField(
        label=_("Default calendar"), required=False, help_text=_("Used by teams that have no calendar of their own.")
    )
    teams = TeamsField(
        label=_("Teams using it"), queryset=Team.objects.select_related("calendar").order_by("name"), required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text=_("A team works to one calendar: ticking it here moves it from the one it uses now."),
    )

    def __init__(self, *args, calendar: BusinessCalendar | None = None, **kwargs):
        if calendar is not None and not args and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": calendar.name, "hours": calendar.hours, "time_zone": calendar.time_zone,
                "holidays": calendar.holidays, "closed_days": services.closed_days_text(calendar),
                "is_default": calendar.is_default, "teams": list(calendar.teams.all()),
            }
        kwargs.setdefault("initial", self.NEW)
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name not in ("is_default", "teams"):
                field.widget.attrs.setdefault("class", "form-control")
        self.fields["is_default"].widget.attrs["class"] = "form-check-input"
        self.fields["teams"].editing = calendar

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()

    def _check(self, field: str, check) -> str:
        value = self.cleaned_data.get(field, "")
        try:
            check(value)
        except business_time.CalendarError as error:
            raise forms.ValidationError(str(error)) from None
        return value

    def clean_hours(self):
        return self._check("hours", business_time.parse_hours)

    def clean_time_zone(self):
        return self._check("time_zone", business_time.zone).strip()

    def clean_holidays(self):
        return self._check("holidays", business_time.public_holidays).strip().upper()

    def clean_closed_days(self):
        return self._check("closed_days", business_time.parse_closed_days)


class PreviewForm(forms.Form):
    """The preview's own inputs: a target length and when it starts. A start without an offset (what
    a browser's date-and-time field sends) is read in the calendar's zone."""

    minutes = forms.IntegerField(label=_("A target of"), min_value=0, max_value=60 * 24 * 365)
    start = forms.CharField(
        label=_("starting"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    @staticmethod
    def initial_for(tz: ZoneInfo) -> dict:
        """A one-hour target from the next quarter hour on the calendar's wall clock."""
        local = clock.now().astimezone(tz)
        local = (local + timedelta(minutes=-local.minute % 15)).replace(second=0, microsecond=0)
        return {"minutes": 60, "start": local.strftime("%Y-%m-%dT%H:%M")}
