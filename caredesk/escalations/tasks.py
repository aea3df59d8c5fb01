"""Background work for escalations: tell the people of a level, and climb automatic escalations nobody
resolved in time. Each task takes ids and is safe to run twice."""

from django_tasks import task

from caredesk.conversations.tasks import _notify_once
from caredesk.notifications.defaults import Kind
from caredesk.system import schedule

CLIMB_EVERY_SECONDS = 60


@task()
def escalate_automatically(event_ids: list[int]) -> None:
    """Escalate the tickets of breached targets and broken promises (escalations.services.escalate_breaches),
    each in its own transaction: one ticket that cannot be escalated does not hold back the others.
    Running twice escalates nothing twice: a ticket already escalated is left as it is."""
    from django.db import transaction

    from caredesk.conversations.models import Event

    from . import services

    for event in Event.objects.filter(pk__in=event_ids).select_related("ticket").order_by("pk"):
        with transaction.atomic():
            services.escalate_on_breach(event)


@task()
def tell_escalation_level(escalation_id: int) -> None:
    """Email each person at the escalation's level, once per escalation and person."""
    from caredesk.notifications.values import for_ticket, person

    from . import services
    from .models import Escalation

    escalation = (
        Escalation.objects.select_related("ticket__team", "ticket__customer", "team", "raised_by")
        .filter(pk=escalation_id)
        .first()
    )
    if escalation is None or not escalation.is_open:  # resolved before the email went: nothing to ask for
        return
    ladder = services.ladder_for(escalation.team)
    escalated_by = person(escalation.raised_by) if escalation.raised_by else {"name": "caredesk", "first_name": "caredesk"}
    for colleague in services.level_people(ladder, escalation.level):
        if not colleague.email:
            continue
        _notify_once(
            f"escalated:{escalation.pk}:{colleague.pk}",
            kind=Kind.ESCALATED,
            ticket=escalation.ticket,
            to=colleague.email,
            values=for_ticket(
                escalation.ticket,
                agent=person(colleague),
                escalated_by=escalated_by,
                level=services.level_label(ladder, escalation.level),
                reason=escalation.reason,
            ),
        )


@task()
def climb_escalations() -> None:
    """Every minute: automatic escalations still open after their ladder's delay climb one level."""
    from . import services

    services.climb_due()


schedule.register("climb escalations", every_seconds=CLIMB_EVERY_SECONDS, task=climb_escalations)
