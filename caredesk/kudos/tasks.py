"""Background work for kudos: route a customer's message, tell the praised and their leads. Safe to run twice."""

from django.db import transaction
from django_tasks import task


@task()
def route_compliment(message_id: int) -> None:
    """Classify one customer message and make kudos of its praise (services.route_message; idempotent)."""
    from caredesk.conversations.models import Message

    from . import services

    message = Message.objects.select_related("ticket").filter(pk=message_id).first()
    if message is not None:
        services.route_message(message)


def _values(kudos) -> dict:
    from caredesk.notifications.values import absolute, for_ticket, person

    compliment = {
        "text": kudos.text,
        "source": kudos.get_source_display(),
        "logged_by": str(kudos.logged_by) if kudos.logged_by_id else "",
        "url": absolute(kudos.get_absolute_url()),
        "wall_url": absolute(f"/kudos/?team={kudos.team_id}"),
    }
    if kudos.ticket_id:
        return for_ticket(kudos.ticket, agent=person(kudos.person), compliment=compliment)
    return {
        "ticket": {"reference": "", "subject": "", "status": "", "url": ""},
        "customer": {"name": "", "first_name": "", "email": ""},
        "team": {"name": kudos.team.name},
        "portal_url": "",
        "agent": person(kudos.person),
        "compliment": compliment,
    }


@task()
def tell_praised(kudos_id: int) -> None:
    """Email the praised person and their team's leads (their managers), once per kudos and address."""
    from caredesk.accounts.models import User
    from caredesk.mail import outbox
    from caredesk.mail.models import OutboundEmail
    from caredesk.notifications.defaults import Kind
    from caredesk.notifications.rendering import render
    from caredesk.system.idempotency import once

    from .models import Kudos

    kudos = Kudos.objects.select_related("person", "team", "ticket__customer", "ticket__team", "logged_by").filter(
        pk=kudos_id
    ).first()
    if kudos is None:
        return
    email = render(Kind.COMPLIMENT, team=kudos.team, context=_values(kudos))
    if email is None:  # switched off by an admin
        return
    leads = User.objects.filter(memberships__team=kudos.team, role=User.Role.LEAD, is_active=True).order_by("pk")
    addresses = [kudos.person.email] if kudos.person.is_active else []
    addresses += [lead.email for lead in leads]
    for address in dict.fromkeys(a for a in addresses if a):
        with transaction.atomic(), once(f"kudos:{kudos.pk}:{address.lower()}") as first_time:
            if first_time:
                outbox.queue(
                    kind=OutboundEmail.Kind.NOTIFICATION, ticket=kudos.ticket, to=address,
                    subject=email.subject, body_text=email.body,
                )
