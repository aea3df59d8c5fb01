"""Polling IMAP mailboxes: new messages are stored (services.store_and_queue) and queued for processing.

Where a mailbox has got to is its folder's UIDVALIDITY and the last UID taken. Messages are fetched in runs
(run_size(), FETCH_BYTES); each run is stored and `last_uid` advanced in one transaction, so a poll that
dies half way neither skips nor doubles a message: the next poll starts after the last run committed. The
folder is opened read-only and bodies are fetched with BODY.PEEK, so caredesk never changes what the
mailbox's people see (\\Seen stays as it was).
"""

import imaplib
import logging
import ssl
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from imapclient import IMAPClient
from imapclient.exceptions import LoginError

from caredesk.system import clock

from . import services
from .models import LOOPBACK_HOSTS, InboundEmail, Mailbox

logger = logging.getLogger(__name__)

# A poll holds its mailbox this long past its last sign of life (renewed with each run of messages).
LEASE = timedelta(minutes=10)
# Messages fetched, stored and queued together, in one transaction with one task, are at most as many as
# one processing batch takes (CAREDESK_EMAIL_BATCH_SIZE), and this many bytes beyond a run's first (a big
# message is not held in memory with many others).
FETCH_BYTES = 10 * 1024 * 1024


class MailboxError(Exception):
    """The mailbox could not be read; the message says why in words an admin can act on."""


@dataclass(frozen=True)
class PollResult:
    taken: int = 0  # messages stored by this poll (new or already known)
    more: bool = False  # the batch limit stopped it with messages still waiting
    error: str = ""


def claim(mailbox_id: int) -> Mailbox | None:
    """Take the mailbox for one poll, or None when it is disabled or another worker is polling it. A
    conditional UPDATE rather than a row lock: a poll talks to a server for minutes and commits each
    message on its own, so it cannot sit inside one locking transaction."""
    now = clock.now()
    taken = (
        Mailbox.objects.filter(pk=mailbox_id, enabled=True)
        .exclude(polling_until__gt=now)
        .update(polling_until=now + LEASE)
    )
    return Mailbox.objects.filter(pk=mailbox_id).first() if taken else None


def poll(mailbox: Mailbox) -> PollResult:
    """Take up to batch_size new messages from the mailbox, then release it. Failures (log-in refused,
    network, timeout) are recorded on the mailbox and returned, never raised: one broken mailbox must
    not stop the worker or any other mailbox."""
    try:
        with connected(mailbox) as client:
            taken, more = _take_new_mail(client, mailbox)
    except MailboxError as error:
        logger.warning("mailbox %s could not be polled: %s", mailbox.name, error)
        _finish(mailbox, error=str(error))
        return PollResult(error=str(error))
    except BaseException:
        # Not the mailbox's fault (the database, a bug): let the task fail loudly, but free the mailbox
        # now rather than when the lease runs out. Every message committed so far stays taken.
        Mailbox.objects.filter(pk=mailbox.pk).update(polling_until=None)
        raise
    _finish(mailbox, more=more)
    return PollResult(taken=taken, more=more)


def check(mailbox: Mailbox) -> int:
    """Log in and open the folder; the number of messages in it. Raises MailboxError saying what failed."""
    with connected(mailbox) as client:
        return _open(client, mailbox)[b"EXISTS"]


@contextmanager
def connected(mailbox: Mailbox) -> Iterator[IMAPClient]:
    """A logged-in connection to the mailbox's server. Every way talking to it can fail comes out as
    MailboxError, as it also does inside the block."""
    if mailbox.security == Mailbox.Security.NONE and mailbox.host.strip().lower() not in LOOPBACK_HOSTS:
        raise MailboxError(f"Refusing to send the password to {mailbox.host} without TLS.")
    client = None
    try:
        context = ssl_context()
        client = IMAPClient(
            mailbox.host,
            port=mailbox.port,
            ssl=mailbox.security == Mailbox.Security.SSL,
            ssl_context=context,
            timeout=settings.CAREDESK_IMAP_TIMEOUT_SECONDS,
        )
        if mailbox.security == Mailbox.Security.STARTTLS:
            client.starttls(context)
        client.login(mailbox.username, mailbox.password)
        yield client
    except (imaplib.IMAP4.error, OSError) as error:
        raise MailboxError(_describe(error, mailbox)) from error
    finally:
        if client is not None:
            with suppress(imaplib.IMAP4.error, OSError):
                client.logout()


def ssl_context() -> ssl.SSLContext:
    """The system's certificate checks, against CAREDESK_IMAP_CA_FILE instead of the system's store when
    set (a private CA; the tests' own)."""
    return ssl.create_default_context(cafile=settings.CAREDESK_IMAP_CA_FILE or None)


def _open(client: IMAPClient, mailbox: Mailbox) -> dict:
    # Read-only (EXAMINE): nothing caredesk does can change flags or delete mail in the folder.
    return client.select_folder(mailbox.folder, readonly=True)


def _take_new_mail(client: IMAPClient, mailbox: Mailbox) -> tuple[int, bool]:
    folder = _open(client, mailbox)
    uidvalidity = folder[b"UIDVALIDITY"]
    if mailbox.uidvalidity != uidvalidity:
        _start(mailbox, client, uidvalidity=uidvalidity, exists=folder[b"EXISTS"])
    # "N:*" always includes the highest UID, even when it is below N: keep only what is really new.
    waiting = sorted(uid for uid in client.search(["UID", f"{mailbox.last_uid + 1}:*"]) if uid > mailbox.last_uid)
    batch = waiting[: mailbox.batch_size]
    sizes = {uid: size or 0 for uid, size in _fetch(client, batch, "RFC822.SIZE", b"RFC822.SIZE").items()}
    for run in _runs(batch, sizes):
        _take(client, mailbox, run, sizes)
    return len(batch), len(waiting) > len(batch)


