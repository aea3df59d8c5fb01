from django import forms
from django.utils.translation import gettext_lazy as _

from caredesk.accounts.models import Team, User

from .models import Ladder


class EscalateForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why the ticket needs escalating; the next level reads this first.")},
    )


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label=_("Resolution"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write the resolution: what was decided and done. The agent reads it.")},
    )


class DeEscalateForm(forms.Form):
    note = forms.CharField(
        label=_("Note"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Add a note saying why it goes back down; the people below read it first.")},
    )


class LadderForm(forms.ModelForm):
    class Meta:
        model = Ladder
        fields = ["escalation_team", "manager", "auto_escalate_after_minutes"]

    def __init__(self, *args, team: Team, **kwargs):
        super().__init__(*args, **kwargs)
        self.team = team
        self.fields["escalation_team"].queryset = Team.objects.exclude(pk=team.pk).order_by("name")
        self.fields["escalation_team"].empty_label = _("(none)")
        self.fields["manager"].queryset = User.objects.filter(
            is_active=True, role__in=[User.Role.LEAD, User.Role.ADMIN]
        ).order_by("first_name", "last_name")
        self.fields["manager"].empty_label = _("(none)")
