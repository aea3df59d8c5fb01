"""What a rule may say, and what it means: the condition fields and operators, the actions, the
validation of both (clear sentences, nothing saved when they fail), and conditions turned into one
ORM filter on Ticket, so that event rules, time rules and dry runs all read tickets the same way.

Conditions are all required (AND). Stored values are normalised: ids as ints, statuses and channels as
their codes, tags in their stored form, lists for `in`.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from caredesk.accounts.models import Team, User
from caredesk.conversations.models import CustomField, Event, Macro, Ticket
from caredesk.customers.models import Organisation

MAX_CONDITIONS = 30
MAX_ACTIONS = 20

OPS = {
    "is": gettext_lazy("is"),
    "is_not": gettext_lazy("is not"),
    "in": gettext_lazy("is one of"),
    "contains": gettext_lazy("contains"),
    "not_contains": gettext_lazy("does not contain"),
    "gte": gettext_lazy("is at least"),
    "lte": gettext_lazy("is at most"),
}

# The events an event rule may react to: every kind but its own, so a rule never reacts to a rule.
EVENT_KINDS = [(value, label) for value, label in Event.Kind.choices if value != Event.Kind.AUTOMATION_APPLIED]

# A status change is also recorded as REOPENED when a customer's reply reopens a solved ticket.
STATUS_CHANGE_KINDS = (Event.Kind.STATUS_CHANGED, Event.Kind.REOPENED)


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    ops: tuple[str, ...]
    kind: str  # how its value is read: status, priority, team, owner, channel, organisation, tag, text, hours, custom


CHOICE_OPS = ("is", "is_not", "in")
TEXT_OPS = ("is", "is_not", "contains", "not_contains")
HOURS_OPS = ("gte", "lte")

FIELDS = {
    field.name: field
    for field in (
        Field("status", gettext_lazy("Status"), CHOICE_OPS, "status"),
        Field("priority", gettext_lazy("Priority"), (*CHOICE_OPS, "gte", "lte"), "priority"),
        Field("team", gettext_lazy("Team"), CHOICE_OPS, "team"),
        Field("owner", gettext_lazy("Owner"), CHOICE_OPS, "owner"),
        Field("channel", gettext_lazy("Channel"), CHOICE_OPS, "channel"),
        Field("tags", gettext_lazy("Tags"), ("contains", "not_contains"), "tag"),
        Field("subject", gettext_lazy("Subject"), TEXT_OPS, "text"),
        Field("text", gettext_lazy("Message text (the message that triggered the rule)"), ("contains", "not_contains"), "text"),
        Field("customer_email", gettext_lazy("Customer email"), TEXT_OPS, "text"),
        Field("customer_domain", gettext_lazy("Customer email domain"), CHOICE_OPS, "domain"),
        Field("customer_tier", gettext_lazy("Customer tier"), CHOICE_OPS, "word"),
        Field("organisation", gettext_lazy("Organisation"), CHOICE_OPS, "organisation"),
        Field("organisation_tier", gettext_lazy("Organisation tier"), CHOICE_OPS, "word"),
        Field("hours_since_created", gettext_lazy("Hours since created"), HOURS_OPS, "hours"),
        Field("hours_since_updated", gettext_lazy("Hours since updated"), HOURS_OPS, "hours"),
        Field("hours_since_status_changed", gettext_lazy("Hours since the status changed"), HOURS_OPS, "hours"),
    )
}
CUSTOM_FIELD_PREFIX = "field."
CUSTOM_OPS = ("is", "is_not", "contains", "not_contains", "gte", "lte")

ACTIONS = {
    "assign": gettext_lazy("Assign to"),
    "set_priority": gettext_lazy("Set priority"),
    "add_tags": gettext_lazy("Add tags"),
    "remove_tags": gettext_lazy("Remove tags"),
    "set_status": gettext_lazy("Set status"),
    "add_note": gettext_lazy("Add internal note"),
    "notify": gettext_lazy("Notify"),
    "send_macro": gettext_lazy("Send macro as public reply"),
}
NOTIFY_WHO = {"owner": gettext_lazy("the ticket's owner"), "team_lead": gettext_lazy("the team's leads")}


def field_for(name: str) -> Field | None:
    if name.startswith(CUSTOM_FIELD_PREFIX):
        return Field(name, name[len(CUSTOM_FIELD_PREFIX):], CUSTOM_OPS, "custom")
    return FIELDS.get(name)


# Validation ------------------------------------------------------------------------------------


class _Refused(Exception):
    """One row's problem, said as a sentence; validate() prefixes the row number."""


