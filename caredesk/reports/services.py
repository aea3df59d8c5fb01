"""Writes: the care standard."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from caredesk.system import clock

from . import standard as care
from .models import CareStandard


@transaction.atomic
def set_standard(goals: dict, *, by) -> CareStandard:
    """Store the care standard. The caller has checked permissions.can_edit_standard. Every metric's
    goal is {"value": number or None (no goal), "direction": "at_least" | "at_most"}; anything else is
    refused whole, and nothing is saved."""
    cleaned = {}
    for name, entry in goals.items():
        metric = care.METRICS.get(name)
        if metric is None:
            raise ValidationError(_("There is no metric called %(name)s.") % {"name": name})
        value, direction = entry.get("value"), entry.get("direction", metric.direction)
        if direction not in care.DIRECTIONS:
            raise ValidationError(_("%(metric)s: choose at least or at most.") % {"metric": metric.label})
        if value is not None:
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValidationError(_("%(metric)s: enter a number.") % {"metric": metric.label})
            if not metric.low <= value <= metric.high:
                raise ValidationError(
                    _("%(metric)s: the goal must be between %(low)s and %(high)s.")
                    % {"metric": metric.label, "low": f"{metric.low:g}", "high": f"{metric.high:g}"}
                )
        cleaned[name] = {"value": value, "direction": direction}
    row = CareStandard.objects.select_for_update().order_by("pk").first() or CareStandard()
    row.goals = {**row.goals, **cleaned}
    row.updated_at = clock.now()
    row.updated_by = by
    row.save()
    return row
