"""Writes for the customer side: requests from the web form and the portal, and log-in links by email.

Permission is the caller's: the web form is open to anyone (behind its honeypot and rate limit), the
portal's pages check the customer first. Requests themselves are written by conversations.services.
"""

import logging
from collections.abc import Sequence
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from caredesk.accounts.models import Team, User
from caredesk.conversations import services as conversations
from caredesk.conversations.models import Ticket
from caredesk.customers.models import Customer
from caredesk.customers.services import customer_for_email
from caredesk.mail import outbox
from caredesk.mail.models import OutboundEmail

from . import login_links

logger = logging.getLogger(__name__)


def receiving_team() -> Team | None:
    """The team web requests go to: settings.CAREDESK_WEBFORM_TEAM by name, else the first team made.
    None when there is no team at all, and the form cannot take requests."""
    name = getattr(settings, "CAREDESK_WEBFORM_TEAM", None)
    if name:
        team = Team.objects.filter(name=name).first()
        if team:
            return team
        # A typo in the setting must not turn customers away; the log says where their requests went.
        logger.warning("CAREDESK_WEBFORM_TEAM names no team (%r); web requests go to the first team", name)
    return Team.objects.order_by("pk").first()


def take_request(
    *, name: str, email: str, subject: str, message: str, team: Team, files: Sequence = ()
) -> tuple[Ticket, bool]:
    """A request from the public web form: the customer (found or made by address) and their ticket,
    then a confirmation email with a link to follow it. Returns the ticket and whether the email went.
    Raises ValidationError (a refused attachment) with nothing saved, not even a new customer."""
    with transaction.atomic():
        customer = customer_for_email(email, name=name)
        ticket = conversations.open_ticket(
            customer=customer, subject=subject, body=message, team=team, channel=Ticket.Channel.WEB,
            files=files,
        )
    return ticket, _send_receipt(ticket)


def take_portal_request(
    customer: Customer, *, subject: str, message: str, team: Team, by: User, files: Sequence = ()
) -> Ticket:
    """A request from a logged-in customer: they follow it in the portal, so no email is needed."""
    return conversations.open_ticket(
        customer=customer, subject=subject, body=message, team=team, channel=Ticket.Channel.PORTAL, by=by,
        files=files,
    )


def customer_of(user: User) -> Customer:
    """The customer a portal user writes as; one is made from their address if an admin made the user
    without one."""
    customer = getattr(user, "customer", None)
    if customer is not None:
        return customer
    customer = customer_for_email(user.email, name=user.get_full_name())
    Customer.objects.filter(pk=customer.pk, user__isnull=True).update(user=user)
    customer.refresh_from_db()
    if customer.user_id != user.pk:
        raise ValidationError(
            _("Your log-in is not linked to your customer record yet; please email us instead.")
        )
    return customer


def portal_user_for(customer: Customer) -> User | None:
    """The user `customer` logs in as, made (role customer, no password) and linked the first time.
    None when their address belongs to staff: a staff account never logs in by emailed link."""
    if customer.user_id:
        user = customer.user
        return user if user.is_active and user.is_customer else None
    with transaction.atomic():
        user = User.objects.filter(email=customer.email).first()
        if user is None:
            first, _space, last = customer.name.strip().partition(" ")
            user = User.objects.create_user(
                customer.email, None, first_name=first[:150], last_name=last[:150], role=User.Role.CUSTOMER
            )
        elif not user.is_customer or Customer.objects.filter(user=user).exists():
            return None
        # Conditional, so two first log-ins at once cannot link two users to one customer.
        if not Customer.objects.filter(pk=customer.pk, user__isnull=True).update(user=user):
            customer.refresh_from_db()
            return customer.user if customer.user and customer.user.is_customer else None
        customer.user = user
    return user


def send_login_link(email: str, *, next_url: str = "") -> None:
    """Email a one-time log-in link if a customer has this address; otherwise do nothing, so the answer
    never tells anyone whether an address is known."""
    customer = Customer.objects.select_related("user").filter(email=email.strip().lower()).first()
    if customer is None:
        return
    user = portal_user_for(customer)
    if user is None:
        return
    context = {"customer": customer, "url": _link_url(user, next_url), "minutes": _minutes()}
    _send(_("Your link to log in"), "portal/email/login_link.txt", context, customer.email, kind=OutboundEmail.Kind.LOGIN_LINK)


def _send_receipt(ticket: Ticket) -> bool:
    customer = ticket.customer
    user = portal_user_for(customer)
    context = {
        "ticket": ticket,
        "customer": customer,
        "url": _link_url(user, reverse("portal:ticket", args=[ticket.pk])) if user else "",
        "login_url": _absolute(reverse("portal:login")),
        "minutes": _minutes(),
    }
    subject = _("[%(reference)s] We have your request: %(subject)s") % {
        "reference": ticket.reference,
        "subject": ticket.subject,
    }
    template, kind = "portal/email/request_received.txt", OutboundEmail.Kind.ACKNOWLEDGEMENT
    return _send(subject, template, context, customer.email, kind=kind, ticket=ticket)


def _send(subject: str, template: str, context: dict, to: str, *, kind: str, ticket: Ticket | None = None) -> bool:
    """Put the email in the outbox (mail.outbox), which sends it and retries. Log-in links (in both kinds
    sent from here) stay in the database only until the email has gone: the outbox wipes the body then."""
    try:
        outbox.queue(
            kind=kind, ticket=ticket, to=to, subject=subject, body_text=render_to_string(template, context),
            reply_to=outbox.reply_address(ticket) if ticket else "",
        )
    except ValidationError:
        logger.exception("could not queue %s to a customer", template)
        return False
    return True


def safe_next(url: str | None) -> str:
    """`url` if it is a page of the portal on this site, else "" (no open redirects through log-in)."""
    if url and url.startswith("/portal/") and url_has_allowed_host_and_scheme(url, allowed_hosts=None):
        return url
    return ""


def _link_url(user: User, next_url: str = "") -> str:
    path = reverse("portal:login_link", args=[login_links.issue(user)])
    if next_url := safe_next(next_url):
        path += "?" + urlencode({"next": next_url})
    return _absolute(path)


def _absolute(path: str) -> str:
    return settings.CAREDESK_BASE_URL.rstrip("/") + path


def _minutes() -> int:
    return int(login_links.LIFETIME.total_seconds() // 60)


def decoy_reference() -> str:
    """A believable reference for a submission caught by the honeypot, which saved nothing."""
    latest = Ticket.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    return f"#{latest + 1}"
