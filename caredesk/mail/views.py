"""Pages and fragments of the email channel: resending an email whose delivery failed or is unknown."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST

from caredesk.conversations import queries as conversations
from caredesk.conversations.views.queue import staff_required

from . import outbox
from .models import OutboundEmail


@require_POST
@staff_required
def resend(request, outbound_id: int):
    """Queue the email again (the same Message-ID) and answer with its delivery state. Allowed to whoever
    may reply on its ticket; an email of a ticket they cannot see is 404, as the ticket would be."""
    outbound = get_object_or_404(OutboundEmail, pk=outbound_id, ticket__isnull=False)
    conversations.ticket_for(request.user, outbound.ticket_id, to_change=True)
    error = ""
    try:
        outbound = outbox.resend(outbound, by=request.user)
    except ValidationError as refused:
        error = " ".join(refused.messages)
    context = {
        "outbound_id": outbound.pk,
        "status": outbound.status,
        "sent_at": outbound.sent_at,
        "error": outbound.last_error,
        "refused": error,
    }
    # 200 even when refused: htmx swaps only successful answers, and the person should read why.
    return render(request, "mail/_delivery.html", context)
