"""Reads of stored reply scores, for the ticket page, reports and coaching (keep these signatures).

"Present" means a score of at least 0.5, the scorer's own threshold.
"""

from datetime import datetime

from django.db.models import Avg, Case, Count, F, FloatField, Q, Value, When
from django.db.models.functions import TruncDate

from caredesk.accounts import permissions
from caredesk.conversations.models import Message

from .models import BEHAVIOURS, ReplyScore

PRESENT = 0.5


def _scores(agent_id=None, team_id=None, since=None, until=None, team_ids=None, channel=None):
    rows = ReplyScore.objects.all()
    if channel:
        rows = rows.filter(ticket__channel=channel)
    if agent_id is not None:
        rows = rows.filter(agent_id=agent_id)
    if team_id is not None:
        rows = rows.filter(team_id=team_id)
    if team_ids is not None:
        rows = rows.filter(team_id__in=team_ids)
    if since is not None:
        rows = rows.filter(at__gte=since)
    if until is not None:
        rows = rows.filter(at__lt=until)
    return rows


def _shares() -> dict:
    """Per behaviour, the share of replies where it is present; polite over the replies that ask
    something (its null rows are left out of the average, as Avg leaves out NULL)."""
    return {
        behaviour: Avg(
            Case(
                When(**{f"{behaviour}__gte": PRESENT}, then=Value(1.0)),
                When(**{f"{behaviour}__isnull": True}, then=Value(None)),
                default=Value(0.0),
                output_field=FloatField(),
            )
        )
        for behaviour in BEHAVIOURS
    }


def average_scores(
    agent_id=None, team_id=None, since: datetime | None = None, until: datetime | None = None, team_ids=None,
    channel: str | None = None,
) -> dict[str, float | None]:
    """Per behaviour, the share (0..1) of scored replies where the behaviour is present, over the
    replies of an agent and/or team (or any of `team_ids`, or tickets of a channel) sent in [since, until). None where there is
    no reply to count (polite: no reply that asked anything). One query; replies_scored() gives how many
    were counted."""
    result = _scores(agent_id, team_id, since, until, team_ids, channel).aggregate(**_shares())
    return {behaviour: result[behaviour] for behaviour in BEHAVIOURS}


def replies_scored(agent_id=None, team_id=None, since: datetime | None = None, until: datetime | None = None) -> int:
    """How many scored replies average_scores() counts for the same arguments. One query."""
    return _scores(agent_id, team_id, since, until).count()


def scores_by_day(agent_id=None, team_id=None, since=None, until=None) -> list[dict]:
    """average_scores per day of sending (UTC dates), oldest first: [{"day": date, "replies": n,
    "warm": share, ...}]. One query."""
    rows = (
        _scores(agent_id, team_id, since, until)
        .annotate(day=TruncDate("at"))
        .values("day")
        .annotate(replies=Count("pk"), **_shares())
        .order_by("day")
    )
    return [dict(row) for row in rows]


def best_replies(agent_id: int, limit: int = 5) -> list[Message]:
    """The agent's replies with the best overall score (mean of the behaviours, polite left out when it
    is null), best first; each message carries `.overall` and `.quality_score`. One query."""
    overall = (F("warm") + F("interested") + F("willing") + F("positive") + F("empathy") + Case(
        When(polite__isnull=True, then=Value(0.0)), default=F("polite"), output_field=FloatField()
    )) / Case(When(polite__isnull=True, then=Value(5.0)), default=Value(6.0), output_field=FloatField())
    scores = list(
        ReplyScore.objects.filter(agent_id=agent_id)
        .annotate(overall=overall)
        .order_by("-overall", "-at", "-pk")
        .select_related("message", "message__ticket")[:limit]
    )
    messages = []
    for score in scores:
        message = score.message
        message.overall = score.overall
        message.quality_score = score
        messages.append(message)
    return messages


def for_ticket(user, ticket) -> dict[int, ReplyScore]:
    """The stored scores of a ticket's replies (and those of tickets merged into it), by message id,
    for staff who may see the ticket; empty for anyone else. One query."""
    if not permissions.can_see_reply_scores(user, ticket):
        return {}
    rows = ReplyScore.objects.filter(Q(ticket_id=ticket.pk) | Q(ticket__merged_into_id=ticket.pk))
    return {row.message_id: row for row in rows}
