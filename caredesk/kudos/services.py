"""Writes on compliments: routing a customer's message to the people it praises, and logging one by hand.

Routing (hooks.on_event -> tasks.route_compliment -> route_message):
1. The message is classified (classify.py). Only a compliment, or the praise part of a mixed message,
   becomes kudos.
2. Each praised name is matched to staff: the ticket team's agents and leads, plus whoever worked the
   ticket (owner, authors of replies and notes). A full name ("Tom Baker") or a surname after a title
   ("Mr Patel") picks one person; a first name shared by several is resolved by who worked the ticket,
   and left out if still ambiguous.
3. A message that names nobody on the staff goes to the agents who replied on the ticket before it
   (else its owner): they earned it.
4. One Kudos per person and message (a unique constraint: a retried task adds nothing), a
   COMPLIMENT_RECEIVED event on the ticket for each, and after commit an email to the person and the
   team's leads (tasks.tell_praised, once per kudos and address).

History (hooks.replaying_history, the demo's six months): the listener stays quiet; `backfill` routes
the past messages afterwards, recording kudos and events but telling nobody.
"""

import re
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q

from caredesk.accounts import permissions
from caredesk.accounts.models import Team, User
from caredesk.conversations import events, hooks
from caredesk.conversations.models import Event, Message, Ticket
from caredesk.system import clock
from caredesk.system.queue import later

from .classify import TITLES, Classification, classify, fold
from .models import Kudos

EXCERPT = 600  # characters of the customer's words kept on the wall
MAX_TEXT = 2000  # characters of a logged compliment
SOURCE_OF_CHANNEL = {
    Ticket.Channel.EMAIL: Kudos.Source.EMAIL,
    Ticket.Channel.WEB: Kudos.Source.WEB,
    Ticket.Channel.PORTAL: Kudos.Source.WEB,
    Ticket.Channel.PHONE: Kudos.Source.PHONE,
}
SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")


# --- the hook -------------------------------------------------------------------------------------


def on_event(event: Event) -> None:
    """hooks.on_event listener: a customer's first message or reply that praises is routed after commit.
    The classifier is pure Python and fast, so the message is classified here and only praise costs a task:
    most messages are not compliments, and a task each would double the worker's load on busy mail. The
    message just written comes with the event (events.record); one recorded without it is read."""
    if event.kind not in (Event.Kind.CREATED, Event.Kind.CUSTOMER_REPLIED) or hooks.replaying_history():
        return
    message_id = (event.data or {}).get("message")
    if not message_id:
        return
    if event.message is not None and event.message.pk == message_id:
        body = event.message.body_text if event.message.kind == Message.Kind.CUSTOMER else None
    else:
        customer_messages = Message.objects.filter(pk=message_id, kind=Message.Kind.CUSTOMER)
        body = customer_messages.values_list("body_text", flat=True).first()
    result = classify(body) if body else None
    if result is not None and result.kind in ("compliment", "mixed") and result.strong:
        from . import tasks

        later(tasks.route_compliment, message_id=message_id)


# --- matching names to people ---------------------------------------------------------------------


def _key(text: str) -> str:
    return " ".join(fold(text).replace(".", " ").split())


def workers(ticket: Ticket) -> list[User]:
    """Staff who worked the ticket: its owner and the authors of its replies and notes, first reply first."""
    ids = list(
        Message.objects.filter(ticket=ticket, kind__in=[Message.Kind.REPLY, Message.Kind.NOTE], author__isnull=False)
        .order_by("created_at", "id")
        .values_list("author_id", flat=True)
    )
    if ticket.owner_id:
        ids.append(ticket.owner_id)
    order = list(dict.fromkeys(ids))
    people = {u.pk: u for u in User.objects.filter(pk__in=order, is_active=True)}
    return [people[pk] for pk in order if pk in people and people[pk].is_agent_like]


def repliers(ticket: Ticket, *, before: Message | None = None) -> list[User]:
    """Staff who replied to the customer on the ticket (before `message`), first reply first."""
    replies = Message.objects.filter(ticket=ticket, kind=Message.Kind.REPLY, author__isnull=False)
    if before is not None:
        replies = replies.filter(Q(created_at__lt=before.created_at) | Q(created_at=before.created_at, id__lt=before.pk))
    ids = list(dict.fromkeys(replies.order_by("created_at", "id").values_list("author_id", flat=True)))
    people = {u.pk: u for u in User.objects.filter(pk__in=ids, is_active=True)}
    return [people[pk] for pk in ids if pk in people and people[pk].is_agent_like]


def match_names(names: list[str], ticket: Ticket) -> list[User]:
    """The staff each praised name means (see the module docstring); names matching nobody are dropped."""
    worked = workers(ticket)
    worked_ids = {u.pk for u in worked}
    team_staff = list(
        User.objects.filter(memberships__team=ticket.team, is_active=True).filter(
            role__in=[User.Role.AGENT, User.Role.LEAD, User.Role.ADMIN]
        )
    )
    candidates = {u.pk: u for u in team_staff + worked}.values()
    # "Thanks so much! Grace" signed by a customer called Grace thanks nobody by name.
    customer_words = set(_key(ticket.customer.name).split()) if ticket.customer_id else set()
    found: list[User] = []
    for name in names:
        words = [w for w in _key(name).split() if w not in TITLES]
        if not words or set(words) <= customer_words:
            continue
        wanted = " ".join(words)
        full = [u for u in candidates if _key(f"{u.first_name} {u.last_name}") == wanted]
        if len(words) == 1:
            full = [u for u in candidates if _key(u.first_name) == wanted] or [
                u for u in candidates if _key(u.last_name) == wanted
            ]
        if len(full) > 1:  # two Toms on the team: the one who worked the ticket
            full = [u for u in full if u.pk in worked_ids]
        if len(full) == 1 and full[0] not in found:
            found.append(full[0])
    return found


