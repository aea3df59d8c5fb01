from django.shortcuts import redirect

from caredesk.accounts import permissions


def home(request):
    """Staff land on their queue, customers on their portal, everyone else on the log-in page."""
    if permissions.is_staff_member(request.user):
        return redirect("conversations:queue")
    if request.user.is_authenticated:
        return redirect("portal:tickets")
    return redirect("account_login")
