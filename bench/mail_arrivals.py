"""Emails arriving as caredesk's ways in store them, for the mail benchmarks (run in a Django process).

IMAP stores what one fetch brought (imap.run_size() at a time) in one transaction with one task
(services.store_and_queue); "smtp" stores each email on its own, with its own process_inbound task (as
`caredesk smtpd` does for a message delivered alone); "smtpd" delivers over SMTP to caredesk's own receiver
(smtpd.Receiver on loopback, in this process) from SENDERS connections at once, as a mail server's queue
does, so that messages arriving together are stored together (smtpd.store_group).
"""

from collections.abc import Iterator


def arrive(messages: list[bytes], team, *, way: str = "imap") -> Iterator[int]:
    """Store the emails the `way` given ("imap", "smtp", or "both": runs of one, then the other), yielding
    the number stored so far after each transaction."""
    from django.db import transaction

    from caredesk.mail import imap, services, tasks
    from caredesk.mail.models import InboundEmail
    from caredesk.system.queue import later

    if way == "smtpd":
        yield from delivered(messages, team)
        return
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



SENDERS = 10  # connections a mail server delivers over at once (Postfix's default for one destination: 20)


def delivered(messages: list[bytes], team) -> Iterator[int]:
    """Deliver the emails to `caredesk smtpd`'s receiver over SENDERS connections at once, each kept open
    for its share, yielding the number answered 250 so far as each connection finishes."""
    import smtplib
    import socket
    from concurrent.futures import ThreadPoolExecutor, as_completed

    from aiosmtpd.controller import Controller

    from caredesk.mail import smtpd

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    class Receiver(Controller):
        def factory(self):
            return smtpd.protocol(self.handler, hostname="caredesk.bench")

    def send(share: list[bytes]) -> int:
        with smtplib.SMTP("127.0.0.1", port) as client:
            for raw in share:
                client.sendmail("customer@example.net", ["support@example.com"], as_postfix_sends(raw))
        return len(share)

    controller = Receiver(smtpd.Receiver(default_team=team), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        done = 0
        with ThreadPoolExecutor(SENDERS) as pool:
            for future in as_completed([pool.submit(send, messages[start::SENDERS]) for start in range(SENDERS)]):
                done += future.result()
                yield done
    finally:
        controller.stop()


def as_postfix_sends(raw: bytes, limit: int = 998) -> bytes:
    """The message with each line longer than SMTP allows broken by CRLF and a space, as Postfix sends it
    (smtp_line_length_limit): a few of the corpus's emails have longer lines, which a receiver refuses."""
    lines = []
    for line in raw.splitlines():
        while len(line) > limit:
            lines.append(line[:limit])
            line = b" " + line[limit:]
        lines.append(line)
    return b"\r\n".join(lines) + b"\r\n"
