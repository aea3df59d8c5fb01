"""Reply quality over the API: score a draft reply for the six behaviours.

Agents, leads and admins may call it (permissions.can_score_replies); sales and customers get 403. An
empty reply, or one longer than scoring.MAX_REPLY characters, is 422 with a `detail` sentence.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from ninja import Field, Router, Schema

from caredesk.accounts import permissions
from caredesk.accounts.api import ERRORS

from . import scoring

router = Router(tags=["Reply quality"])


class ScoreIn(Schema):
    reply: str = Field(description="The reply as the agent wrote it (plain text).")
    customer_message: str = Field("", description="The customer's message it answers, if known: 'interested' "
                                  "compares the two.")


class SpanOut(Schema):
    start: int = Field(description="Offset of the first character in `reply`.")
    end: int = Field(description="Offset just past the last character.")
    text: str
    effect: str = Field(description="helped or hurt: whether these words raised or lowered the score")


class BehaviourOut(Schema):
    score: float | None = Field(description="0..1; null for polite when the reply asks nothing.")
    present: bool | None = Field(description="score >= 0.5; null for polite when the reply asks nothing.")
    spans: list[SpanOut]
    suggestion: str = Field(description="A concrete rewrite or tip; empty when there is nothing to improve.")


class ScoreOut(Schema):
    warm: BehaviourOut
    interested: BehaviourOut
    willing: BehaviourOut
    positive: BehaviourOut
    empathy: BehaviourOut
    polite: BehaviourOut


def check_reply(reply: str, customer_message: str = "") -> None:
    """Refuse what cannot be scored; the composer's panel and the API share the wording."""
    if not reply.strip():
        raise ValidationError("reply: write the reply to score; it is empty.")
    if len(reply) > scoring.MAX_REPLY:
        raise ValidationError(
            f"reply: {len(reply):,} characters is longer than the {scoring.MAX_REPLY:,} the scorer reads; "
            "score a shorter reply."
        )
    if len(customer_message) > scoring.MAX_REPLY:
        raise ValidationError(f"customer_message: longer than {scoring.MAX_REPLY:,} characters.")


@router.post(
    "/quality/score",
    response={200: ScoreOut, **ERRORS},
    summary="Score a reply",
    description="Scores a reply for six behaviours (warm, interested, willing, positive, empathy, polite): "
    "each with a score 0..1, present true/false (polite null when the reply asks the customer nothing), the "
    "words that caused it and a suggestion. Runs locally; stores nothing. Agents, leads and admins only.",
)
def score_reply(request, payload: ScoreIn):
    if not permissions.can_score_replies(request.auth):
        raise PermissionDenied("Only staff who write replies may use the scorer.")
    check_reply(payload.reply, payload.customer_message)
    result = scoring.score(payload.reply, payload.customer_message)
    return {behaviour: item.as_dict() for behaviour, item in result.items()}
