"""Writes for outgoing email: every email caredesk sends is stored first (OutboundEmail), then sent by a
task, exactly once.

- `queue` stores the rendered email in the caller's transaction and queues its send task with it, so the
  change that caused an email and the email commit or vanish together.
- `send` claims the row (queued -> sending, committed before the mail server is called), sends it, and
  records the outcome: sent; queued again with back-off on a temporary failure (4xx, no connection);
  failed with the server's answer on a permanent one (5xx) or after the last retry. `send_many` does the
  same for several emails over one connection to the mail server (a batch's acknowledgements, the sweep).
- A worker that dies between handing the email over and recording it leaves the row `sending`;
  `give_up_stale` marks it `unknown` after LEASE and it is never sent again automatically, because the
  mail server may already have it. A person may `resend` it: the same row, the same Message-ID, so a
  client that got both copies shows one.
"""

import logging
import re
import smtplib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import make_msgid, parseaddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection as db_connection, transaction
from django.db.models import F, Prefetch, Q, QuerySet, prefetch_related_objects
from django.template.loader import render_to_string
from django.utils.html import escape, linebreaks
from django_tasks import task_backends

from caredesk.accounts.models import User
from caredesk.conversations import events
from caredesk.conversations.models import Attachment, Event, Message, Ticket
from caredesk.notifications.defaults import Kind
from caredesk.notifications.rendering import render_text
from caredesk.notifications.rendering import wording as wording_of
from caredesk.notifications.values import absolute, for_ticket, person
from caredesk.system import clock
from caredesk.system.memo import memo
from caredesk.system.queue import later

from . import batch, parsing, queries, tasks
from .models import RESENDABLE, SECRET_KINDS, InboundEmail, OutboundEmail
from .queries import CUSTOMER_KINDS

logger = logging.getLogger(__name__)

# Waits after the 1st, 2nd, ... temporary failure; after the last the email has failed.
RETRY_DELAYS = [timedelta(minutes=minutes) for minutes in (1, 5, 30, 120)]
# A send that has not finished after this long never will: its worker stopped (see give_up_stale).
# Well above EMAIL_TIMEOUT, so a slow but live send is never taken for a dead one.
LEASE = timedelta(minutes=10)
# Enough ancestry for any client to thread; long References headers get folded or cut by servers.
MAX_REFERENCES = 20
STALE_ERROR = "Sending was cut off (caredesk stopped); the mail server may have it. Resend if the customer did not get it."
REPEATED_RE = re.compile(r"^(?:re:\s*){2,}", re.IGNORECASE)
LOGIN_LINK_WIPED = "(Not kept: this email held a log-in link, which is not stored once the email has gone.)"


class TemporaryFailure(Exception):
    """The mail server or the way to it failed in a way that may pass: try again later."""


class PermanentFailure(Exception):
    """The mail server refused the email for good (5xx): trying again would be refused the same way."""


def domain() -> str:
    """The domain of caredesk's Message-IDs: CAREDESK_EMAIL_DOMAIN, else DEFAULT_FROM_EMAIL's domain."""
    configured = getattr(settings, "CAREDESK_EMAIL_DOMAIN", "")
    from_domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2]
    return (configured or from_domain or "caredesk.invalid").lower()


def reply_address(ticket: Ticket | None) -> str:
    """The address a customer's answer should go to so that it comes back to this ticket's desk: the
    ticket team's mailbox, else CAREDESK_EMAIL_REPLY_TO, else DEFAULT_FROM_EMAIL."""
    team = ticket.team if ticket is not None else None
    team_address = memo(("mailbox address", team and team.pk), lambda: queries.mailbox_address_of(team))
    return team_address or getattr(settings, "CAREDESK_EMAIL_REPLY_TO", "") or settings.DEFAULT_FROM_EMAIL


def new_message_id() -> str:
    return parsing.normalise_id(make_msgid(domain=domain()))


@transaction.atomic
def queue(
    *,
    kind: str,
    to: str,
    subject: str,
    body_text: str,
    body_html: str = "",
    ticket: Ticket | None = None,
    desk_message: Message | None = None,
    reply_to: str = "",
    in_reply_to: str = "",
    references: Sequence[str] = (),
    attachments: Iterable = (),
) -> OutboundEmail:
    """Store one email and queue its sending, in the caller's transaction. Plain text is required; the
    HTML part is made from it when not given. Raises ValidationError (nothing stored) without an address."""
    outbound = compose(
        kind=kind, to=to, subject=subject, body_text=body_text, body_html=body_html, ticket=ticket,
        desk_message=desk_message, reply_to=reply_to, in_reply_to=in_reply_to, references=references,
    )
    attachments = list(attachments)
    outbound.attachment_count = len(attachments)
    outbound.save(force_insert=True)
    if attachments:  # .set([]) would still read the (empty) current set
        outbound.attachments.set(attachments)
    _queue_send(outbound)
    return outbound


