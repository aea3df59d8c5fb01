"""Background work for promises: the minute sweep and the owners' reminders. Safe to run twice."""

from django_tasks import task

from caredesk.system import schedule


@task()
def check_promises() -> None:
    """Remind owners of promises falling due; mark overdue open promises broken (services.check)."""
    from . import services

    services.check()


@task()
def remind_owners(promise_ids: list[int]) -> None:
    """Email each promise's owner that it falls due soon, once per promise however often this runs."""
    from caredesk.calendars.services import calendar_for
    from caredesk.conversations.tasks import _notify_once
    from caredesk.notifications.defaults import Kind
    from caredesk.notifications.values import for_ticket, person

    from .models import Promise

    promises = Promise.objects.filter(pk__in=promise_ids, state=Promise.State.OPEN).select_related(
        "owner", "ticket__team__calendar", "ticket__customer"
    )
    for promise in promises:
        owner, ticket = promise.owner, promise.ticket
        if not owner.is_active or not owner.email:
            continue
        due = promise.due_at.astimezone(calendar_for(ticket.team).tz)
        _notify_once(
            f"promise-due:{promise.pk}",
            kind=Kind.PROMISE_DUE,
            ticket=ticket,
            to=owner.email,
            values=for_ticket(
                ticket,
                agent=person(owner),
                promise={"what": promise.what, "due": f"{due:%a} {due.day} {due:%b %Y, %H:%M}"},
            ),
        )


schedule.register("check_promises", every_seconds=60, task=check_promises)