def _listed(raw) -> list:
    if isinstance(raw, list):
        return [item for item in raw if str(item).strip() != ""]
    return [part.strip() for part in str(raw or "").split(",") if part.strip()]


def _one_of(raw, values: list, what: str):
    text = str(raw).strip()
    if text not in [str(value) for value in values]:
        raise _Refused(_("“%(value)s” is not a known %(what)s.") % {"value": text, "what": what})
    return text


def _status(raw) -> str:
    return _one_of(raw, Ticket.Status.values, _("status"))


def _priority(raw) -> int:
    text = str(raw).strip().lower()
    by_name = {str(label).lower(): value for value, label in Ticket.Priority.choices}
    if text in by_name:
        return by_name[text]
    return int(_one_of(text, Ticket.Priority.values, _("priority (1 low to 4 urgent)")))


def _id_of(model, raw, what: str, **filters) -> int:
    try:
        pk = int(str(raw).strip().split(":")[-1])
    except ValueError:
        raise _Refused(_("“%(value)s” does not name any %(what)s.") % {"value": str(raw).strip(), "what": what}) from None
    if not model.objects.filter(pk=pk, **filters).exists():
        raise _Refused(_("There is no %(what)s with id %(id)s.") % {"what": what, "id": pk})
    return pk


def _agent(raw) -> int:
    return _id_of(User, raw, _("active agent"), is_active=True, role__in=(User.Role.AGENT, User.Role.LEAD, User.Role.ADMIN))


def _owner(raw):
    if str(raw).strip() == "unassigned":
        return "unassigned"
    return _agent(raw)


def _text(raw) -> str:
    text = str(raw if raw is not None else "").strip()
    if not text:
        raise _Refused(_("Give a value."))
    return text[:500]


def _hours(raw) -> float:
    try:
        hours = float(str(raw).strip())
    except ValueError:
        hours = -1
    if not 0 <= hours <= 24 * 365 * 5:
        raise _Refused(_("Hours must be a number from 0 to %(max)s.") % {"max": 24 * 365 * 5})
    return int(hours) if hours == int(hours) else hours


def _single(field: Field, raw):
    """One value of `field` in its stored form."""
    if field.kind == "status":
        return _status(raw)
    if field.kind == "priority":
        return _priority(raw)
    if field.kind == "team":
        return _id_of(Team, raw, _("team"))
    if field.kind == "owner":
        return _owner(raw)
    if field.kind == "channel":
        return _one_of(raw, Ticket.Channel.values, _("channel"))
    if field.kind == "organisation":
        return _id_of(Organisation, raw, _("organisation"))
    if field.kind == "tag":
        from caredesk.conversations.services import normalise_tags

        tags = normalise_tags([_text(raw)])
        return tags[0]
    if field.kind == "domain":
        return _text(raw).lower().lstrip("@")
    if field.kind == "hours":
        return _hours(raw)
    if field.kind in ("text", "word"):
        return _text(raw)
    raise AssertionError(field.kind)


def _custom(field: Field, op: str, raw):
    definition = CustomField.objects.filter(key=field.label).first()
    if definition is None:
        raise _Refused(_("There is no custom field “%(key)s”.") % {"key": field.label})
    if op in ("gte", "lte"):
        try:
            return float(raw) if "." in str(raw) else int(raw)
        except (TypeError, ValueError):
            raise _Refused(_("“%(op)s” compares numbers; give a number.") % {"op": OPS[op]}) from None
    if op in ("contains", "not_contains"):
        return _text(raw)
    value = definition.clean_value(raw)  # the stored type: a number, a date, true/false
    if value is None:
        raise _Refused(_("Give a value."))
    return value