def queue_many(emails: list[OutboundEmail]) -> list[OutboundEmail]:
    """Store emails made by `compose` in one INSERT and queue their sending, in the caller's transaction
    (the acknowledgements of a batch of inbound email). No savepoint of its own: the caller decides what a
    failure undoes."""
    OutboundEmail.objects.bulk_create(emails)
    for outbound in emails:
        _queue_send(outbound)
    return emails


def compose(
    *,
    kind: str,
    to: str,
    subject: str,
    body_text: str,
    body_html: str = "",
    ticket: Ticket | None = None,
    desk_message: Message | None = None,
    reply_to: str = "",
    in_reply_to: str = "",
    references: Sequence[str] = (),
) -> OutboundEmail:
    """The email `queue` stores, not stored yet. Raises ValidationError without an address."""
    if "@" not in parseaddr(to)[1]:
        raise ValidationError(f"Cannot email {to or 'nobody'}: that is no email address.")
    return OutboundEmail(
        kind=kind,
        ticket=ticket,
        desk_message=desk_message,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
        reply_to=reply_to,
        subject=" ".join(subject.split()),  # a header is one line
        message_id=new_message_id(),
        in_reply_to=in_reply_to,
        references=" ".join(references),
        body_text=body_text,
        body_html=body_html or linebreaks(escape(body_text)),
    )


def queue_reply(message: Message) -> OutboundEmail:
    """Store an agent's public reply as an email to the customer that threads with what they sent us."""
    ticket = message.ticket
    thread = thread_of(ticket)
    context = {"ticket": ticket, "message": message, "portal_url": absolute(f"/portal/tickets/{ticket.pk}/")}
    # The admins' wording (notifications) for the text part; a reply is never switched off.
    wording = render_text(*wording_of(Kind.REPLY, team=ticket.team)[:2], for_ticket(ticket, message=message, agent=person(message.author)))
    return queue(
        kind=OutboundEmail.Kind.REPLY,
        to=ticket.customer.email,
        subject=reply_subject(wording.subject, ticket),
        body_text=wording.body,
        body_html=render_to_string("mail/email/reply.html", context),
        ticket=ticket,
        desk_message=message,
        reply_to=reply_address(ticket),
        in_reply_to=thread.in_reply_to,
        references=thread.references,
        attachments=message.attachments.all(),
    )


@dataclass
class Thread:
    """The threading headers of our next email on a ticket (normalised Message-IDs)."""

    in_reply_to: str
    references: list[str]


def thread_of(ticket: Ticket) -> Thread:
    """In-Reply-To: the customer's latest email on the ticket; References: the ticket's Message-IDs,
    received and sent, oldest first, ending with that one, at most MAX_REFERENCES (the first kept: it
    names the thread's root for clients that thread by it)."""
    inbound = list(
        InboundEmail.objects.filter(ticket=ticket, status=InboundEmail.Status.PROCESSED)
        .exclude(message_id="")
        .values_list("received_at", "message_id")
    )
    outbound = list(
        OutboundEmail.objects.filter(ticket=ticket, kind__in=CUSTOMER_KINDS)
        .values_list("created_at", "message_id")
    )
    in_reply_to = max(inbound)[1] if inbound else ""
    ids = [message_id for _at, message_id in sorted(inbound + outbound) if message_id != in_reply_to]
    ids = list(dict.fromkeys(ids)) + ([in_reply_to] if in_reply_to else [])
    if len(ids) > MAX_REFERENCES:
        ids = [ids[0], *ids[-(MAX_REFERENCES - 1):]]
    return Thread(in_reply_to, ids)


def reply_subject(subject: str, ticket: Ticket) -> str:
    """A reply's subject as the admins' wording rendered it, with one "Re:" at most (the ticket's own
    subject may start with one) and the token mail.queries.TICKET_TOKEN recognises, `[#123]`, added
    once: the wording may leave it out, and threading by subject needs it."""
    subject = REPEATED_RE.sub("Re: ", subject)
    token = f"[{ticket.reference}]"
    return subject if token in subject else f"{subject} {token}"


