"""Forms of the ticket page. They check the shape of what was typed; the rules of the desk (a reply
needs words or a file, an attachment's size and type, who may own a ticket) stay in services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from caredesk.accounts.models import Team, User

from .. import queries
from ..models import CustomField, Macro, Ticket

# "And set status to" after a reply: where the conversation goes next (new and closed are not a
# reply's business).
STATUSES_AFTER_REPLY = [
    (Ticket.Status.OPEN, Ticket.Status.OPEN.label),
    (Ticket.Status.PENDING_CUSTOMER, Ticket.Status.PENDING_CUSTOMER.label),
    (Ticket.Status.ON_HOLD, Ticket.Status.ON_HOLD.label),
    (Ticket.Status.SOLVED, Ticket.Status.SOLVED.label),
]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Any number of files under one name (Django's documented recipe)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"class": "form-control form-control-sm"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


class ComposerForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[("reply", _("Public reply")), ("note", _("Internal note"))],
        initial="reply",
        widget=forms.RadioSelect,
    )
    body = forms.CharField(
        label=_("Message"), required=False, widget=forms.Textarea(attrs={"rows": 6, "class": "form-control"})
    )
    files = MultipleFileField(label=_("Attachments"), required=False)
    # Only a public reply moves the status; a note leaves it where it is.
    status = forms.ChoiceField(
        label=_("and set status to"),
        required=False,
        choices=[("", _("keep as it is"))] + STATUSES_AFTER_REPLY,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )


class MacroForm(forms.Form):
    macro = forms.ModelChoiceField(queryset=Macro.objects.all())


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Ticket.Status.choices)


class PriorityForm(forms.Form):
    priority = forms.TypedChoiceField(choices=Ticket.Priority.choices, coerce=int)


class TagsForm(forms.Form):
    tags = forms.CharField(label=_("Tags"), required=False, max_length=1000)

    def clean_tags(self) -> list[str]:
        return [name for name in self.cleaned_data["tags"].split(",") if name.strip()]


class AssignForm(forms.Form):
    owner = forms.ModelChoiceField(label=_("Assign to"), queryset=User.objects.none(), empty_label=None)

    def __init__(self, *args, ticket: Ticket, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = queries.assignable_agents(ticket.team)


class CustomFieldsForm(forms.Form):
    """One input per CustomField definition; values are checked again by services.set_fields."""

    def __init__(self, *args, definitions: list[CustomField], ticket: Ticket, **kwargs):
        super().__init__(*args, **kwargs)
        for definition in definitions:
            self.fields[definition.key] = self._field(definition)
            self.initial.setdefault(definition.key, ticket.fields.get(definition.key))

    @staticmethod
    def _field(definition: CustomField) -> forms.Field:
        small = {"class": "form-control form-control-sm"}
        if definition.kind == CustomField.Kind.CHECKBOX:
            return forms.BooleanField(
                label=definition.label,
                required=False,
                widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
            )
        if definition.kind == CustomField.Kind.CHOICE:
            choices = [("", "—")] + [(choice, choice) for choice in definition.choices]
            return forms.ChoiceField(
                label=definition.label,
                required=False,
                choices=choices,
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )
        if definition.kind == CustomField.Kind.DATE:
            return forms.CharField(
                label=definition.label,
                required=False,
                widget=forms.DateInput(attrs={**small, "type": "date"}),
            )
        return forms.CharField(
            label=definition.label, required=False, max_length=500, widget=forms.TextInput(attrs=small)
        )


class TransferForm(forms.Form):
    team = forms.ModelChoiceField(
        label=_("New team"),
        queryset=Team.objects.order_by("name"),
        empty_label=None,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    owner = forms.ModelChoiceField(
        label=_("New owner"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("The team's queue"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        error_messages={"required": _("Say why the ticket is moving; the new owner reads this first.")},
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )
    note = forms.CharField(
        label=_("Hand-over note"),
        required=False,
        help_text=_("What the new owner should know: what was tried, what was promised."),
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )

    def __init__(self, *args, ticket: Ticket, **kwargs):
        super().__init__(*args, **kwargs)
        self.ticket = ticket
        self.team = self._chosen_team()
        self.fields["owner"].queryset = queries.assignable_agents(self.team)
        self.initial.setdefault("team", self.team.pk)

    def _chosen_team(self) -> Team:
        """The team picked so far: owner choices follow it, before the form is validated."""
        raw = (self.data or {}).get("team") or self.initial.get("team")
        if raw and str(raw).isdigit():
            return Team.objects.filter(pk=int(raw)).first() or self.ticket.team
        return self.ticket.team

    def clean(self):
        cleaned = super().clean()
        team, owner = cleaned.get("team"), cleaned.get("owner")
        if team and team == self.ticket.team and owner == self.ticket.owner:
            raise forms.ValidationError(_("The ticket is already there; choose another team or owner."))
        return cleaned

    def transfer_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "to_team": data["team"],
            "to_owner": data["owner"],
            "reason": data["reason"],
            "note": data["note"],
        }


class MergeForm(forms.Form):
    into = forms.CharField(
        label=_("Merge into ticket number"),
        max_length=20,
        error_messages={"required": _("Enter the number of the ticket to merge into, such as 12.")},
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": "#12", "autocomplete": "off"}),
    )

    def clean_into(self) -> int:
        raw = self.cleaned_data["into"].strip().lstrip("#").strip()
        if not raw.isdigit():
            raise forms.ValidationError(_("Enter a ticket number, such as 12."))
        return int(raw)
