"""Queue pages: the built-in views, saved views, search and bulk actions."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import path

from caredesk.accounts import permissions

from .. import queries


def staff_required(view):
    """Pages of the agent workspace: staff only (customers have the portal)."""

    @login_required
    def wrapped(request, *args, **kwargs):
        if not permissions.is_staff_member(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@staff_required
def queue(request):
    view = request.GET.get("view", "open")
    tickets = queries.queue_rows(queries.queue(request.user, view=view))
    page = queries.keyset_page(tickets, sort=request.GET.get("sort", queries.DEFAULT_SORT), after=request.GET.get("after", ""))
    return render(request, "conversations/queue.html", {"page": page, "view": view})


urlpatterns = [
    path("", queue, name="queue"),
]
