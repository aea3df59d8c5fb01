"""`caredesk smtpd`: an SMTP or LMTP receiver that a mail server delivers the desk's mail to.

A message is answered 250 only once its raw bytes are committed to the database (services.store), with
the task that processes it queued in the same transaction. Anything that goes wrong before that answers
451, a temporary failure: the sending server keeps the message and delivers it again later, so nothing
it handed over is lost. Parsing happens afterwards, in the task, where a failure leaves the email stored.

Messages delivered at the same moment over several connections are stored together, in one transaction
(a group commit, store_group): while one group is being stored, the messages arriving meanwhile wait for
the next. A quiet desk stores each message at once; a busy one commits once for many.
"""

import asyncio
import logging
import signal
import socket
from collections.abc import Callable

from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP, Envelope, Session
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections, transaction

from caredesk.accounts.models import Team
from caredesk.system import queue

from . import queries, services, tasks
from .models import InboundEmail

logger = logging.getLogger(__name__)

ACCEPTED = "250 2.0.0 Stored for the desk"
TEMPORARY_FAILURE = "451 4.3.0 Could not store the message now; try again later"
UNKNOWN_RECIPIENT = "550 5.1.1 No such address at this desk"
GROUP_LIMIT = 100  # messages stored in one transaction at most


def store(raw: bytes, *, recipients: list[str], default_team: Team | None) -> InboundEmail:
    """Store one delivered message for the team of its recipients and queue its processing, in one
    transaction. Runs in a worker thread, like a request: stale connections are closed before and after.
    A message stored before and not finished is queued again: delivering it again is how a sender retries."""
    close_old_connections()
    try:
        team = queries.team_for_recipients(recipients, default_team)
        with transaction.atomic():
            inbound, created = services.store(raw, source=InboundEmail.Source.SMTP, team=team)
            _queue_processing([(inbound, created)])
        return inbound
    finally:
        close_old_connections()


def _queue_processing(kept: list[tuple[InboundEmail, bool]]) -> None:
    """A process_inbound task for each email stored new, or stored before and not finished, once each. A
    task per email rather than per group: the batch that processes an email deletes the tasks of the others
    it finished with it, where one task for a group would run for nothing."""
    waiting = (inbound.pk for inbound, created in kept if created or inbound.status in services.UNFINISHED)
    for pk in dict.fromkeys(waiting):
        queue.later(tasks.process_inbound, inbound_id=pk)


def store_group(
    deliveries: list[tuple[bytes, list[str]]], *, default_team: Team | None
) -> list[InboundEmail | Exception]:
    """Store messages delivered at the same moment ((raw bytes, recipients) each), in one transaction
    (services.store_all) with a task for each new one; one stored before and not finished is queued again.
    Should that transaction fail, each message is stored on its own (store), so that one message that cannot
    be stored does not turn the others away. Returns, in order, each stored email or what its storing raised."""
    if len(deliveries) == 1:
        raw, recipients = deliveries[0]
        return [store(raw, recipients=recipients, default_team=default_team)]
    close_old_connections()
    try:
        teams = {}  # by recipients: a server's deliveries are mostly to the same few addresses
        for _, recipients in deliveries:
            if (key := tuple(recipients)) not in teams:
                teams[key] = queries.team_for_recipients(recipients, default_team)
        with transaction.atomic():
            kept = services.store_all([
                services.unsaved(raw, source=InboundEmail.Source.SMTP, team=teams[tuple(recipients)])
                for raw, recipients in deliveries
            ])
            _queue_processing(kept)
        return [inbound for inbound, _ in kept]
    except Exception:  # noqa: BLE001 - told apart below, message by message
        logger.exception("could not store %d messages together; storing each on its own", len(deliveries))
    finally:
        close_old_connections()
    results: list[InboundEmail | Exception] = []
    for raw, recipients in deliveries:
        try:
            results.append(store(raw, recipients=recipients, default_team=default_team))
        except Exception as error:  # noqa: BLE001 - answered 451 to its sender alone
            results.append(error)
    return results


