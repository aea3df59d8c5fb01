"""Background work for inbound email. Tasks take ids and are safe to run twice."""

from django_tasks import task

from caredesk.system import schedule


@task()
def process_inbound(inbound_id: int) -> None:
    """Process a stored email and, in the same transaction, other stored emails waiting for a worker
    (services.process_batch). An email processed already is left as it is: the task of an email an
    earlier batch took finds nothing to do, or the next emails waiting."""
    from . import services

    services.process_batch(inbound_id)


@task()
def process_inbound_emails(inbound_ids: list[int]) -> None:
    """Process emails stored together (an IMAP fetch, services.store_all), in batches: one task for all, so
    that storing them costs one task row, not one each (services.process_listed)."""
    from . import services

    services.process_listed(inbound_ids)


@task()
def send_emails(outbound_ids: list[int]) -> None:
    """Send several emails of the outbox over one connection (outbox.send_many: only a queued, due email
    is sent, and only once). Queued by a batch of inbound email for its acknowledgements."""
    from . import outbox

    outbox.send_many(outbound_ids)


@task()
def send_email(outbound_id: int) -> None:
    """Send one email of the outbox (outbox.send, without reading the email back afterwards): only a
    queued, due email is sent, and only once."""
    from . import outbox

    outbox.send_many([outbound_id])


@task()
def send_due_emails() -> None:
    """Send queued emails whose retry time has come (for backends that cannot delay a task, and any send
    task a queue lost). Run it every minute or so."""
    from . import outbox

    outbox.send_many(list(outbox.due().values_list("pk", flat=True)))


@task()
def process_stranded_emails() -> None:
    """Process emails whose own task failed or was lost (services.process_stranded). Run it every minute."""
    from . import services

    services.process_stranded()


@task()
def give_up_stale_sends() -> None:
    """Mark emails left `sending` by a worker that stopped as `unknown` (outbox.give_up_stale): never
    sent again without a person. Run it every few minutes."""
    from . import outbox

    outbox.give_up_stale()


@task()
def poll_mailbox(mailbox_id: int) -> None:
    """Take new mail from one IMAP mailbox (imap.poll). Run twice at once, the second finds the mailbox
    claimed and does nothing; failures are recorded on the mailbox, not raised."""
    from . import imap

    mailbox = imap.claim(mailbox_id)
    if mailbox is not None:
        imap.poll(mailbox)


@task()
def poll_due_mailboxes() -> None:
    """Queue a poll of each enabled mailbox whose time has come (run by the scheduler every few seconds).
    Each mailbox's next_poll_at is moved on as its poll is queued, so a busy queue holds one poll per
    mailbox, not one per tick; the poll sets it again when it finishes."""
    from datetime import timedelta

    from django.db import transaction
    from django.db.models import Q

    from caredesk.system import clock
    from caredesk.system.queue import later

    from .models import Mailbox

    now = clock.now()
    due = Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now)
    for mailbox in Mailbox.objects.filter(due, enabled=True).only("pk", "poll_every_seconds", "next_poll_at"):
        with transaction.atomic():
            # Conditional on the value read: of two schedulers, only one moves it, and only that one queues.
            moved = Mailbox.objects.filter(pk=mailbox.pk, next_poll_at=mailbox.next_poll_at).update(
                next_poll_at=now + timedelta(seconds=mailbox.poll_every_seconds)
            )
            if moved:
                later(poll_mailbox, mailbox_id=mailbox.pk)


schedule.register("poll mailboxes", every_seconds=15, task=poll_due_mailboxes)
schedule.register("send due emails", every_seconds=60, task=send_due_emails)
schedule.register("process stranded emails", every_seconds=60, task=process_stranded_emails)
schedule.register("give up stale sends", every_seconds=300, task=give_up_stale_sends)
