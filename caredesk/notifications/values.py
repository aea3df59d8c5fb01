"""The plain values a template sees for a real ticket, with the same names as samples.py."""

from django.conf import settings


def absolute(path: str) -> str:
    return settings.CAREDESK_BASE_URL.rstrip("/") + path


def person(user) -> dict:
    return {"name": str(user), "first_name": user.first_name or str(user)} if user else {"name": "", "first_name": ""}


def for_ticket(ticket, *, message=None, **extra) -> dict:
    """Values for an email about `ticket` (and one of its messages)."""
    customer = ticket.customer
    values = {
        "ticket": {
            "reference": ticket.reference,
            "subject": ticket.subject,
            "status": ticket.get_status_display(),
            "url": absolute(ticket.get_absolute_url()),
        },
        "customer": {"name": customer.name, "first_name": customer.first_name, "email": customer.email},
        "team": {"name": ticket.team.name if ticket.team_id else ""},
        "portal_url": absolute(f"/portal/tickets/{ticket.pk}/"),
        **extra,
    }
    if message is not None:
        values["message"] = {"text": message.body_text}
    return values
