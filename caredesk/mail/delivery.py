"""What a delivery failure tells the desk: which of our emails bounced, and which address is failing.

A bounce is linked to the email of ours it reports (by the Message-ID in the report), which then shows
"bounced" with the receiving server's words beside the reply on the ticket; every customer address the
report names as failed is marked, so agents see it and no automatic email is sent there. The mark goes
when the customer writes to us from that address again: it works.
"""

from caredesk.conversations.models import Ticket
from caredesk.customers import services as customers
from caredesk.customers.models import Customer
from caredesk.system import clock

from .models import InboundEmail, OutboundEmail
from .parsing import Bounce

# Our email is marked bounced only from these states: a bounce cannot undo a later resend in the queue.
DELIVERED = (OutboundEmail.Status.SENT, OutboundEmail.Status.UNKNOWN, OutboundEmail.Status.SENDING)


def describe(bounce: Bounce) -> str:
    said = " ".join(part for part in (bounce.status, bounce.diagnostic) if part)
    return (said or "The receiving mail server sent the email back.")[:500]


def record_bounce(inbound: InboundEmail, bounce: Bounce) -> Ticket | None:
    """Link the bounce to our email, mark that email bounced and the failed customer addresses failing.
    Returns the ticket of the bounced email, if it was one of ours about a ticket."""
    outbound = (
        OutboundEmail.objects.filter(message_id=bounce.message_id).select_related("ticket").first()
        if bounce.message_id
        else None
    )
    reason = describe(bounce)
    addresses = {address.lower() for address in bounce.recipients}
    if outbound is not None:
        inbound.bounced_email = outbound
        OutboundEmail.objects.filter(pk=outbound.pk, status__in=DELIVERED).update(
            status=OutboundEmail.Status.BOUNCED, last_error=reason
        )
        if not addresses:  # a report that names no address is about the one we wrote to
            addresses = {outbound.to.lower()}
    if addresses:
        Customer.objects.filter(email__in=addresses).update(email_failing_since=clock.now(), email_failure=reason)
        customers.forget()  # a batch's customers read before this one was marked are stale
    return outbound.ticket if outbound is not None else None


def address_works(customer: Customer) -> None:
    """The customer wrote from their address: whatever bounced before, it receives mail now."""
    if customer.email_failing_since is not None:
        Customer.objects.filter(pk=customer.pk).update(email_failing_since=None, email_failure="")
        customer.email_failing_since, customer.email_failure = None, ""