def clean_condition(row: dict, *, time_rule: bool) -> dict:
    name = str(row.get("field") or "").strip()
    field = field_for(name)
    if field is None:
        raise _Refused(_("“%(field)s” is not a field a rule can check.") % {"field": name or "?"})
    op = str(row.get("op") or "").strip()
    if op not in field.ops:
        raise _Refused(
            _("%(field)s cannot use “%(op)s”; use %(ops)s.")
            % {"field": field.label, "op": OPS.get(op, op or "?"), "ops": ", ".join(str(OPS[o]) for o in field.ops)}
        )
    if name == "text" and time_rule:
        raise _Refused(_("Message text is only known when a message arrives; a time rule cannot check it."))
    raw = row.get("value")
    try:
        if field.kind == "custom":
            value = _custom(field, op, raw)
        elif op == "in":
            values = [_single(field, item) for item in _listed(raw)]
            if not values:
                raise _Refused(_("Pick at least one value."))
            value = list(dict.fromkeys(values))
        else:
            value = _single(field, raw)
    except ValidationError as error:
        raise _Refused(" ".join(error.messages)) from None
    return {"field": name, "op": op, "value": value}


def _assignee(raw) -> str:
    text = str(raw or "").strip()
    if text.startswith("team:"):
        return f"team:{_id_of(Team, text, _('team'))}"
    return f"agent:{_agent(text)}"


def _recipient(raw) -> str:
    text = str(raw or "").strip()
    if text in NOTIFY_WHO:
        return text
    return f"agent:{_agent(text)}"


def _macro(raw) -> int:
    from caredesk.conversations import macros
    from caredesk.customers.models import Customer

    pk = _id_of(Macro, raw, _("macro"))
    macro = Macro.objects.get(pk=pk)
    try:  # a macro that cannot render would fail on every ticket: refuse it now
        macros.render(macro, Ticket(subject="", customer=Customer(name="")), None)
    except ValidationError as error:
        raise _Refused(" ".join(error.messages)) from None
    return pk


def clean_action(row: dict) -> dict:
    from caredesk.conversations.services import normalise_tags

    action = str(row.get("action") or "").strip()
    raw = row.get("value")
    if action not in ACTIONS:
        raise _Refused(_("“%(action)s” is not an action a rule can take.") % {"action": action or "?"})
    if action == "assign":
        value = _assignee(raw)
    elif action == "set_priority":
        value = _priority(raw)
    elif action in ("add_tags", "remove_tags"):
        value = normalise_tags(_listed(raw))
        if not value:
            raise _Refused(_("Name at least one tag."))
    elif action == "set_status":
        value = _status(raw)
    elif action == "add_note":
        value = _text(raw) if len(str(raw or "")) <= 5000 else str(raw)[:5000]
    elif action == "notify":
        value = _recipient(raw)
    else:
        value = _macro(raw)
    return {"action": action, "value": value}


