"""The hand-off report's filters: a period, a team, open or all tickets."""

from django import forms
from django.utils.translation import gettext_lazy as _

from caredesk.accounts.models import Team

from .. import handoffs


class HandoffReportForm(forms.Form):
    period = forms.TypedChoiceField(
        label=_("Period"),
        choices=list(handoffs.PERIODS.items()),
        coerce=int,
        required=False,
        error_messages={"invalid_choice": _("Choose a period of 30, 90 or 365 days.")},
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    team = forms.ChoiceField(
        label=_("Team"),
        required=False,
        error_messages={"invalid_choice": _("There is no such team that you can see.")},
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    scope = forms.ChoiceField(
        label=_("Tickets"),
        choices=list(handoffs.SCOPES.items()),
        required=False,
        error_messages={"invalid_choice": _("Choose open tickets or all tickets.")},
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )

    def __init__(self, *args, teams: list[Team], **kwargs):
        super().__init__(*args, **kwargs)
        # The teams the user may see, already read (handoffs.TeamNames): no query of its own.
        self._teams = {str(team.pk): team for team in teams}
        self.fields["team"].choices = [("", _("Every team"))] + [(str(team.pk), team.name) for team in teams]

    def clean_team(self) -> Team | None:
        return self._teams.get(self.cleaned_data.get("team") or "")

    def filters(self) -> handoffs.Filters:
        data = self.cleaned_data
        return handoffs.Filters(
            period=data.get("period") or handoffs.DEFAULT_PERIOD,
            team=data.get("team"),
            scope=data.get("scope") or handoffs.DEFAULT_SCOPE,
        )
