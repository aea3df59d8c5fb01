"""Ticket states in the customer's words: they care whether it is with us or with them, not our workflow."""

from django import template
from django.utils.translation import gettext_lazy as _

from caredesk.conversations.models import Ticket

register = template.Library()

# status: (what the customer reads, badge colour, one sentence on what happens next)
BEING_HANDLED = (_("Being handled"), "primary", _("We are working on it and will answer here and by email."))
WORDS = {
    Ticket.Status.PENDING_CUSTOMER: (
        _("Waiting for you"), "warning", _("We need something from you: please reply below."),
    ),
    Ticket.Status.NEW: BEING_HANDLED,
    Ticket.Status.OPEN: BEING_HANDLED,
    Ticket.Status.ON_HOLD: BEING_HANDLED,
    Ticket.Status.SOLVED: (
        _("Solved"),
        "success",
        _("We think this is solved. If anything is still wrong, reply and we will pick it up again."),
    ),
    Ticket.Status.CLOSED: (
        _("Closed"), "secondary", _("This request is closed. Writing to us here starts a new request."),
    ),
}


@register.inclusion_tag("portal/_status_badge.html")
def status_badge(ticket: Ticket) -> dict:
    label, tone, _explanation = WORDS[ticket.status]
    return {"label": label, "tone": tone}


@register.simple_tag
def status_explanation(ticket: Ticket) -> str:
    return WORDS[ticket.status][2]