def send(outbound_id: int) -> OutboundEmail | None:
    """Send one queued email if it is due; safe to run any number of times, at once or in turn: only the
    run that claims the row sends. Returns the email as it is now (None if it no longer exists).
    Call it outside a transaction, as the worker does (with the ImmediateBackend of tests it runs inside
    the caller's, which is harmless there: one process, no second worker to race)."""
    send_many([outbound_id])
    return OutboundEmail.objects.filter(pk=outbound_id).first()


def send_many(outbound_ids: Sequence[int]) -> None:
    """Send the emails of `outbound_ids` that are queued and due, in that order, over one connection to
    the mail server. They are read in one query, but each is claimed on its own just before it is sent,
    as `send` always did: a crash costs at most the email in flight (left `sending`, then `unknown`), and
    the ones after it stay queued for the next run. The outcome of one email and the claim of the next are
    one UPDATE (see _record_and_claim). Safe to run any number of times, at once or in turn."""
    by_id = {outbound.pk: outbound for outbound in _ready(OutboundEmail.objects.filter(pk__in=outbound_ids), clock.now())}
    ready = [by_id[pk] for pk in dict.fromkeys(outbound_ids) if pk in by_id]  # in the order asked, each once
    if not ready:
        return
    carrying = [outbound for outbound in ready if outbound.attachment_count]
    prefetch_related_objects(carrying, Prefetch("attachments", queryset=Attachment.objects.order_by("pk")))
    connection = get_connection()
    try:
        claimed = _claim(ready[0])
        for outbound, following in zip(ready, [*ready[1:], None], strict=True):
            if claimed:
                claimed = _send_claimed(outbound, connection, following)
            elif following is not None:  # another run took this one since it was read
                claimed = _claim(following)
    finally:
        connection.close()


def _claim(outbound: OutboundEmail) -> bool:
    """Claim the email if it is still queued and due. The claim is a conditional UPDATE in autocommit:
    committed before the mail server is called, so of two workers exactly one sends, and a crash after
    it leaves the row `sending` (then `unknown`)."""
    now = clock.now()
    return bool(_ready(OutboundEmail.objects.filter(pk=outbound.pk), now).update(**_claim_changes(now)))


def _send_claimed(outbound: OutboundEmail, connection, following: OutboundEmail | None) -> bool:
    """Send the claimed `outbound`, record how it went and claim `following`; whether it was claimed."""
    try:
        _deliver(outbound, connection)
    except TemporaryFailure as error:
        connection.close()  # the next email opens a fresh connection: this one may be broken
        _retry_or_fail(outbound, str(error))
    except PermanentFailure as error:
        return _record_and_claim(outbound, OutboundEmail.Status.FAILED, following, error=str(error))
    else:
        return _record_and_claim(outbound, OutboundEmail.Status.SENT, following)
    return following is not None and _claim(following)


def _ready(emails: QuerySet, now) -> QuerySet:
    """Of `emails`, those queued whose time has come."""
    return emails.filter(_is_ready(now))


def _is_ready(now) -> Q:
    return Q(status=OutboundEmail.Status.QUEUED) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))


def _claim_changes(now) -> dict:
    return {"status": OutboundEmail.Status.SENDING, "claimed_at": now, "attempts": F("attempts") + 1}


def give_up_stale(now=None) -> int:
    """Mark emails still `sending` after LEASE as `unknown`: their worker stopped between handing them to
    the mail server and recording it. Never sent again without a person (`resend`): a duplicate is worse
    than a question. Returns how many."""
    now = now or clock.now()
    stale = OutboundEmail.objects.filter(status=OutboundEmail.Status.SENDING, claimed_at__lt=now - LEASE)
    # One by one through _finish: a send finishing right now wins, and log-in links are wiped as well.
    rows = stale.only("pk", "kind")
    finished = [_finish(row, OutboundEmail.Status.UNKNOWN, error=STALE_ERROR) for row in rows]
    return sum(1 for outbound in finished if outbound is not None)


def due(now=None, *, limit: int = 200):
    """Queued emails whose time has come, oldest first, at most `limit` (one sweep stays short; the next
    takes the rest): what a periodic sweep sends. Besides backends without delayed tasks, it catches any
    send task a non-database queue lost."""
    return _ready(OutboundEmail.objects.all(), now or clock.now()).order_by("created_at", "pk")[:limit]


