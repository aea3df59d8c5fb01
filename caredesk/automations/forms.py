"""The rule editor's rows: parsing what the form posts, and what each row offers (operators, value
widgets and their options). Validation itself is rules.validate(), the same for pages and code."""

import re
from dataclasses import dataclass, field

from django.http import QueryDict
from django.utils.translation import gettext as _

from caredesk.accounts.models import Team, User
from caredesk.conversations.models import CustomField, Macro, Ticket
from caredesk.customers.models import Organisation

from . import rules

# An organisation condition offers a list up to this many organisations, else an id box.
ORGANISATION_CHOICES_MAX = 300
_ROW = re.compile(r"^(conditions|actions)-(\d{1,15})-(field|op|value|action)$")


def rows(data: QueryDict, prefix: str) -> list[tuple[int, dict]]:
    """The (index, row) of `prefix` in index order; a multiple-choice value comes as a list."""
    found: dict[int, dict] = {}
    for key in data:
        match = _ROW.match(key)
        if not match or match.group(1) != prefix:
            continue
        index, part = int(match.group(2)), match.group(3)
        values = data.getlist(key)
        found.setdefault(index, {})[part] = values if part == "value" and len(values) > 1 else values[0]
    return [(index, found[index]) for index in sorted(found)]


def rule_values(data: QueryDict) -> dict:
    """What the editor posted, as save_rule()/cleaned() take it (unvalidated)."""
    try:
        position = max(0, min(int(data.get("position") or 0), 32767))
    except ValueError:
        position = 0
    conditions = [row for _index, row in rows(data, "conditions") if row.get("field")]
    actions = [row for _index, row in rows(data, "actions") if row.get("action")]
    return {
        "name": data.get("name", ""),
        "description": data.get("description", "").strip()[:2000],
        "enabled": data.get("enabled") == "on",
        "position": position,
        "kind": data.get("kind", ""),
        "event_kinds": data.getlist("event_kinds"),
        "conditions": conditions,
        "actions": actions,
    }


@dataclass
class Choices:
    """Everything the rows offer, read once per page (a fixed number of queries, whatever the rows)."""

    teams: list = field(default_factory=list)
    agents: list = field(default_factory=list)
    organisations: list | None = None
    macros: list = field(default_factory=list)
    custom_fields: list = field(default_factory=list)

    @classmethod
    def load(cls) -> "Choices":
        organisations = list(Organisation.objects.order_by("name").values_list("pk", "name")[: ORGANISATION_CHOICES_MAX + 1])
        return cls(
            teams=list(Team.objects.order_by("name").values_list("pk", "name")),
            agents=[
                (user.pk, str(user))
                for user in User.objects.filter(is_active=True, role__in=(User.Role.AGENT, User.Role.LEAD, User.Role.ADMIN))
            ],
            organisations=organisations if len(organisations) <= ORGANISATION_CHOICES_MAX else None,
            macros=list(Macro.objects.values_list("pk", "name")),
            custom_fields=list(CustomField.objects.values_list("key", "label")),
        )


def _opts(pairs) -> list:
    return [(str(value), str(label)) for value, label in pairs]


@dataclass
class Row:
    """One condition or action row as the editor shows it."""

    kind: str  # condition or action
    index: int
    name: str  # the field or action chosen
    op: str = ""
    ops: list = field(default_factory=list)
    widget: str = "text"  # select, multi, text, number, textarea
    groups: list = field(default_factory=list)  # [(group label or "", [(value, label)])]
    selected: list = field(default_factory=list)
    text: str = ""
    hint: str = ""

    @property
    def names(self) -> list:
        if self.kind == "condition":
            return [(name, str(f.label)) for name, f in rules.FIELDS.items()] + self.custom_names
        return [(name, str(label)) for name, label in rules.ACTIONS.items()]

    custom_names: list = field(default_factory=list)


def _selected(value) -> list[str]:
    values = value if isinstance(value, list) else [value]
    return [str(v) for v in values if v is not None and str(v) != ""]


def _text(value) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def condition_row(index: int, row: dict, choices: Choices) -> Row:
    name = str(row.get("field") or "status")
    found = rules.field_for(name) or rules.FIELDS["status"]
    name = found.name
    op = str(row.get("op") or "")
    if op not in found.ops:
        op = found.ops[0]
    value = row.get("value")
    shown = Row(
        kind="condition", index=index, name=name, op=op, ops=[(o, str(rules.OPS[o])) for o in found.ops],
        selected=_selected(value), text=_text(value),
        custom_names=[(f"{rules.CUSTOM_FIELD_PREFIX}{key}", _("Custom field: %(label)s") % {"label": label}) for key, label in choices.custom_fields],
    )
    options = {
        "status": _opts(Ticket.Status.choices),
        "priority": _opts(Ticket.Priority.choices),
        "team": _opts(choices.teams),
        "owner": [("unassigned", _("Nobody (the team's queue)")), *_opts(choices.agents)],
        "channel": _opts(Ticket.Channel.choices),
        "organisation": _opts(choices.organisations) if choices.organisations is not None else None,
    }.get(found.kind)
    if options is not None:
        shown.widget = "multi" if op == "in" else "select"
        shown.groups = [("", options)]
    elif found.kind == "hours":
        shown.widget, shown.hint = "number", _("hours")
    elif op == "in":
        shown.hint = _("separate values with commas")
    return shown


def action_row(index: int, row: dict, choices: Choices) -> Row:
    name = str(row.get("action") or "add_tags")
    if name not in rules.ACTIONS:
        name = "add_tags"
    value = row.get("value")
    shown = Row(kind="action", index=index, name=name, selected=_selected(value), text=_text(value))
    agents = [(f"agent:{pk}", label) for pk, label in choices.agents]
    if name == "assign":
        shown.widget = "select"
        shown.groups = [(_("Agents"), agents), (_("Team queues"), [(f"team:{pk}", label) for pk, label in choices.teams])]
        shown.selected = [f"agent:{v}" if str(v).isdigit() else str(v) for v in shown.selected]
    elif name == "set_priority":
        shown.widget, shown.groups = "select", [("", _opts(Ticket.Priority.choices))]
    elif name == "set_status":
        shown.widget, shown.groups = "select", [("", _opts(Ticket.Status.choices))]
    elif name == "notify":
        shown.widget = "select"
        shown.groups = [("", [(key, str(label)) for key, label in rules.NOTIFY_WHO.items()]), (_("Agents"), agents)]
    elif name == "send_macro":
        shown.widget, shown.groups = "select", [("", _opts(choices.macros))]
    elif name == "add_note":
        shown.widget = "textarea"
    else:
        shown.hint = _("separate tags with commas")
    return shown
