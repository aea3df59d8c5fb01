from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import detection
from .models import Promise

DUE_HELP = _("E.g. Tuesday 12:00, tomorrow 3pm, 1 Dec 14:00, within 5 working days")


class PromiseForm(forms.Form):
    """A promise entered by hand or accepted from the composer. `due` is what a person typed (or the
    date picker's value), read in the team's calendar; `owner` is one of `owners`."""

    what = forms.CharField(
        label=_("What was promised"),
        max_length=200,
        error_messages={"required": _("Say what was promised; the customer reads it in the portal.")},
    )
    due = forms.CharField(
        label=_("Due"), max_length=100, help_text=DUE_HELP,
        error_messages={"required": _("Say when it is due, e.g. Tuesday 12:00.")},
    )
    owner = forms.TypedChoiceField(label=_("Owner"), coerce=int)
    sentence = forms.CharField(required=False, widget=forms.HiddenInput, max_length=2000)
    source = forms.ChoiceField(required=False, choices=Promise.Source.choices, widget=forms.HiddenInput)

    def __init__(self, *args, owners, calendar, now, **kwargs):
        super().__init__(*args, **kwargs)
        self.owners = {person.pk: person for person in owners}
        self.fields["owner"].choices = [(pk, str(person)) for pk, person in self.owners.items()]
        self.calendar, self.now = calendar, now

    def clean_due(self):
        typed = self.cleaned_data["due"]
        due = detection.parse_due(typed, now=self.now, calendar=self.calendar)
        if due is None:
            raise ValidationError(
                _("Could not read “%(typed)s” as a date and time. Try “Tuesday 12:00”, “tomorrow 3pm”, "
                  "“1 Dec 14:00” or “within 5 working days”."),
                params={"typed": typed},
            )
        if due <= self.now:
            raise ValidationError(
                _("“%(typed)s” is %(when)s, which has passed; a promise falls due in the future."),
                params={"typed": typed, "when": f"{due:%a} {due.day} {due:%b %Y, %H:%M}"},
            )
        return due

    def clean_owner(self):
        return self.owners[self.cleaned_data["owner"]]

    def clean_source(self):
        return self.cleaned_data.get("source") or Promise.Source.MANUAL
