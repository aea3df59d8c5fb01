from django import forms
from django.utils.translation import gettext_lazy as _

from .models import SurveySettings
from .queries import PERIODS

SETTINGS_FIELDS = [
    "enabled", "csat", "csat_scale", "ces", "nps", "delay_hours", "channel", "change_days", "csat_low", "ces_low", "nps_low",
]


class SettingsForm(forms.ModelForm):
    class Meta:
        model = SurveySettings
        fields = SETTINGS_FIELDS
        help_texts = {
            "delay_hours": _("Asking a day later gives the customer time to see the fix work. 0 asks at once."),
            "change_days": _("After this the answer is final and the link says so."),
            "csat_low": _("On the 1-5 scale; on good/bad only “bad” is low."),
            "ces_low": _("1 (very hard) to 7 (very easy)."),
            "nps_low": _("0 to 10; 6 and below are detractors."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, f in self.fields.items():
            if isinstance(f.widget, forms.Select):
                f.widget.attrs["class"] = "form-select"
            elif not isinstance(f.widget, forms.CheckboxInput):
                f.widget.attrs["class"] = "form-control"
        self.fields["csat_scale"].widget.attrs["class"] = "form-select form-select-sm w-auto"

    def clean(self):
        data = super().clean()
        ranges = {"csat_low": (1, 5), "ces_low": (1, 7), "nps_low": (0, 10)}
        for name, (low, high) in ranges.items():
            value = data.get(name)
            if value is not None and not low <= value <= high:
                self.add_error(name, _("Choose a score from %(low)s to %(high)s.") % {"low": low, "high": high})
        if data.get("enabled") and not (data.get("csat") or data.get("ces") or data.get("nps")):
            self.add_error("enabled", _("Choose at least one survey to send, or switch surveys off."))
        return data


class AnswerForm(forms.Form):
    score = forms.IntegerField(label=_("Your score"))
    comment = forms.CharField(
        label=_("Anything you would like to add?"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class FollowUpForm(forms.Form):
    note = forms.CharField(label=_("What was done"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class RatesForm(forms.Form):
    team = forms.TypedChoiceField(label=_("Team"), required=False, coerce=int, empty_value=None)
    days = forms.TypedChoiceField(
        label=_("Period"), coerce=int, initial=30,
        choices=[(d, _("Last %(days)s days") % {"days": d}) for d in PERIODS], required=False, empty_value=30,
    )

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", _("All my teams"))] + [(t.pk, t.name) for t in teams]
        self.teams = {t.pk: t for t in teams}
        for f in self.fields.values():
            f.widget.attrs["class"] = "form-select form-select-sm"
