"""The ticket page and its htmx actions."""

from django.http import FileResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path

from .. import queries
from ..models import Attachment
from .queue import staff_required


@staff_required
def ticket(request, ticket_id: int):
    ticket = queries.ticket_for(request.user, ticket_id)
    return render(request, "conversations/ticket.html", {"ticket": ticket, "timeline": queries.timeline(ticket)})


def attachment(request, attachment_id: int):
    """Download an attachment; whoever can see its ticket (staff or its customer) may."""
    item = get_object_or_404(Attachment.objects.select_related("message"), pk=attachment_id)
    ticket = queries.ticket_for(request.user, item.message.ticket_id)
    if request.user.is_customer and item.message.kind == item.message.Kind.NOTE:
        raise queries.Http404
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.filename)


urlpatterns = [
    path("<int:ticket_id>/", ticket, name="ticket"),
    path("attachments/<int:attachment_id>/", attachment, name="attachment"),
]
