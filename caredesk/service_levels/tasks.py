"""Background work for service targets: the sweep every minute, and the emails about breaches."""

from django_tasks import task

from caredesk.notifications.defaults import Kind
from caredesk.system import schedule

CHECK_EVERY_SECONDS = 60


@task()
def check_targets() -> None:
    """Flag targets at risk and breach those past due (sweep.py); safe to run twice or at once."""
    from . import sweep

    sweep.sweep()


@task()
def tell_owners_of_breaches(target_ids: list[int]) -> None:
    """Email each breached target's ticket owner, once per target however often this runs. Tickets in
    a team's queue (no owner) have nobody to tell here; the escalation ladder takes them up."""
    from caredesk.conversations.tasks import _notify_once
    from caredesk.notifications.values import for_ticket, person

    from .models import Target
    from .queries import describe_due

    targets = Target.objects.filter(pk__in=target_ids, state=Target.State.BREACHED).select_related(
        "ticket__owner", "ticket__team", "ticket__customer"
    )
    for target in targets.order_by("pk"):
        ticket = target.ticket
        if not ticket.owner or not ticket.owner.email or not ticket.owner.is_active:
            continue
        _notify_once(
            f"target-breached:{target.pk}",
            kind=Kind.TARGET_BREACHED,
            ticket=ticket,
            to=ticket.owner.email,
            values=for_ticket(
                ticket,
                agent=person(ticket.owner),
                target={"name": target.get_kind_display(), "due": describe_due(target.due_at)},
            ),
        )


schedule.register("check_targets", every_seconds=CHECK_EVERY_SECONDS, task=check_targets)
