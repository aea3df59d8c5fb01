"""Reads for the email channel: which ticket an email belongs to, and which team new email goes to."""

import re
from collections.abc import Iterable

from django.conf import settings

from caredesk.accounts.models import Team
from caredesk.conversations.models import Ticket

from . import batch
from .models import InboundEmail, Mailbox, OutboundEmail
from .parsing import Parsed

# "[#123]" as caredesk writes it in the subjects of its emails. Up to 18 digits: a longer number is no
# ticket of ours and would overflow the id column in the lookup.
TICKET_TOKEN = re.compile(r"\[#(\d{1,18})\]")
# The kinds of email we send that a customer receives and may answer (see _by_thread_headers).
CUSTOMER_KINDS = (OutboundEmail.Kind.REPLY, OutboundEmail.Kind.ACKNOWLEDGEMENT)


class NoTeam(LookupError):
    """There is no team to give new email tickets to; the message says what to do."""


def receiving_team(name: str | None = None) -> Team:
    """The team that new email tickets go to: the team named `name`, else the one named by
    settings.CAREDESK_EMAIL_TEAM, else the first team by name. Raises NoTeam when none fits."""
    if name:
        return _team_named(name, f'There is no team named "{name}".')
    if setting := getattr(settings, "CAREDESK_EMAIL_TEAM", None):
        return _team_named(setting, f'CAREDESK_EMAIL_TEAM names no team: "{setting}".')
    team = Team.objects.order_by("name", "pk").first()
    if team is None:
        raise NoTeam("There is no team to give email tickets to yet; make a team first.")
    return team


def _team_named(name: str, error: str) -> Team:
    team = Team.objects.filter(name__iexact=name.strip()).order_by("pk").first()
    if team is None:
        raise NoTeam(error)
    return team


def email_addresses() -> dict[str, str]:
    """The desk's own addresses (settings.CAREDESK_EMAIL_ADDRESSES, lower case) and the team name each
    one's mail goes to. Empty when unset: then mail to any address is taken."""
    addresses = getattr(settings, "CAREDESK_EMAIL_ADDRESSES", None) or {}
    return {address.strip().lower(): team for address, team in addresses.items()}


def team_for_recipients(addresses: Iterable[str], default: Team | None) -> Team | None:
    """The team new tickets from an email go to: the team of its first recipient that is one of the desk's
    addresses (email_addresses), else `default`. A mapped team that no longer exists is passed over: the
    email still arrives, for the next recipient's team or the default."""
    known = email_addresses()
    addresses = [address.strip().lower() for address in addresses]
    for address in addresses:
        if name := known.get(address):
            team = Team.objects.filter(name__iexact=name.strip()).order_by("pk").first()
            if team is not None:
                return team
    # An IMAP mailbox's address also names its team: mail a server delivers straight to `caredesk smtpd`
    # for support@ goes where the support@ mailbox's mail goes.
    # Few mailboxes per desk: compared in Python, whatever case the admin typed the address in.
    teams = {address.lower(): team_id for address, team_id in Mailbox.objects.order_by("-pk").values_list("address", "team_id")}
    for address in addresses:
        if address in teams:
            return Team.objects.get(pk=teams[address])
    return default


def mailbox_address_of(team: Team | None) -> str:
    """The address customers write to for `team`: its first enabled mailbox's, or "" when it has none."""
    if team is None:
        return ""
    mailbox = Mailbox.objects.filter(team=team, enabled=True).exclude(address="").order_by("pk").first()
    return mailbox.address if mailbox else ""


def ticket_replied_to(parsed: Parsed) -> Ticket | None:
    """The ticket an email continues, or None for a new request. In order: the ticket of a message we
    received or sent whose Message-ID is in In-Reply-To, then References (newest first); then a "[#123]" token in
    the subject, but only for a ticket of the sender's own: a subject is easy to copy, and a stranger must
    never write into someone else's case."""
    return _by_thread_headers(parsed) or _by_subject_token(parsed)


def thread_ids(parsed: Parsed) -> list[str]:
    """The Message-IDs an email's thread headers name, in the order they are tried: In-Reply-To, then
    References newest first."""
    return list(dict.fromkeys([*parsed.in_reply_to, *reversed(parsed.references)]))


def tickets_by_message_id(message_ids: Iterable[str]) -> dict[str, Ticket]:
    """The ticket each of these Message-IDs names, as the thread headers are read (ticket_replied_to), in
    three queries: a batch of inbound email reads those its emails name first once, at its start
    (batch.Batch.threads)."""
    found = _ticket_ids_named(list(set(message_ids) - {""}))
    tickets = Ticket.objects.in_bulk(set(found.values())) if found else {}
    return {message_id: tickets[pk] for message_id, pk in found.items() if pk in tickets}


