import re

from django import forms
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from caredesk.accounts import permissions
from caredesk.conversations import queries as conversations

from .models import Kudos
from .services import MAX_TEXT

REFERENCE = re.compile(r"^\s*#?\s*(\d{1,12})\s*$")


class LogForm(forms.Form):
    """A compliment received outside the desk. `people` are those the logger may thank (queries.praisable_people);
    `teams` the walls they see. A ticket reference must be a ticket the logger may see."""

    person = forms.TypedChoiceField(
        label=_("Who was praised"), coerce=int,
        error_messages={"invalid_choice": _("Pick someone on a team you work with."), "required": _("Pick who was praised.")},
    )
    text = forms.CharField(
        label=_("What was said"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The customer's words, as near as you can."),
        error_messages={"required": _("Write what was said; the wall shows the customer's words.")},
    )
    source = forms.ChoiceField(label=_("Channel"), choices=[c for c in Kudos.Source.choices if c[0] not in ("email", "web")])
    ticket = forms.CharField(label=_("Ticket reference (optional)"), required=False, max_length=20, help_text=_("E.g. #1042"))
    team = forms.TypedChoiceField(label=_("Wall"), coerce=int, required=False, help_text=_("Without a ticket: the team whose wall shows it."))

    def __init__(self, *args, user, people, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.people = {person.pk: person for person in people}
        self.teams = {team.pk: team for team in teams}
        self.fields["person"].choices = [("", "—")] + [(pk, str(person)) for pk, person in self.people.items()]
        self.fields["team"].choices = [("", _("The person's team"))] + [(pk, team.name) for pk, team in self.teams.items()]

    def clean_person(self):
        person = self.people.get(self.cleaned_data["person"])
        if person is None:
            raise forms.ValidationError(_("Pick someone on a team you work with."))
        return person

    def clean_ticket(self):
        typed = self.cleaned_data["ticket"]
        if not typed.strip():
            return None
        match = REFERENCE.match(typed)
        if not match:
            raise forms.ValidationError(_("Give the ticket's number, e.g. #1042."))
        try:
            return conversations.ticket_for(self.user, int(match.group(1)))
        except Http404:
            raise forms.ValidationError(_("There is no ticket %(reference)s that you can see.") % {"reference": f"#{match.group(1)}"}) from None

    def clean_team(self):
        team_id = self.cleaned_data.get("team")
        if team_id in (None, ""):
            return None
        if team_id not in self.teams:
            raise forms.ValidationError(_("Pick a team whose wall you see."))
        return self.teams[team_id]

    def clean(self):
        data = super().clean()
        person, ticket, team = data.get("person"), data.get("ticket"), data.get("team")
        if person and ticket and not permissions.can_receive_kudos(person, ticket.team):
            self.add_error("person", _("%(person)s is not on %(team)s, the ticket's team.") % {"person": person, "team": ticket.team})
        elif person and team and not ticket and not permissions.can_receive_kudos(person, team):
            self.add_error("team", _("%(person)s is not on %(team)s.") % {"person": person, "team": team})
        return data