def validate(*, kind: str, event_kinds: list, conditions: list, actions: list) -> tuple[list, list, list]:
    """The rule's event kinds, conditions and actions in their stored form, or ValidationError naming
    every problem by field and row ("Condition 2: ..."). Reads the database (ids must exist)."""
    errors: dict[str, list[str]] = {}
    time_rule = kind == "on_time"
    if kind not in ("on_event", "on_time"):
        errors["kind"] = [_("Choose whether the rule runs on events or on a schedule.")]
    known = {value for value, _label in EVENT_KINDS}
    kinds = list(dict.fromkeys(str(k) for k in (event_kinds or [])))
    if time_rule:
        kinds = []
    elif not kinds:
        errors["event_kinds"] = [_("Choose at least one event the rule reacts to.")]
    elif unknown := [k for k in kinds if k not in known]:
        errors["event_kinds"] = [_("Unknown events: %(kinds)s.") % {"kinds": ", ".join(unknown)}]

    cleaned_conditions, cleaned_actions = [], []
    if not isinstance(conditions, list) or len(conditions) > MAX_CONDITIONS:
        errors["conditions"] = [_("Conditions must be a list of at most %(n)s rows.") % {"n": MAX_CONDITIONS}]
    else:
        for number, row in enumerate(conditions, start=1):
            try:
                if not isinstance(row, dict):
                    raise _Refused(_("Each condition needs a field, an operator and a value."))
                cleaned_conditions.append(clean_condition(row, time_rule=time_rule))
            except _Refused as problem:
                errors.setdefault("conditions", []).append(_("Condition %(n)s: %(problem)s") % {"n": number, "problem": problem})
    if time_rule and "conditions" not in errors:
        fields = {(c["field"], c["op"]) for c in cleaned_conditions}
        if not fields & {("status", "is"), ("status", "in")}:
            errors["conditions"] = [_("A time rule needs a condition “Status is” or “Status is one of”: it reads only tickets in those statuses.")]
        elif not any(c["field"].startswith("hours_since") and c["op"] == "gte" for c in cleaned_conditions):
            errors["conditions"] = [_("A time rule needs an “Hours since … is at least” condition, or it would act on tickets at once.")]

    if not isinstance(actions, list) or not actions or len(actions) > MAX_ACTIONS:
        errors["actions"] = [_("Give between 1 and %(n)s actions.") % {"n": MAX_ACTIONS}]
    else:
        for number, row in enumerate(actions, start=1):
            try:
                if not isinstance(row, dict):
                    raise _Refused(_("Each action needs an action and a value."))
                cleaned_actions.append(clean_action(row))
            except _Refused as problem:
                errors.setdefault("actions", []).append(_("Action %(n)s: %(problem)s") % {"n": number, "problem": problem})
    if errors:
        raise ValidationError(errors)
    return kinds, cleaned_conditions, cleaned_actions


# Meaning: conditions as one filter on Ticket ------------------------------------------------------


def _negate(op: str, q: Q) -> Q:
    return ~q if op in ("is_not", "not_contains") else q


def _choice(column: str, condition: dict) -> Q:
    op, value = condition["op"], condition["value"]
    if op == "in":
        return Q(**{f"{column}__in": value})
    if op in ("gte", "lte"):
        return Q(**{f"{column}__{op}": value})
    return _negate(op, Q(**{column: value}))


def _owner_q(condition: dict) -> Q:
    op, value = condition["op"], condition["value"]
    values = value if op == "in" else [value]
    q = Q(pk__in=[])
    ids = [v for v in values if v != "unassigned"]
    if ids:
        q |= Q(owner_id__in=ids)
    if "unassigned" in values:
        q |= Q(owner__isnull=True)
    return ~q if op == "is_not" else q


def _text_q(column: str, condition: dict) -> Q:
    op, value = condition["op"], condition["value"]
    lookup = "icontains" if op in ("contains", "not_contains") else "iexact"
    return _negate(op, Q(**{f"{column}__{lookup}": value}))


def _words_q(column: str, condition: dict) -> Q:
    op, value = condition["op"], condition["value"]
    values = value if op == "in" else [value]
    q = Q(pk__in=[])
    for word in values:
        q |= Q(**{f"{column}__iexact": word})
    return ~q if op == "is_not" else q


def _domain_q(condition: dict) -> Q:
    op, value = condition["op"], condition["value"]
    values = value if op == "in" else [value]
    q = Q(pk__in=[])
    for domain in values:
        q |= Q(customer__email__iendswith=f"@{domain}")
    return ~q if op == "is_not" else q


