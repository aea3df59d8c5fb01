from django import forms
from django.utils.translation import gettext_lazy as _

from caredesk.calendars import business_time

from .models import MAX_CAPACITY, AgentStatus, TeamRouting


class RoutingForm(forms.Form):
    mode = forms.ChoiceField(label=_("Routing"), choices=TeamRouting.Mode.choices)
    only_when_working = forms.BooleanField(label=_("Only within working hours"), required=False)
    max_open_default = forms.IntegerField(
        label=_("Default capacity"), min_value=1, max_value=MAX_CAPACITY,
        help_text=_("Open tickets an agent holds at most, unless their own capacity is set."),
    )


class AgentSettingsForm(forms.Form):
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, max_value=MAX_CAPACITY, required=False)
    hours = forms.CharField(label=_("Own working hours"), required=False, max_length=500)

    def clean_hours(self) -> str:
        hours = self.cleaned_data["hours"].strip()
        if hours:
            try:
                business_time.parse_hours(hours)
            except business_time.CalendarError as error:
                raise forms.ValidationError(str(error)) from None
        return hours


class AvailabilityForm(forms.Form):
    status = forms.ChoiceField(choices=AgentStatus.Status.choices)