def _start(mailbox: Mailbox, client: IMAPClient, *, uidvalidity: int, exists: int) -> None:
    """First poll, or the server renumbered the folder (a new UIDVALIDITY: restored, recreated). Either
    way UIDs known so far mean nothing; what is in the folder now is old mail. A new mailbox that starts
    from now skips it; otherwise it is taken from UID 1, quietly, and mail taken before is recognised
    by store() (same Message-ID and bytes) rather than made into new tickets."""
    highest = max(client.search(["UID", "*"]), default=0) if exists else 0
    first_poll = mailbox.uidvalidity is None
    if not first_poll:
        logger.warning(
            "mailbox %s: UIDVALIDITY changed from %s to %s, reading the folder again from the start",
            mailbox.name, mailbox.uidvalidity, uidvalidity,
        )
    mailbox.uidvalidity = uidvalidity
    mailbox.old_mail_until_uid = highest
    mailbox.last_uid = highest if first_poll and not mailbox.import_old_mail else 0
    mailbox.save(update_fields=["uidvalidity", "old_mail_until_uid", "last_uid"])


def _runs(uids: list[int], sizes: dict[int, int]) -> Iterator[list[int]]:
    """The UIDs in order, in runs fetched and stored together: at most run_size(), and FETCH_BYTES beyond a
    run's first message (one over the size cap counts nothing: only its headers are fetched)."""
    cap, most = settings.CAREDESK_EMAIL_MAX_MESSAGE_BYTES, run_size()
    run, total = [], 0
    for uid in uids:
        size = sizes.get(uid, 0)
        size = size if size <= cap else 0
        if run and (len(run) >= most or total + size > FETCH_BYTES):
            yield run
            run, total = [], 0
        run.append(uid)
        total += size
    if run:
        yield run


def run_size() -> int:
    """Messages stored together with one processing task: one batch's worth, which that task processes in
    one transaction (services.process_listed)."""
    return settings.CAREDESK_EMAIL_BATCH_SIZE


def _take(client: IMAPClient, mailbox: Mailbox, uids: list[int], sizes: dict[int, int]) -> None:
    """Fetch a run of messages, store them (services.store_and_queue: one INSERT, one task) and move last_uid
    past the last, all in one transaction. One too big to download is recorded by its headers, failed,
    saying where it was left."""
    cap = settings.CAREDESK_EMAIL_MAX_MESSAGE_BYTES
    too_large = {uid for uid in uids if sizes.get(uid, 0) > cap}
    whole = [uid for uid in uids if uid not in too_large]
    # PEEK: reading a message must not mark it \Seen for the people who work the mailbox.
    fetched = _fetch(client, whole, "BODY.PEEK[]", b"BODY[]")
    fetched |= _fetch(client, sorted(too_large), "BODY.PEEK[HEADER]", b"BODY[HEADER]")
    emails = []
    for uid in uids:
        if fetched.get(uid) is None:  # deleted from the folder between the search and the fetch
            logger.info("mailbox %s: UID %s was gone before it could be fetched", mailbox.name, uid)
            continue
        failed = (
            {"status": InboundEmail.Status.FAILED,
             "error": f"too large: {sizes[uid]} bytes; left in the mailbox {mailbox.name} at UID {uid}"}
            if uid in too_large else {}
        )
        emails.append(services.unsaved(
            fetched[uid], source=InboundEmail.Source.IMAP, team=mailbox.team,
            quiet=uid <= mailbox.old_mail_until_uid, **failed,
        ))
    with transaction.atomic():
        services.store_and_queue(emails)
        # Only forwards: a poll whose lease ran out and a newer one must not move each other back.
        Mailbox.objects.filter(pk=mailbox.pk, last_uid__lt=uids[-1]).update(
            last_uid=uids[-1], polling_until=clock.now() + LEASE
        )
    mailbox.last_uid = uids[-1]


def _fetch(client: IMAPClient, uids: list[int], request: str, part: bytes) -> dict[int, bytes | None]:
    return {uid: data.get(part) for uid, data in client.fetch(uids, [request]).items()} if uids else {}


def _finish(mailbox: Mailbox, *, more: bool = False, error: str = "") -> None:
    """Record the poll and release the mailbox. With more mail waiting the next poll is due at once."""
    now = clock.now()
    next_poll_at = now if more else now + timedelta(seconds=mailbox.poll_every_seconds)
    Mailbox.objects.filter(pk=mailbox.pk).update(
        last_polled_at=now, next_poll_at=next_poll_at, polling_until=None,
        last_error=error, last_error_at=now if error else None,
    )


def _describe(error: Exception, mailbox: Mailbox) -> str:
    where = f"{mailbox.host}:{mailbox.port}"
    if isinstance(error, LoginError):
        return f"{where} refused the log-in for {mailbox.username}: {_text(error)}"
    if isinstance(error, ssl.SSLCertVerificationError):
        return f"The certificate of {where} could not be verified: {error.verify_message}"
    if isinstance(error, TimeoutError):
        return f"{where} did not answer in time (CAREDESK_IMAP_TIMEOUT_SECONDS={settings.CAREDESK_IMAP_TIMEOUT_SECONDS})."
    if isinstance(error, OSError):
        return f"Could not talk to {where}: {error.strerror or error}"
    return f"{where} said: {_text(error)}"


def _text(error: Exception) -> str:
    text = str(error)
    # imapclient passes the server's answer on as bytes; its repr is noise to an admin.
    if text.startswith(("b'", 'b"')):
        text = text[2:-1]
    return text
