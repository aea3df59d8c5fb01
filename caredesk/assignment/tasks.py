"""Background routing. Each task takes ids, calls services, and is safe to run twice (route() checks the
ticket still waits, under a lock)."""

from django_tasks import task

from caredesk.system import schedule


@task()
def route_ticket(ticket_id: int) -> None:
    """A ticket arrived in a team's queue (new, or transferred to the queue): route it if it still waits."""
    from caredesk.conversations.models import Ticket

    from . import services

    ticket = Ticket.objects.filter(pk=ticket_id).only("id", "team_id").first()
    if ticket is not None:
        services.route(ticket)


@task()
def pull_waiting_tickets(user_id: int) -> None:
    """An agent became available (or got more room): give them waiting tickets, oldest first."""
    from caredesk.accounts.models import User

    from . import services

    agent = User.objects.filter(pk=user_id, is_active=True).first()
    if agent is not None:
        services.pull_waiting(agent)


@task()
def route_waiting_tickets() -> None:
    """The sweep: tickets that found nobody free when they arrived get another try."""
    from . import services

    services.route_waiting()


schedule.register("route waiting tickets", every_seconds=60, task=route_waiting_tickets)
