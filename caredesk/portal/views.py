"""The customer side: the public web form and the portal."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from caredesk.conversations import queries


@login_required
def tickets(request):
    return render(request, "portal/tickets.html", {"tickets": queries.visible(request.user).order_by("-created_at")[:50]})