def message_ids_known(message_ids: Iterable[str]) -> set[str]:
    """Of these Message-IDs, those of an email the desk has received (stored, whatever became of it) or sent:
    two queries, none for no ids."""
    wanted = list(set(message_ids) - {""})
    if not wanted:
        return set()
    known = set(OutboundEmail.objects.filter(message_id__in=wanted).values_list("message_id", flat=True))
    return known | set(InboundEmail.objects.filter(message_id__in=wanted).values_list("message_id", flat=True))


def _by_thread_headers(parsed: Parsed) -> Ticket | None:
    wanted = thread_ids(parsed)
    if not wanted:
        return None
    # In a batch, the id an email names first was looked up for the whole batch at its start. Looked up
    # again: an id not found then, and one that an email of the batch carries (processed earlier in the
    # batch, it may name a ticket now).
    current = batch.current()
    if current is not None and wanted[0] in current.threads and wanted[0] not in current.message_ids:
        return current.threads[wanted[0]]
    found = _ticket_ids_named(wanted)
    for message_id in wanted:
        if message_id in found:
            return Ticket.objects.get(pk=found[message_id])
    return None


def _ticket_ids_named(message_ids: list[str]) -> dict[str, int]:
    """Message-ID -> the ticket of the email we received or sent with it."""
    # What we sent is what most replies name. Only email a customer got counts: an agent answering a
    # notification must not write into the ticket as if they were the customer.
    found = dict(
        OutboundEmail.objects.filter(message_id__in=message_ids, ticket__isnull=False, kind__in=CUSTOMER_KINDS)
        .values_list("message_id", "ticket_id")
    )
    found |= dict(
        InboundEmail.objects.filter(message_id__in=message_ids, desk_message__isnull=False)
        .exclude(message_id="")
        .order_by("received_at", "pk")
        .values_list("message_id", "desk_message__ticket_id")
    )
    return found


def original_in_flight(parsed: Parsed, *, or_waiting: bool = False) -> bool:
    """Whether an email this one's thread headers name was stored and is being processed right now by
    another worker (its row locked: PostgreSQL; SQLite has one writer, so never), or, with `or_waiting`, is
    stored and not processed yet at all (its task is queued, or its worker died and the task will be given
    back). Its ticket does not exist for this transaction yet: taken for a new request now, this email would
    open a second ticket. Asked only for an email whose thread found no ticket, so it costs nothing on the
    common path."""
    wanted = list(dict.fromkeys([*parsed.in_reply_to, *parsed.references]))
    if not wanted:
        return False
    waiting = InboundEmail.objects.filter(message_id__in=wanted, status=InboundEmail.Status.STORED).exclude(
        message_id=""
    )
    count = waiting.count()
    if not count or or_waiting:
        return bool(count)
    free = len(waiting.select_for_update(of=("self",), skip_locked=True).values_list("pk", flat=True))
    return free < count


def _by_subject_token(parsed: Parsed) -> Ticket | None:
    if not parsed.from_address:
        return None
    for ticket_id in TICKET_TOKEN.findall(parsed.subject):
        ticket = Ticket.objects.filter(pk=int(ticket_id), customer__email__iexact=parsed.from_address).first()
        if ticket is not None:
            return ticket
    return None


def attach_deliveries(messages: list) -> None:
    """Set on each message the delivery state of its email (the latest one, for a reply): delivery_id,
    delivery_status, delivery_sent_at and delivery_error; None for messages not emailed. One query for all
    the replies among them (none without any): as four subqueries of the messages' own query it cost the
    ticket page 4 ms more, building them and running them for every row (measured at 10^6 tickets)."""
    from caredesk.conversations.models import Message

    replies = [message.pk for message in messages if message.kind == Message.Kind.REPLY]
    latest: dict[int, tuple] = {}
    if replies:
        rows = (
            OutboundEmail.objects.filter(kind=OutboundEmail.Kind.REPLY, desk_message_id__in=replies)
            .order_by("desk_message_id", "pk")
            .values_list("desk_message_id", "pk", "status", "sent_at", "last_error")
        )
        for message_id, *state in rows:  # in id order: the latest email of each message is kept
            latest[message_id] = tuple(state)
    for message in messages:
        state = latest.get(message.pk, (None, None, None, None))
        message.delivery_id, message.delivery_status, message.delivery_sent_at, message.delivery_error = state
