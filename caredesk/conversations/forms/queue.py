"""Forms of the queue page: the filter bar, bulk actions and saved views."""

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import OPEN_STATUSES, SavedView, Ticket
from ..services import normalise_tags

MULTI_KEYS = ("status", "priority")
DATE_KEYS = ("created_from", "created_to", "updated_from", "updated_to")
# Most a bulk action takes at once: a few pages of rows, and a bounded `IN (...)` list.
BULK_LIMIT = 200


def _style(form: forms.Form) -> None:
    """Bootstrap's classes on every widget (small: the queue's controls sit in compact bars)."""
    for field in form.fields.values():
        widget = field.widget
        if widget.is_hidden:
            continue
        if isinstance(widget, (forms.CheckboxSelectMultiple, forms.CheckboxInput)):
            widget.attrs["class"] = "form-check-input"
        elif isinstance(widget, forms.Select):
            widget.attrs["class"] = "form-select form-select-sm"
        else:
            widget.attrs["class"] = "form-control form-control-sm"


def _date_field(label):
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a date as YYYY-MM-DD.")},
    )


class QueueFilterForm(forms.Form):
    """The filter bar. Its cleaned_data is exactly the dict queries.apply_filters takes; an empty
    field filters nothing. Team and owner choices are what the person may see (given by the view)."""

    q = forms.CharField(
        label=_("Text"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Words in subject or messages, or #123")}
        ),
    )
    status = forms.MultipleChoiceField(
        label=_("Status"), required=False, choices=Ticket.Status.choices, widget=forms.CheckboxSelectMultiple
    )
    priority = forms.TypedMultipleChoiceField(
        label=_("Priority"),
        required=False,
        coerce=int,
        choices=Ticket.Priority.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    team = forms.TypedChoiceField(label=_("Team"), required=False, coerce=int, empty_value=None)
    owner = forms.ChoiceField(label=_("Owner"), required=False)
    tag = forms.CharField(label=_("Tag"), required=False, max_length=50)
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("Any channel")), *Ticket.Channel.choices]
    )
    created_from = _date_field(_("Created from"))
    created_to = _date_field(_("Created to"))
    updated_from = _date_field(_("Updated from"))
    updated_to = _date_field(_("Updated to"))

    def __init__(self, *args, teams, agents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", _("Any team"))] + [(team.pk, team.name) for team in teams]
        self.fields["owner"].choices = [
            ("", _("Anyone")),
            ("me", _("Me")),
            ("none", _("Unassigned (queue)")),
            *[(str(agent.pk), str(agent)) for agent in agents],
        ]
        _style(self)

    def clean_q(self) -> str:
        text = self.cleaned_data["q"]
        number = text.lstrip("#")
        # queries.apply_filters reads an all-digit text as a ticket number too.
        if number.isdigit() and not (number.isdecimal() and len(number) <= 18):
            raise forms.ValidationError(_("No ticket has that number; search for words instead."))
        return text

    @property
    def date_fields(self) -> list:
        return [self[name] for name in DATE_KEYS]

    @property
    def select_fields(self) -> list:
        return [self[name] for name in ("team", "owner", "channel")]

    def clean_tag(self) -> str:
        tags = normalise_tags([self.cleaned_data["tag"]])
        return tags[0] if tags else ""

    def clean(self):
        cleaned = super().clean()
        for start, end in (("created_from", "created_to"), ("updated_from", "updated_to")):
            if cleaned.get(start) and cleaned.get(end) and cleaned[start] > cleaned[end]:
                self.add_error(
                    end, _("This date is before “%(start)s”.") % {"start": self.fields[start].label}
                )
        return cleaned

    def describe(self, filters: dict) -> list[str]:
        """Filters (a saved view's) as short sentences for the page header. A team or agent the
        reader cannot see is not named: the saved view may be someone else's, shared."""
        parts = []
        for key, field in self.fields.items():
            value = filters.get(key)
            if not value:
                continue
            if key == "status" and set(value) == set(OPEN_STATUSES):
                shown = _("any open")
            elif key in MULTI_KEYS:
                labels = dict(field.choices)
                shown = ", ".join(str(labels.get(item, item)) for item in value)
            elif key in ("team", "owner", "channel"):
                labels = {str(choice): label for choice, label in field.choices}
                hidden = _("a team you cannot see") if key == "team" else _("someone else")
                shown = labels.get(str(value), hidden)
            elif key == "q":
                shown = f"“{value}”"
            else:
                shown = value
            parts.append(_("%(label)s: %(value)s") % {"label": field.label, "value": shown})
        return parts


def stored_filters(cleaned: dict, *, base: dict, sort: str) -> dict:
    """What a saved view keeps (SavedView.filters): the current view's own filters (`base`) narrowed
    by the filter bar's, and the sort. JSON only: dates become ISO strings, empty filters are left out."""
    stored: dict = {}
    for key in QueueFilterForm.base_fields:
        mine, theirs = cleaned.get(key), base.get(key)
        if key in MULTI_KEYS and mine and theirs:
            both = [item for item in mine if item in theirs]
            value = both or list(mine)  # nothing in common: keep what the person chose last
        elif key == "q":
            value = " ".join(part for part in (theirs, mine) if part)
        else:
            value = mine or theirs
        if isinstance(value, date):
            value = value.isoformat()
        if value:
            stored[key] = list(value) if key in MULTI_KEYS else value
    stored["sort"] = sort
    return stored


class BulkActionForm(forms.Form):
    """One change for the selected tickets: a new owner (with a reason when someone owns one
    already; services.bulk_update insists), a status, tags to add, or any of them together."""

    tickets = forms.Field(
        widget=forms.MultipleHiddenInput, error_messages={"required": _("Select at least one ticket.")}
    )
    owner = forms.TypedChoiceField(label=_("Assign to"), required=False, coerce=int, empty_value=None)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)
    status = forms.ChoiceField(
        label=_("Set status"), required=False, choices=[("", _("Set status…")), *Ticket.Status.choices]
    )
    tags = forms.CharField(label=_("Add tags"), required=False, max_length=300)

    def __init__(self, *args, agents, **kwargs):
        super().__init__(*args, **kwargs)
        self.agents = {agent.pk: agent for agent in agents}
        self.fields["owner"].choices = [("", _("Assign to…"))] + [(agent.pk, str(agent)) for agent in agents]
        self.fields["reason"].widget.attrs["placeholder"] = _("Reason for a hand-off")
        self.fields["tags"].widget.attrs["placeholder"] = _("Add tags: refund")
        _style(self)

    def clean_tickets(self) -> list[int]:
        try:
            ids = sorted({int(value) for value in self.cleaned_data["tickets"]})
        except (TypeError, ValueError):
            raise forms.ValidationError(_("Ticket numbers are whole numbers.")) from None
        if len(ids) > BULK_LIMIT:
            raise forms.ValidationError(
                _("Select at most %(limit)d tickets at a time.") % {"limit": BULK_LIMIT}
            )
        return ids

    def clean_owner(self):
        owner_id = self.cleaned_data["owner"]
        return self.agents[owner_id] if owner_id is not None else None

    def clean_tags(self) -> list[str]:
        return normalise_tags(self.cleaned_data["tags"].split(","))

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("owner") or cleaned.get("status") or cleaned.get("tags")) and not self.errors:
            raise forms.ValidationError(_("Choose a change: an owner, a status or tags to add."))
        return cleaned


class SavedViewForm(forms.ModelForm):
    """Name and sharing of a saved view; the filters come from the page, never from this form."""

    class Meta:
        model = SavedView
        fields = ["name", "is_shared"]
        labels = {"name": _("Name"), "is_shared": _("Share with everyone")}
        error_messages = {"name": {"required": _("Give the view a name.")}}

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner = owner
        _style(self)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        taken = SavedView.objects.filter(owner=self.owner, name__iexact=name).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("You already have a view called “%(name)s”.") % {"name": name})
        return name
