"""Reply quality in the agent workspace: the composer's live panel and the scores on the timeline.

Both fetch the ticket through conversations.queries.ticket_for (404 for invisible tickets) and check
accounts.permissions; customers never reach them (staff_required) and never see scores.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from caredesk.accounts import permissions
from caredesk.conversations import queries as conversations
from caredesk.conversations.models import Message
from caredesk.conversations.views.queue import staff_required

from . import queries, scoring
from .api import check_reply
from .models import BEHAVIOURS

LABELS = {
    "warm": _("Warm"),
    "interested": _("Interested"),
    "willing": _("Willing"),
    "positive": _("Positive"),
    "empathy": _("Empathy"),
    "polite": _("Polite requests"),
}


def rows_of(result: dict) -> list[dict]:
    """The six behaviours in display order, each with its label, percentage and state."""
    rows = []
    for behaviour in BEHAVIOURS:
        item = result[behaviour]
        score = item["score"] if isinstance(item, dict) else item.score
        present = item["present"] if isinstance(item, dict) else item.present
        spans = item["spans"] if isinstance(item, dict) else [span.as_dict() for span in item.spans]
        suggestion = item["suggestion"] if isinstance(item, dict) else item.suggestion
        rows.append({
            "behaviour": behaviour,
            "label": LABELS[behaviour],
            "percent": None if score is None else round(score * 100),
            "present": present,
            "helped": [span["text"] for span in spans if span["effect"] == "helped"][:6],
            "hurt": [span["text"] for span in spans if span["effect"] == "hurt"][:6],
            "suggestion": suggestion,
        })
    return rows


@require_POST
@staff_required
def live(request, ticket_id: int):
    """The six scores of the reply being written (nothing for an internal note or an empty draft)."""
    ticket = conversations.ticket_for(request.user, ticket_id, to_change=True)
    if not permissions.can_score_replies(request.user):
        raise PermissionDenied
    body = request.POST.get("body", "")
    context = {"ticket": ticket, "rows": None, "error": ""}
    if request.POST.get("kind", "reply") == "reply" and body.strip():
        try:
            check_reply(body)
        except ValidationError as error:
            context["error"] = " ".join(error.messages)
        else:
            asked = (
                Message.objects.filter(ticket=ticket, kind=Message.Kind.CUSTOMER)
                .order_by("-created_at", "-id")
                .values_list("body_text", flat=True)
                .first()
            )
            context["rows"] = rows_of(scoring.score(body, asked or ""))
    return render(request, "quality/_live_scores.html", context)


@require_GET
@staff_required
def ticket_scores(request, ticket_id: int):
    """The stored scores of the ticket's sent replies, each swapped out of band into its message."""
    ticket = conversations.ticket_for(request.user, ticket_id)
    stored = queries.for_ticket(request.user, ticket)
    items = [
        {"message_id": message_id, "rows": rows_of({
            behaviour: {**row.details.get(behaviour, {"spans": [], "suggestion": ""}), "score": getattr(row, behaviour),
                        "present": None if getattr(row, behaviour) is None else getattr(row, behaviour) >= queries.PRESENT}
            for behaviour in BEHAVIOURS
        })}
        for message_id, row in stored.items()
    ]
    return render(request, "quality/_timeline_scores.html", {"items": items})