class Receiver:
    """The aiosmtpd handler: refuses recipients that are not the desk's, stores what is accepted."""

    def __init__(self, *, default_team: Team | None, lmtp: bool = False):
        self.default_team = default_team
        self.lmtp = lmtp
        self._waiting: list[tuple[bytes, list[str], asyncio.Future]] = []
        self._storing: asyncio.Task | None = None

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        known = queries.email_addresses()
        if known and address.strip().lower() not in known:
            # Not for the desk: refusing it here keeps the receiver from taking mail for anyone else.
            return UNKNOWN_RECIPIENT
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        try:
            inbound = await self._store(raw, list(envelope.rcpt_tos))
        except Exception:  # noqa: BLE001 - whatever failed, nothing was stored: the sender must keep the mail
            logger.exception("could not store a message from %s to %s", envelope.mail_from, envelope.rcpt_tos)
            return self._answer(envelope, TEMPORARY_FAILURE)
        logger.info("stored inbound email %s from %s", inbound.pk, envelope.mail_from)
        return self._answer(envelope, ACCEPTED)

    async def _store(self, raw: bytes, recipients: list[str]) -> InboundEmail:
        """Store the message with the others waiting when the group before them is done (store_group)."""
        future = asyncio.get_running_loop().create_future()
        self._waiting.append((raw, recipients, future))
        if self._storing is None or self._storing.done():
            self._storing = asyncio.create_task(self._store_waiting())
        return await future

    async def _store_waiting(self) -> None:
        while self._waiting:
            group, self._waiting = self._waiting[:GROUP_LIMIT], self._waiting[GROUP_LIMIT:]
            try:
                # Off the event loop: the ORM blocks, and other connections must keep being served meanwhile.
                results = await sync_to_async(store_group, thread_sensitive=False)(
                    [(raw, recipients) for raw, recipients, _ in group], default_team=self.default_team
                )
            except Exception as error:  # noqa: BLE001 - every message of the group is answered 451
                results = [error] * len(group)
            for (_, _, future), result in zip(group, results, strict=True):
                if future.done():  # its connection was cut meanwhile
                    continue
                if isinstance(result, Exception):
                    future.set_exception(result)
                else:
                    future.set_result(result)

    def _answer(self, envelope: Envelope, status: str) -> str:
        """SMTP answers the DATA once; LMTP once per accepted recipient (RFC 2033, 4.2)."""
        if not self.lmtp:
            return status
        return "\r\n".join(status for _ in envelope.rcpt_tos)


class DeskLMTP(LMTP):
    """aiosmtpd's LMTP, but refusing an oversized or malformed DATA once per recipient as LMTP requires:
    aiosmtpd answers it once, and the client, waiting for one answer per recipient, would lose count."""

    # aiosmtpd's own answers to a refused DATA, the only ones it gives after the data instead of a handler.
    DATA_REFUSALS = ("552 Error: Too much mail data", "500 Line too long")

    async def push(self, status):
        if isinstance(status, str) and status.startswith(self.DATA_REFUSALS) and self.envelope:
            for _ in self.envelope.rcpt_tos[1:]:
                await super().push(status)
        await super().push(status)


def protocol(receiver: Receiver, *, hostname: str) -> SMTP:
    """One connection's protocol object: SMTP or LMTP around the receiver, with the size limit."""
    server_class = DeskLMTP if receiver.lmtp else SMTP
    return server_class(
        receiver,
        hostname=hostname,
        data_size_limit=settings.CAREDESK_EMAIL_MAX_MESSAGE_BYTES,
        enable_SMTPUTF8=True,  # international addresses and headers arrive as the client sent them
    )


async def serve(receiver: Receiver, *, host: str, port: int, on_ready: Callable[[], None]) -> None:
    """Listen until SIGINT or SIGTERM, then stop accepting and return. A delivery cut off mid-way gets
    no 250, so its sender delivers it again; one already stored is then recognised and stored once."""
    loop = asyncio.get_running_loop()
    # Looked up once: aiosmtpd would otherwise ask the resolver on every connection.
    hostname = socket.getfqdn()
    server = await loop.create_server(lambda: protocol(receiver, hostname=hostname), host=host, port=port)
    stop = asyncio.Event()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signal_number, stop.set)
    on_ready()
    try:
        await stop.wait()
    finally:
        server.close()
        await server.wait_closed()
