"""Emails arriving as caredesk's ways in store them, for the mail benchmarks (run in a Django process).

IMAP stores what one fetch brought (imap.run_size() at a time) in one transaction with one task
(services.store_and_queue); `caredesk smtpd` stores each email on its own, with its own process_inbound task.
"""

from collections.abc import Iterator


def arrive(messages: list[bytes], team, *, way: str = "imap") -> Iterator[int]:
    """Store the emails the `way` given ("imap", "smtp", or "both": runs of one, then the other), yielding
    the number stored so far after each transaction."""
    from django.db import transaction

    from caredesk.mail import imap, services, tasks
    from caredesk.mail.models import InboundEmail
    from caredesk.system.queue import later

    run = imap.run_size() if hasattr(imap, "run_size") else 50
    stored = 0
    for start in range(0, len(messages), run):
        chunk = messages[start:start + run]
        by_imap = way == "imap" or (way == "both" and start // run % 2 == 0)
        if by_imap and hasattr(services, "store_and_queue"):
            with transaction.atomic():
                services.store_and_queue(
                    [services.unsaved(raw, source=InboundEmail.Source.IMAP, team=team) for raw in chunk]
                )
            stored += len(chunk)
            yield stored
            continue
        # One at a time: `caredesk smtpd`, and IMAP as it stored before it stored runs (the code of an A/B).
        for raw in chunk:
            with transaction.atomic():
                inbound, created = services.store(raw, source=InboundEmail.Source.SMTP, team=team)
                if created:
                    later(tasks.process_inbound, inbound_id=inbound.pk)
            stored += 1
            yield stored

