"""The dashboard's filters, the drill-down's, and the care standard's form."""

from datetime import timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from caredesk.accounts.models import Team, User
from caredesk.conversations.models import Ticket

from . import queries
from . import standard as care

SELECT = {"class": "form-select form-select-sm"}
MAX_DRILL_DAYS = 3 * 366


class DashboardForm(forms.Form):
    days = forms.TypedChoiceField(
        label=_("Period"), choices=list(queries.RANGES.items()), coerce=int, required=False,
        error_messages={"invalid_choice": _("Choose a period of 7, 30, 90 or 365 days.")}, widget=forms.Select(attrs=SELECT),
    )
    bucket = forms.ChoiceField(
        label=_("Grouped"), choices=list(queries.BUCKETS.items()), required=False,
        error_messages={"invalid_choice": _("Group by day, week or month.")}, widget=forms.Select(attrs=SELECT),
    )
    team = forms.ChoiceField(
        label=_("Team"), required=False, widget=forms.Select(attrs=SELECT),
        error_messages={"invalid_choice": _("There is no such team that you can see.")},
    )
    agent = forms.ChoiceField(
        label=_("Agent"), required=False, widget=forms.Select(attrs=SELECT),
        error_messages={"invalid_choice": _("There is no such agent on the teams you can see.")},
    )
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("Every channel"))] + list(Ticket.Channel.choices),
        error_messages={"invalid_choice": _("There is no such channel.")}, widget=forms.Select(attrs=SELECT),
    )
    by = forms.ChoiceField(
        label=_("Table by"), choices=list(queries.DIMENSIONS.items()), required=False,
        error_messages={"invalid_choice": _("Break the figures down by agent, team or channel.")},
        widget=forms.Select(attrs=SELECT),
    )

    def __init__(self, *args, teams: list[Team], agents: list[User], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", _("Every team"))] + [(str(team.pk), team.name) for team in teams]
        self.fields["agent"].choices = (
            [("", _("Every agent")), ("0", _("Nobody (queue or desk)"))] + [(str(agent.pk), str(agent)) for agent in agents]
        )

    def filters(self) -> queries.Filters:
        data = self.cleaned_data
        return queries.Filters(
            days=data.get("days") or queries.DEFAULT_RANGE,
            bucket=data.get("bucket") or queries.DEFAULT_BUCKET,
            dimension=data.get("by") or queries.DEFAULT_DIMENSION,
            team_id=int(data["team"]) if data.get("team") else None,
            agent_id=int(data["agent"]) if data.get("agent") not in (None, "") else None,
            channel=data.get("channel") or "",
        )


class DrillForm(DashboardForm):
    metric = forms.ChoiceField(
        label=_("Figure"), choices=[(name, name) for name in sorted(queries.DRILLABLE)],
        error_messages={"invalid_choice": _("There is no such figure."), "required": _("Say which figure to list.")},
    )
    since = forms.DateField(label=_("From"), error_messages={"required": _("Give the first day."), "invalid": _("Give the first day as YYYY-MM-DD.")})
    until = forms.DateField(label=_("To"), error_messages={"required": _("Give the last day."), "invalid": _("Give the last day as YYYY-MM-DD.")})
    after = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until:
            if since > until:
                raise forms.ValidationError(_("The first day comes after the last day."))
            if until - since > timedelta(days=MAX_DRILL_DAYS):
                raise forms.ValidationError(_("List at most three years at a time."))
        return data


class StandardForm(forms.Form):
    """One goal (a number, or empty for none) and a direction per metric."""

    def __init__(self, *args, standard: care.Standard, **kwargs):
        super().__init__(*args, **kwargs)
        self.standard = standard
        for name, metric in care.METRICS.items():
            goal = standard.goal(name)
            unit = {"min": _("business minutes"), "%": "%"}.get(metric.unit, "")
            self.fields[f"{name}_value"] = forms.FloatField(
                label=metric.label, required=False, min_value=metric.low, max_value=metric.high,
                initial=goal.value if goal else None, help_text=unit,
                widget=forms.NumberInput(attrs={"class": "form-control form-control-sm", "step": "any"}),
                error_messages={
                    "invalid": _("Enter a number."),
                    "min_value": _("At least %(limit_value)s."),
                    "max_value": _("At most %(limit_value)s."),
                },
            )
            self.fields[f"{name}_direction"] = forms.ChoiceField(
                label=_("Direction"), choices=list(care.DIRECTIONS.items()),
                initial=goal.direction if goal else metric.direction, widget=forms.Select(attrs=SELECT),
                error_messages={"invalid_choice": _("Choose at least or at most."), "required": _("Choose at least or at most.")},
            )

    def rows(self):
        """(metric, value field, direction field, goal in force) for the template."""
        return [
            (care.METRICS[name], self[f"{name}_value"], self[f"{name}_direction"], self.standard.goal(name))
            for name in care.METRICS
        ]

    def goals(self) -> dict:
        data = self.cleaned_data
        return {
            name: {"value": data[f"{name}_value"], "direction": data[f"{name}_direction"]}
            for name in care.METRICS
        }