def _without_signature(text: str) -> str:
    """The message without its sign-off and signature ("Many thanks,\nCharlotte T"): the last short lines
    that do not end a sentence, as long as something is left."""
    lines = text.splitlines()
    while len(lines) > 1 and (not lines[-1].strip() or (len(lines[-1].split()) <= 3 and not lines[-1].strip().endswith((".", "!", "?")))):
        lines.pop()
    return "\n".join(lines).strip()


def praise_excerpt(message_text: str, result: Classification) -> str:
    """The customer's words of praise: the whole message for a compliment, the sentences that praise for a
    mixed one (so the wall shows no complaint), cut to EXCERPT characters."""
    text = _without_signature(message_text.strip())
    if result.kind == "mixed":
        praising = [s for s in result.spans if s.label in ("praise", "thanks", "name")]
        kept = [
            m.group().strip()
            for m in SENTENCE.finditer(text)
            if any(m.start() <= s.start < m.end() for s in praising)
        ]
        text = " ".join(kept) or text
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1].rstrip() + "…"


# --- routing --------------------------------------------------------------------------------------


def route_message(message: Message, *, notify: bool = True) -> list[Kudos]:
    """Turn a customer message that praises into kudos for the people it praises (module docstring).
    Safe to run twice: the second run finds the rows of the first and records and sends nothing new.
    Returns the kudos of this message (new or found)."""
    if message.kind != Message.Kind.CUSTOMER:
        return []
    result = classify(message.body_text)
    if result.kind not in ("compliment", "mixed") or not result.strong:
        return []
    ticket = message.ticket
    people = match_names(result.praised_names, ticket)
    how = Kudos.Match.NAMED
    if not people:
        people = repliers(ticket, before=message) or workers(ticket)[:1]
        how = Kudos.Match.WORKED
    excerpt = praise_excerpt(message.body_text, result)
    made = []
    for person in people:
        with transaction.atomic():
            existing = Kudos.objects.filter(message=message, person=person).first()
            if existing:
                made.append(existing)
                continue
            try:
                with transaction.atomic():
                    kudos = Kudos.objects.create(
                        person=person, team_id=ticket.team_id, ticket=ticket, message=message, text=excerpt,
                        source=SOURCE_OF_CHANNEL.get(ticket.channel, Kudos.Source.OTHER), match=how,
                        at=message.created_at,
                    )
            except IntegrityError:  # routed at the same moment by another worker
                made.append(Kudos.objects.get(message=message, person=person))
                continue
            events.record(
                ticket, Event.Kind.COMPLIMENT_RECEIVED, by=None,
                data={"kudos": kudos.pk, "person": person.pk, "message": message.pk, "match": how},
            )
            if notify:
                from . import tasks

                later(tasks.tell_praised, kudos_id=kudos.pk)
            made.append(kudos)
    return made


def backfill(*, since: datetime | None = None) -> int:
    """Route the customer messages already on the desk (after loading history), telling nobody.
    Returns how many kudos were made."""
    messages = Message.objects.filter(kind=Message.Kind.CUSTOMER).select_related("ticket").order_by("id")
    if since:
        messages = messages.filter(created_at__gte=since)
    before = Kudos.objects.count()
    for message in messages.iterator(chunk_size=500):
        # The event is dated when the praise arrived, as it would have been live.
        with clock.travel_to(message.created_at):
            route_message(message, notify=False)
    return Kudos.objects.count() - before


# --- logging by hand ------------------------------------------------------------------------------


@transaction.atomic
def log_compliment(
    *, person: User, text: str, source: str, by: User, team: Team | None = None, ticket: Ticket | None = None
) -> Kudos:
    """Record a compliment received elsewhere (a call, a visit, social media). The caller has checked
    `by` (permissions.can_log_kudos) and that `by` may see the ticket. Raises ValidationError, recording
    nothing, for empty or over-long words, an unknown channel, or a person who is not staff of the team."""
    text = (text or "").strip()
    if not text:
        raise ValidationError("Write what was said; the wall shows the customer's words.")
    if len(text) > MAX_TEXT:
        raise ValidationError(f"Keep what was said to {MAX_TEXT} characters.")
    if source not in Kudos.Source.values:
        raise ValidationError("Pick the channel the compliment came through.")
    if ticket is not None:
        team = ticket.team
    if team is None:
        team = Team.objects.filter(memberships__user=person).order_by("name").first()
    if team is None or not permissions.can_receive_kudos(person, team):
        raise ValidationError(f"{person} is not on the staff of {team or 'any team'}, so cannot be thanked there.")
    kudos = Kudos.objects.create(
        person=person, team=team, ticket=ticket, text=text, source=source, match=Kudos.Match.LOGGED,
        logged_by=by, at=clock.now(),
    )
    if ticket is not None:
        events.record(
            ticket, Event.Kind.COMPLIMENT_RECEIVED, by=by,
            data={"kudos": kudos.pk, "person": person.pk, "match": Kudos.Match.LOGGED, "source": source},
        )
    from . import tasks

    later(tasks.tell_praised, kudos_id=kudos.pk)
    return kudos
