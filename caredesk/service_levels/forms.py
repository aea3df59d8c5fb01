"""The policy form of the settings page: conditions, targets typed as business time, pausing."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from caredesk.accounts.models import Team
from caredesk.conversations.models import Ticket

from .models import Policy
from .queries import format_business_time, parse_business_time

TARGET_FIELDS = ("first_reply", "next_reply", "resolution")


class BusinessTimeField(forms.Field):
    """Business time typed as 90, 45m, 4h, 1h 30m or 2d; cleaned to whole minutes (None when empty)."""

    widget = forms.TextInput

    def to_python(self, value):
        return parse_business_time(str(value or "")[:40])

    def prepare_value(self, value):
        return format_business_time(value) if isinstance(value, int) else value


def _tiers(text: str) -> list[str]:
    return sorted({part.strip().lower() for part in (text or "").split(",") if part.strip()})


class PolicyForm(forms.ModelForm):
    first_reply = BusinessTimeField(label=_("First reply within"), required=False)
    next_reply = BusinessTimeField(label=_("Next reply within"), required=False)
    resolution = BusinessTimeField(label=_("Resolved within"), required=False)
    priorities = forms.TypedMultipleChoiceField(
        label=_("Priorities"), required=False, coerce=int, choices=Ticket.Priority.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    channels = forms.MultipleChoiceField(
        label=_("Channels"), required=False, choices=Ticket.Channel.choices, widget=forms.CheckboxSelectMultiple
    )
    teams = forms.ModelMultipleChoiceField(
        label=_("Teams"), required=False, queryset=Team.objects.order_by("name"), widget=forms.CheckboxSelectMultiple
    )
    organisation_tiers = forms.CharField(
        label=_("Organisation tiers"), required=False, max_length=300,
        help_text=_("Comma-separated, e.g. gold, wholesale. Empty: any."),
    )
    customer_tiers = forms.CharField(
        label=_("Customer tiers"), required=False, max_length=300,
        help_text=_("Comma-separated, e.g. vip. Empty: any."),
    )
    at_risk_percent = forms.IntegerField(
        label=_("At risk after"), min_value=1, max_value=99, initial=75,
        help_text=_("Per cent of the target's time used."),
        error_messages={
            "min_value": _("At risk must be between 1 and 99 per cent of the time."),
            "max_value": _("At risk must be between 1 and 99 per cent of the time."),
            "invalid": _("At risk is a whole number of per cent, e.g. 75."),
        },
    )

    class Meta:
        model = Policy
        fields = ["name", "enabled", "pause_when_pending_customer", "pause_when_on_hold"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        policy = self.instance
        if policy.pk:
            for name in TARGET_FIELDS:
                self.initial[name] = format_business_time(policy.minutes_for(name))
            self.initial["priorities"] = policy.priorities
            self.initial["channels"] = policy.channels
            self.initial["teams"] = list(policy.teams.all())
            self.initial["organisation_tiers"] = ", ".join(policy.organisation_tiers)
            self.initial["customer_tiers"] = ", ".join(policy.customer_tiers)
            self.initial["at_risk_percent"] = round(policy.at_risk_share * 100)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.CheckboxSelectMultiple, forms.CheckboxInput)):
                widget.attrs["class"] = "form-check-input"
            else:
                widget.attrs["class"] = "form-control"
        for name in TARGET_FIELDS:
            self.fields[name].widget.attrs["placeholder"] = _("none")

    def clean_name(self):
        name = (self.cleaned_data.get("name") or "").strip()
        if not name:
            raise ValidationError(_("Give the policy a name."))
        return name

    def clean_organisation_tiers(self):
        return _tiers(self.cleaned_data.get("organisation_tiers"))

    def clean_customer_tiers(self):
        return _tiers(self.cleaned_data.get("customer_tiers"))

    def clean(self):
        cleaned = super().clean()
        named = [name for name in TARGET_FIELDS if name in cleaned]
        if len(named) == len(TARGET_FIELDS) and not any(cleaned[name] for name in TARGET_FIELDS):
            raise ValidationError(_("A policy needs at least one target: first reply, next reply or resolution."))
        return cleaned

    def values(self) -> dict:
        """What services.save_policy takes."""
        data = self.cleaned_data
        return {
            "name": data["name"],
            "enabled": data["enabled"],
            "priorities": sorted(data["priorities"]),
            "channels": sorted(data["channels"]),
            "teams": list(data["teams"]),
            "organisation_tiers": data["organisation_tiers"],
            "customer_tiers": data["customer_tiers"],
            "first_reply_minutes": data["first_reply"],
            "next_reply_minutes": data["next_reply"],
            "resolution_minutes": data["resolution"],
            "pause_when_pending_customer": data["pause_when_pending_customer"],
            "pause_when_on_hold": data["pause_when_on_hold"],
            "at_risk_share": data["at_risk_percent"] / 100,
        }


class PreviewForm(forms.Form):
    """A sample start for the preview of due times: which team's calendar, and when."""

    preview_team = forms.ModelChoiceField(
        label=_("Team's calendar"), queryset=Team.objects.order_by("name"), required=False,
        empty_label=_("Default calendar"),
    )
    preview_start = forms.DateTimeField(
        label=_("Ticket opened at"), required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={"invalid": _("Enter a date and time, e.g. 2026-03-02 16:30.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preview_team"].widget.attrs["class"] = "form-select form-select-sm"
        self.fields["preview_start"].widget.attrs["class"] = "form-control form-control-sm"
