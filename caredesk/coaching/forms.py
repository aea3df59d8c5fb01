from django import forms
from django.utils.translation import gettext_lazy as _

from .models import BEHAVIOURS, Rating, Review

NOT_APPLICABLE = "na"


class ReviewForm(forms.Form):
    """The scorecard. Each behaviour is yes / partly / no; polite requests may be "not applicable"."""

    agent = forms.TypedChoiceField(label=_("Agent reviewed"), coerce=int)
    resolution = forms.ChoiceField(
        label=_("Resolution"), choices=Review.Resolution.choices, widget=forms.RadioSelect,
        error_messages={"required": _("Say whether the conversation was resolved.")},
    )
    accurate = forms.TypedChoiceField(
        label=_("Information correct"), choices=[("yes", _("Yes")), ("no", _("No"))], widget=forms.RadioSelect,
        coerce=lambda value: value == "yes",
        error_messages={"required": _("Say whether the information given was correct.")},
    )
    comment = forms.CharField(label=_("Comment"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, agents, **kwargs):
        super().__init__(*args, **kwargs)
        self.agents = {person.pk: person for person in agents}
        self.fields["agent"].choices = [(pk, str(person)) for pk, person in self.agents.items()]
        ratings = [(str(value), label) for value, label in reversed(Rating.choices)]
        for key, label in BEHAVIOURS.items():
            choices = ratings + ([(NOT_APPLICABLE, _("Not applicable"))] if key == "polite" else [])
            self.fields[key] = forms.ChoiceField(
                label=label, choices=choices, widget=forms.RadioSelect,
                error_messages={"required": _("Rate “%(behaviour)s”.") % {"behaviour": label}},
            )
        # Fields in the scorecard's order: who, the six behaviours, then the outcome.
        order = ["agent", *BEHAVIOURS, "resolution", "accurate", "comment"]
        self.order_fields(order)

    @staticmethod
    def initial_of(review: Review) -> dict:
        """A saved review as the form's initial answers (to correct it)."""
        initial = {key: NOT_APPLICABLE if getattr(review, key) is None else str(getattr(review, key)) for key in BEHAVIOURS}
        return {**initial, "agent": review.agent_id, "resolution": review.resolution,
                "accurate": "yes" if review.accurate else "no", "comment": review.comment}

    def clean_agent(self):
        return self.agents[self.cleaned_data["agent"]]

    def ratings(self) -> dict:
        values = {}
        for key in BEHAVIOURS:
            value = self.cleaned_data[key]
            values[key] = None if value == NOT_APPLICABLE else int(value)
        return values

    def behaviour_fields(self):
        return [self[key] for key in BEHAVIOURS]


class ExampleForm(forms.Form):
    tags = forms.CharField(
        label=_("Situations"), required=False, max_length=400,
        help_text=_("Separated by commas, e.g. refund, late delivery, angry customer"),
    )
    note = forms.CharField(
        label=_("Why it is good"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why this reply is good; that is what others learn from.")},
    )


class SettingsForm(forms.Form):
    sample_enabled = forms.BooleanField(label=_("Pick a weekly sample"), required=False)
    sample_per_agent = forms.IntegerField(label=_("Tickets per agent per week"), min_value=1, max_value=20)
