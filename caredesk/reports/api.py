"""The care standard and the figures measured against it: metrics rolled up from the event log, dashboards, exports.

`GET /api/v1/reports/standard`: the goals in force, for leads, admins and sales (others: 404, as the pages).
"""

from django.http import Http404
from ninja import Router, Schema

from caredesk.accounts import permissions

from . import standard as care

router = Router(tags=["Reports"])


class GoalOut(Schema):
    metric: str
    label: str
    unit: str
    value: float
    direction: str


@router.get("/reports/standard", response=list[GoalOut])
def standard(request):
    if not permissions.can_see_reports(request.auth):
        raise Http404
    return [
        {"metric": name, "label": str(goal.metric.label), "unit": goal.metric.unit, "value": goal.value,
         "direction": goal.direction}
        for name, goal in care.current_standard().goals.items()
    ]