def resend(outbound: OutboundEmail, *, by: User) -> OutboundEmail:
    """Queue a failed or unknown email again: the same row and Message-ID, a fresh round of retries.
    The caller has checked that `by` may reply on its ticket. Raises ValidationError otherwise."""
    with transaction.atomic():
        requeued = OutboundEmail.objects.filter(
            pk=outbound.pk, status__in=RESENDABLE
        ).exclude(kind__in=SECRET_KINDS).update(
            status=OutboundEmail.Status.QUEUED, attempts=0, next_attempt_at=None, claimed_at=None
        )
        if not requeued:
            raise ValidationError(
                "Only an email that failed, bounced or whose delivery is unknown can be sent again, and never one that"
                " held a log-in link (ask the customer to request a new link)."
            )
        was = {OutboundEmail.Status.FAILED: "failed", OutboundEmail.Status.UNKNOWN: "an unknown delivery"}.get(
            outbound.status, "bounced"
        )
        if outbound.ticket_id:  # on the ticket's record: who decided to send it again, and why it needed it
            events.record(
                outbound.ticket, Event.Kind.EMAIL_RESENT, by=by, data={"email": outbound.pk, "to": outbound.to, "was": was}
            )
        outbound.refresh_from_db()
        _queue_send(outbound)
    outbound.refresh_from_db()
    return outbound


# Internals ---------------------------------------------------------------------------------------


def _queue_send(outbound: OutboundEmail, *, run_after=None) -> None:
    if run_after is None:
        if not batch.collect_send(outbound.pk):  # in a batch of inbound email: one send task for all
            later(tasks.send_email, outbound_id=outbound.pk)
    elif task_backends[tasks.send_email.backend].supports_defer:
        later(tasks.send_email.using(run_after=run_after), outbound_id=outbound.pk)
    # Otherwise (the ImmediateBackend of tests and small set-ups) nothing is queued now: running at once
    # would find the email not due and stop, and the periodic sweep (tasks.send_due_emails) sends it
    # when it is. This is also why a retry can never recurse.


def _deliver(outbound: OutboundEmail, connection) -> None:
    """Hand the email to Django's email backend through `connection` (opened here when it is not open: kept
    open for the next email); raise TemporaryFailure or PermanentFailure with the server's answer."""
    try:
        email = _email_of(outbound)
        connection.open()
        email.connection = connection
        email.send()
    except smtplib.SMTPRecipientsRefused as error:
        answers = list(error.recipients.values())
        text = "; ".join(_answer(code, reply) for code, reply in answers)
        if all(500 <= code < 600 for code, _reply in answers):
            raise PermanentFailure(text) from error
        raise TemporaryFailure(text) from error
    except smtplib.SMTPResponseException as error:
        text = _answer(error.smtp_code, error.smtp_error)
        if 500 <= error.smtp_code < 600:
            raise PermanentFailure(text) from error
        raise TemporaryFailure(text) from error
    except (smtplib.SMTPException, OSError) as error:  # refused or dropped connection, timeout
        raise TemporaryFailure(f"{type(error).__name__}: {error}") from error
    except Exception as error:  # noqa: BLE001 - other backends (anymail) have their own errors; retry them
        logger.exception("outbound email %s: the email backend failed", outbound.pk)
        raise TemporaryFailure(f"{type(error).__name__}: {error}") from error


def _email_of(outbound: OutboundEmail) -> EmailMultiAlternatives:
    headers = {"Message-ID": f"<{outbound.message_id}>"}
    if outbound.in_reply_to:
        headers["In-Reply-To"] = f"<{outbound.in_reply_to}>"
    if outbound.references:
        headers["References"] = " ".join(f"<{reference}>" for reference in outbound.references.split())
    if outbound.is_automatic:
        headers["Auto-Submitted"] = "auto-generated"  # RFC 3834: auto-responders must not answer it
    email = EmailMultiAlternatives(
        subject=outbound.subject,
        body=outbound.body_text,
        from_email=outbound.from_email,
        to=[outbound.to],
        reply_to=[outbound.reply_to] if outbound.reply_to else None,
        headers=headers,
    )
    if outbound.body_html:
        email.attach_alternative(outbound.body_html, "text/html")
    # In pk order (send_many prefetched them so); not read at all for an email stored without any.
    for attachment in outbound.attachments.all() if outbound.attachment_count else ():
        with attachment.file.open("rb") as file:
            email.attach(attachment.filename, file.read(), attachment.content_type)
    return email


def _answer(code: int, reply) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return f"{code} {' '.join(text.split())}"


