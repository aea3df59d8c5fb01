"""Background work for inbound email. Tasks take ids and are safe to run twice."""

from django_tasks import task


@task()
def process_inbound(inbound_id: int) -> None:
    """Process a stored email (services.process); an email processed already is left as it is."""
    from . import services
    from .models import InboundEmail

    # Only the id is read here: process() reads the row, raw bytes and all, under its lock.
    inbound = InboundEmail.objects.only("pk").filter(pk=inbound_id).first()
    if inbound is not None:
        services.process(inbound)


@task()
def send_email(outbound_id: int) -> None:
    """Send one email of the outbox (outbox.send): only a queued, due email is sent, and only once."""
    from . import outbox

    outbox.send(outbound_id)


@task()
def send_due_emails() -> None:
    """Send queued emails whose retry time has come (for backends that cannot delay a task, and any send
    task a queue lost). Run it every minute or so."""
    from . import outbox

    for outbound_id in outbox.due().values_list("pk", flat=True):
        outbox.send(outbound_id)


@task()
def give_up_stale_sends() -> None:
    """Mark emails left `sending` by a worker that stopped as `unknown` (outbox.give_up_stale): never
    sent again without a person. Run it every few minutes."""
    from . import outbox

    outbox.give_up_stale()