def _tag_q(condition: dict) -> Q:
    # Exists, not a join: two tag conditions on one join would ask one tag row to have two names.
    has = Exists(Ticket.tags.through.objects.filter(ticket_id=OuterRef("pk"), tag__name=condition["value"]))
    return _negate(condition["op"], Q(has))


def _custom_q(condition: dict) -> Q:
    key, op, value = condition["field"][len(CUSTOM_FIELD_PREFIX):], condition["op"], condition["value"]
    column = f"fields__{key}"
    if op in ("gte", "lte"):
        return Q(**{f"{column}__{op}": value})
    q = Q(**{f"{column}__icontains": value}) if op in ("contains", "not_contains") else Q(**{column: value})
    if op in ("is_not", "not_contains"):
        # A ticket without the field "is not" any value and contains no text.
        return ~q | Q(**{f"{column}__isnull": True})
    return q


def _hours_q(column: str, condition: dict, now: datetime) -> Q:
    edge = now - timedelta(hours=condition["value"])
    # At least N hours ago: at or before the edge; at most N hours ago: after it.
    return Q(**{f"{column}__lte": edge}) if condition["op"] == "gte" else Q(**{f"{column}__gte": edge})


def condition_q(condition: dict, now: datetime) -> Q:
    """One stored condition as a filter on Ticket (the message-text condition is not one: see text_matches)."""
    name = condition["field"]
    if name == "text":
        return Q()
    if name.startswith(CUSTOM_FIELD_PREFIX):
        return _custom_q(condition)
    columns = {"status": "status", "priority": "priority", "team": "team_id", "channel": "channel", "organisation": "organisation_id"}
    if name in columns:
        return _choice(columns[name], condition)
    if name == "owner":
        return _owner_q(condition)
    if name == "tags":
        return _tag_q(condition)
    if name == "subject":
        return _text_q("subject", condition)
    if name == "customer_email":
        return _text_q("customer__email", condition)
    if name == "customer_domain":
        return _domain_q(condition)
    if name == "customer_tier":
        return _words_q("customer__tier", condition)
    if name == "organisation_tier":
        return _words_q("organisation__tier", condition)
    if name == "hours_since_created":
        return _hours_q("created_at", condition, now)
    if name == "hours_since_updated":
        return _hours_q("updated_at", condition, now)
    if name == "hours_since_status_changed":
        return _hours_q("status_changed_at", condition, now)
    raise AssertionError(name)


def status_changed_at():
    """When the ticket's status last changed: its latest status event (read through event_ticket_at),
    else when it was created."""
    latest = (
        Event.objects.filter(ticket_id=OuterRef("pk"), kind__in=STATUS_CHANGE_KINDS).order_by("-at", "-id").values("at")[:1]
    )
    return Coalesce(Subquery(latest), "created_at")


def matching(conditions: list, *, now: datetime, tickets: QuerySet | None = None) -> QuerySet:
    """The tickets (of `tickets`, else all unmerged ones) that meet every condition but message text.
    Status conditions filter first, so a status index narrows the rows before anything else is read;
    the time of the last status change is computed only for the tickets left."""
    queryset = tickets if tickets is not None else Ticket.objects.all()
    queryset = queryset.filter(merged_into__isnull=True)
    ordered = sorted(conditions, key=lambda c: c["field"] != "status")
    if "status_changed_at" not in queryset.query.annotations and any(
        condition["field"] == "hours_since_status_changed" for condition in ordered
    ):
        queryset = queryset.alias(status_changed_at=status_changed_at())
    for condition in ordered:
        queryset = queryset.filter(condition_q(condition, now))
    return queryset


def text_matches(conditions: list, text: str | None) -> bool:
    """Whether the triggering message's text meets the message-text conditions (no message: only
    "does not contain" can hold)."""
    folded = (text or "").casefold()
    for condition in conditions:
        if condition["field"] != "text":
            continue
        found = str(condition["value"]).casefold() in folded
        if found != (condition["op"] == "contains"):
            return False
    return True


def uses_text(conditions: list) -> bool:
    return any(condition["field"] == "text" for condition in conditions)