def _retry_or_fail(outbound: OutboundEmail, error: str) -> None:
    attempts = OutboundEmail.objects.values_list("attempts", flat=True).get(pk=outbound.pk)
    if attempts > len(RETRY_DELAYS):
        _record(outbound, OutboundEmail.Status.FAILED, error=f"{error} (gave up after {attempts} tries)")
        return
    run_after = clock.now() + RETRY_DELAYS[attempts - 1]
    with transaction.atomic():
        OutboundEmail.objects.filter(pk=outbound.pk, status=OutboundEmail.Status.SENDING).update(
            status=OutboundEmail.Status.QUEUED, next_attempt_at=run_after, last_error=error
        )
        _queue_send(outbound, run_after=run_after)
    logger.warning("outbound email %s not sent, retry at %s: %s", outbound.pk, run_after, error)


def _finish(outbound: OutboundEmail, status: str, *, error: str = "") -> OutboundEmail | None:
    """Record the final outcome of a send; a log-in link's body is wiped with it. Returns the email, or
    None when it was no longer `sending` (another outcome was recorded first)."""
    if not _record(outbound, status, error=error):
        return None
    return OutboundEmail.objects.get(pk=outbound.pk)


def _record(outbound: OutboundEmail, status: str, *, error: str = "") -> bool:
    """_finish without reading the email back: whether the outcome was recorded."""
    sending = OutboundEmail.objects.filter(pk=outbound.pk, status=OutboundEmail.Status.SENDING)
    return bool(sending.update(**_outcome_changes(outbound, status, error)))


def _record_and_claim(outbound: OutboundEmail, status: str, following: OutboundEmail | None, *, error: str = "") -> bool:
    """_record(outbound) and _claim(following) in one UPDATE: a statement (and a commit) per email sent
    instead of two, when sending was half of the worker's statements on busy mail. Each row gets its own
    changes (CASE on the id). Written as SQL: built through the ORM, its CASE expressions cost more Python
    than the statement they saved; its conditions and changes are those of _record (_outcome_changes) and
    _claim (_is_ready, _claim_changes): change them together. Returns whether `following` was claimed."""
    if following is None:
        _record(outbound, status, error=error)
        return False
    now = clock.now()
    ops, meta = db_connection.ops, OutboundEmail._meta
    table = ops.quote_name(meta.db_table)
    column = {field.name: ops.quote_name(field.column) for field in meta.concrete_fields}
    stamp = ops.adapt_datetimefield_value
    done_changes = {
        name: stamp(value) if isinstance(value, datetime) else value
        for name, value in _outcome_changes(outbound, status, error).items()
    }
    pk, params, sets = column[meta.pk.name], [], []
    for name, value in done_changes.items():  # status, last_error, and sent_at or the wiped body
        claimed = "%s" if name == "status" else column[name]
        sets.append(f"{column[name]} = CASE WHEN {pk} = %s THEN %s ELSE {claimed} END")
        params += [outbound.pk, value] + ([OutboundEmail.Status.SENDING] if name == "status" else [])
    sets.append(f"{column['claimed_at']} = CASE WHEN {pk} = %s THEN {column['claimed_at']} ELSE %s END")
    sets.append(f"{column['attempts']} = CASE WHEN {pk} = %s THEN {column['attempts']} ELSE {column['attempts']} + 1 END")
    params += [outbound.pk, stamp(now), outbound.pk]
    due, state = column["next_attempt_at"], column["status"]
    # Each row's condition sits in a CASE so that the primary key is the only index the plan can use: with
    # the conditions ORed, PostgreSQL's generic plan for this prepared statement took the status index on a
    # young table and read every queued email for each one sent (2 ms a send with 1,300 queued).
    where = (
        f"{pk} IN (%s, %s) AND CASE WHEN {pk} = %s THEN {state} = %s"
        f" ELSE {state} = %s AND ({due} IS NULL OR {due} <= %s) END"
    )
    params += [outbound.pk, following.pk, outbound.pk, OutboundEmail.Status.SENDING, OutboundEmail.Status.QUEUED]
    params += [stamp(now)]
    with db_connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {', '.join(sets)} WHERE {where}", params)
        updated = cursor.rowcount
    if updated != 1:
        return updated == 2
    # One row changed: which? Only this email's outcome sets its status to `status` (a stale sweep sets
    # `unknown`), so if it reads so, the claim was the one that failed: another run took `following`.
    return not OutboundEmail.objects.filter(pk=outbound.pk, status=status).exists()


def _outcome_changes(outbound: OutboundEmail, status: str, error: str) -> dict:
    changes = {"status": status, "last_error": error}
    if status == OutboundEmail.Status.SENT:
        changes["sent_at"] = clock.now()
    if outbound.carries_secret:
        changes.update(body_text=LOGIN_LINK_WIPED, body_html="")
    if status == OutboundEmail.Status.FAILED:
        logger.warning("outbound email %s failed: %s", outbound.pk, error)
    return changes
