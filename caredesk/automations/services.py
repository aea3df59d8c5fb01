"""Writes on rules. The caller has checked that `by` may edit automations (permissions.can_edit_automations);
these check the rule itself and raise ValidationError naming each problem. Nothing is saved then."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from caredesk.accounts.models import User
from caredesk.system import clock

from . import engine, rules
from .models import Rule


def cleaned(
    *, name: str, kind: str, event_kinds: list, conditions: list, actions: list, rule: Rule | None = None, **other
) -> Rule:
    """An unsaved rule with these values in their stored form (for saving, or for a dry run), or
    ValidationError with a message per field."""
    errors = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("Give the rule a name.")]
    elif Rule.objects.filter(name__iexact=name).exclude(pk=rule.pk if rule else None).exists():
        errors["name"] = [_("Another rule is called “%(name)s”; names tell rules apart in the log.") % {"name": name}]
    try:
        event_kinds, conditions, actions = rules.validate(
            kind=kind, event_kinds=event_kinds, conditions=conditions, actions=actions
        )
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    draft = Rule(pk=rule.pk if rule else None, name=name[:100], kind=kind, event_kinds=event_kinds, conditions=conditions, actions=actions)
    for field in ("description", "enabled", "position"):
        if field in other:
            setattr(draft, field, other[field])
    return draft


@transaction.atomic
def save_rule(rule: Rule | None, *, by: User, **values) -> Rule:
    """Create a rule (rule None) or change one. Counters and history stay with the rule."""
    draft = cleaned(rule=rule, **values)
    if rule is None:
        draft.created_by = by
        draft.created_at = clock.now()
        draft.updated_at = draft.created_at
        draft.save()
        saved = draft
    else:
        saved = Rule.objects.select_for_update().get(pk=rule.pk)
        for field in ("name", "description", "enabled", "position", "kind", "event_kinds", "conditions", "actions"):
            setattr(saved, field, getattr(draft, field))
        saved.updated_at = clock.now()
        saved.save()
    transaction.on_commit(engine.forget_reacting_kinds)
    engine.forget_reacting_kinds()
    return saved


@transaction.atomic
def set_enabled(rule: Rule, *, enabled: bool, by: User) -> Rule:
    rule = Rule.objects.select_for_update().get(pk=rule.pk)
    if rule.enabled != enabled:
        rule.enabled = enabled
        rule.updated_at = clock.now()
        rule.save(update_fields=["enabled", "updated_at"])
    engine.forget_reacting_kinds()
    return rule


@transaction.atomic
def delete_rule(rule: Rule, *, by: User) -> None:
    """Remove the rule and its runs; the AUTOMATION_APPLIED events on tickets stay (they name it)."""
    Rule.objects.filter(pk=rule.pk).delete()
    engine.forget_reacting_kinds()
