"""Reply quality scorer: six behaviours of a written reply, each scored 0..1 with the words that caused
the score and a concrete suggestion. Pure Python, no Django: usable from the API, a task, a command or a
notebook. See docs/quality.md.

    >>> result = score("Hi Ana, I've refunded the £12 today.", "I was charged twice")
    >>> result["willing"].present
    True
"""

from dataclasses import dataclass, field

from . import cues, model
from .cues import BEHAVIOURS

MAX_REPLY = 20_000  # characters scored; the API refuses longer replies

# What to try when a behaviour is missing and no single phrase is to blame.
ADVICE = {
    "warm": "Greet them by name and add a friendly line, e.g. 'Hi Sam, thanks so much for letting us know.'",
    "interested": "Refer to their specifics: name the order, item or date they mentioned, or ask a question about it.",
    "willing": "Own the next step and give a time: 'I'll call the depot and write back by 3pm.'",
    "positive": "Lead with what you can do and what will happen next, e.g. 'What I can do is…'",
    "empathy": "Acknowledge how this feels for them in words that fit it: 'What a worry with the party tomorrow.'",
    "polite": "Ask rather than tell: 'Could you please send…', 'When you have a moment, would you…'",
}


@dataclass
class BehaviourScore:
    score: float | None
    present: bool | None
    spans: list[cues.Span] = field(default_factory=list)
    suggestion: str = ""

    def as_dict(self) -> dict:
        return {
            "score": None if self.score is None else round(self.score, 3),
            "present": self.present,
            "spans": [span.as_dict() for span in self.spans],
            "suggestion": self.suggestion,
        }


def _suggestion(behaviour: str, present: bool, spans: list[cues.Span], found) -> str:
    hurting = [(cue, span) for cue, span in found if not cue.helps and cue.instead]
    if hurting:
        cue, span = hurting[0]
        advice = cue.instead
        if advice.startswith("instead of") or advice.startswith("rather than"):
            return advice[0].upper() + advice[1:] + "."
        return f"Instead of '{span.text.strip()}', {advice}."
    return "" if present else ADVICE[behaviour]


def score(reply: str, customer_message: str = "") -> dict[str, BehaviourScore]:
    """Score `reply` (to `customer_message`, if known). polite is None (score and present) when the reply
    asks the customer to do nothing. Texts past MAX_REPLY characters are cut, not refused: refusing is the
    caller's business."""
    reply = (reply or "")[:MAX_REPLY]
    customer_message = (customer_message or "")[:MAX_REPLY]
    weights = model.load()
    results: dict[str, BehaviourScore] = {}
    lowered = reply.lower()
    found_by = {behaviour: cues.matches(reply, behaviour, lowered) for behaviour in BEHAVIOURS}
    for behaviour in BEHAVIOURS:
        if behaviour == "polite" and not cues.is_request(reply):
            results[behaviour] = BehaviourScore(None, None, [], "")
            continue
        found = found_by[behaviour]
        feats = cues.features(reply, customer_message, behaviour, found, found_by)
        probability = model.predict(weights.get(behaviour, {}), feats) if reply.strip() else 0.0
        if behaviour in cues.NEEDS_WORDS and not any(cue.helps for cue, _span in found):
            probability = 0.0  # no words acknowledge a feeling: nothing to show, nothing to credit
        present = probability >= 0.5
        spans = cues.spans_for(reply, customer_message, behaviour, found)
        results[behaviour] = BehaviourScore(probability, present, spans, _suggestion(behaviour, present, spans, found))
    return results


def overall(scores: dict[str, float | None]) -> float:
    """One figure for a reply: the mean of its behaviour scores, polite left out when it is null."""
    values = [value for value in scores.values() if value is not None]
    return sum(values) / len(values) if values else 0.0


__all__ = ["BEHAVIOURS", "BehaviourScore", "MAX_REPLY", "overall", "score"]
