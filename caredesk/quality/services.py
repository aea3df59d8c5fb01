"""Writes for reply quality: score a sent reply once, score every reply still without a score.

Scoring is pure (caredesk.quality.scoring); this module finds the reply's context (the customer message
it answers) and stores the result. Both functions are safe to run twice: a reply has one score at most.
"""

import hashlib
from functools import cache

from django.db import IntegrityError, transaction

from caredesk.conversations.models import Event, Message
from caredesk.conversations import hooks

from . import scoring
from .models import BEHAVIOURS, ReplyScore
from .scoring import model as scoring_model


@cache
def scorer_version() -> str:
    if not scoring_model.WEIGHTS.exists():
        return ""
    return hashlib.sha256(scoring_model.WEIGHTS.read_bytes()).hexdigest()[:12]


def _row(message: Message, customer_message: str) -> ReplyScore:
    result = scoring.score(message.body_text, customer_message)
    return ReplyScore(
        message_id=message.pk,
        ticket_id=message.ticket_id,
        agent_id=message.author_id,
        team_id=message.ticket.team_id,
        at=message.created_at,
        details={
            behaviour: {"spans": [span.as_dict() for span in item.spans], "suggestion": item.suggestion}
            for behaviour, item in result.items()
        },
        scorer=scorer_version(),
        **{behaviour: result[behaviour].score for behaviour in BEHAVIOURS},
    )


def _answered(message: Message) -> str:
    """The latest customer message before the reply: what an 'interested' reply refers to."""
    return (
        Message.objects.filter(ticket_id=message.ticket_id, kind=Message.Kind.CUSTOMER, created_at__lte=message.created_at)
        .order_by("-created_at", "-id")
        .values_list("body_text", flat=True)
        .first()
        or ""
    )


def score_reply(message_id: int) -> ReplyScore | None:
    """Store the scores of one public reply written by an agent. None for notes, customer messages and
    the desk's own automatic replies (no agent to credit), and when the reply was scored already."""
    message = (
        Message.objects.filter(pk=message_id, kind=Message.Kind.REPLY, author__isnull=False)
        .select_related("ticket")
        .first()
    )
    if message is None or ReplyScore.objects.filter(message_id=message_id).exists():
        return None
    row = _row(message, _answered(message))
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        return None  # scored by another worker in the meantime
    return row


def score_missing(*, batch: int = 500) -> int:
    """Score every agent reply that has no score yet, a batch at a time: the replies, then all messages
    of their tickets (for the customer message each answers), then one bulk insert. Returns how many."""
    done = 0
    last_id = 0
    while True:
        replies = list(
            Message.objects.filter(kind=Message.Kind.REPLY, author__isnull=False, quality_score__isnull=True, pk__gt=last_id)
            .select_related("ticket")
            .order_by("pk")[:batch]
        )
        if not replies:
            return done
        last_id = replies[-1].pk
        asked: dict[int, list[tuple]] = {}
        for ticket_id, created_at, pk, body in (
            Message.objects.filter(ticket_id__in={reply.ticket_id for reply in replies}, kind=Message.Kind.CUSTOMER)
            .order_by("created_at", "id")
            .values_list("ticket_id", "created_at", "pk", "body_text")
        ):
            asked.setdefault(ticket_id, []).append((created_at, pk, body))
        rows = []
        for reply in replies:
            before = [body for created_at, _pk, body in asked.get(reply.ticket_id, []) if created_at <= reply.created_at]
            rows.append(_row(reply, before[-1] if before else ""))
        ReplyScore.objects.bulk_create(rows, ignore_conflicts=True)
        done += len(rows)


def queue_scoring(event: Event) -> None:
    """Hook (conversations.hooks.on_event): each public reply is scored in the background after commit.
    Replayed history is scored in bulk afterwards (score_missing), not reply by reply."""
    if event.kind != Event.Kind.REPLIED or not event.actor_id or hooks.replaying_history():
        return
    from caredesk.system.queue import later

    from . import tasks

    later(tasks.score_reply, message_id=event.data["message"])
