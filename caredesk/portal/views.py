"""The customer side: the public web form, log-in by emailed link, and the portal where customers follow
their requests. Customers see only public messages; staff who wander in are sent to their own pages."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caredesk.accounts import permissions
from caredesk.conversations import queries
from caredesk.conversations import services as conversations
from caredesk.conversations.models import Attachment, Message

from . import login_links, ratelimit, services
from .forms import LoginLinkForm, PortalRequestForm, ReplyForm, RequestForm

RECEIPT = "portal_receipt"
PER_PAGE = 20


def customer_required(view):
    """Portal pages: customers only. Visitors are asked to log in; staff go to their queue."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("portal:login"))
        if not request.user.is_customer:
            return redirect("conversations:queue")
        return view(request, *args, **kwargs)

    return wrapped


def _is_customer(user) -> bool:
    return user.is_authenticated and user.is_customer


def _within_rate(request, scope: str, email: str) -> bool:
    return ratelimit.hit(
        scope, limit=settings.CAREDESK_WEBFORM_RATE_PER_HOUR, email=email, ip=ratelimit.client_ip(request)
    )


def _refund(request, scope: str, email: str) -> None:
    ratelimit.refund(scope, email=email, ip=ratelimit.client_ip(request))


def _unavailable(request) -> HttpResponse:
    context = {"support_email": settings.DEFAULT_FROM_EMAIL}
    return render(request, "portal/unavailable.html", context, status=503)


# The public web form ----------------------------------------------------------------------------


def new_request(request):
    if _is_customer(request.user):
        return redirect("portal:new_ticket")
    team = services.receiving_team()
    if team is None:
        return _unavailable(request)
    form = RequestForm(request.POST, request.FILES) if request.method == "POST" else RequestForm()
    if not form.is_valid():
        return render(request, "portal/new_request.html", {"form": form})
    data = form.cleaned_data
    if not _within_rate(request, "webform", data["email"]):
        return render(request, "portal/new_request.html", {"form": form, "too_many": True}, status=429)
    if data["website"]:  # the honeypot: a robot gets the same answer, and nothing is saved or sent
        request.session[RECEIPT] = {"reference": services.decoy_reference(), "emailed": True}
        return redirect("portal:thanks")
    try:
        ticket, emailed = services.take_request(
            name=data["name"], email=data["email"], subject=data["subject"], message=data["message"],
            team=team, files=data["attachments"],
        )
    except ValidationError as error:
        _refund(request, "webform", data["email"])
        form.add_error("attachments", error)
        return render(request, "portal/new_request.html", {"form": form})
    # Kept in the session, not the URL, so a reference cannot be looked up by guessing addresses.
    request.session[RECEIPT] = {"reference": ticket.reference, "emailed": emailed}
    return redirect("portal:thanks")


def thanks(request):
    receipt = request.session.get(RECEIPT)
    if not receipt:
        return redirect("portal:new_request")
    return render(request, "portal/thanks.html", receipt)


# Log-in by emailed link -------------------------------------------------------------------------


def login_request(request):
    if _is_customer(request.user):
        return redirect("portal:tickets")
    next_url = services.safe_next(request.POST.get("next") or request.GET.get("next"))
    form = LoginLinkForm(request.POST) if request.method == "POST" else LoginLinkForm()
    if not form.is_valid():
        return render(request, "portal/login.html", {"form": form, "next": next_url})
    email = form.cleaned_data["email"]
    # Counted for every address, known or not, so being refused reveals nothing either.
    if not _within_rate(request, "login-link", email):
        context = {"form": form, "next": next_url, "too_many": True}
        return render(request, "portal/login.html", context, status=429)
    services.send_login_link(email, next_url=next_url)
    return render(request, "portal/login_sent.html")


def login_link(request, secret: str):
    """GET shows a button and POST uses the link: mail scanners that open links must not spend it."""
    next_url = services.safe_next(request.POST.get("next") or request.GET.get("next"))
    if request.method != "POST":
        if login_links.usable(secret) is None:
            return render(request, "portal/login_link_invalid.html", status=410)
        return render(request, "portal/login_link.html", {"next": next_url})
    user = login_links.consume(secret)
    if user is None:
        return render(request, "portal/login_link_invalid.html", status=410)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return redirect(next_url or "portal:tickets")


# The portal -------------------------------------------------------------------------------------


@customer_required
def tickets(request):
    rows = queries.visible(request.user).order_by("-updated_at", "-pk")
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "portal/tickets.html", {"page": page})


@customer_required
def new_ticket(request):
    customer = services.customer_of(request.user)
    team = services.receiving_team()
    if team is None:
        return _unavailable(request)
    form = (
        PortalRequestForm(request.POST, request.FILES, customer=customer)
        if request.method == "POST"
        else PortalRequestForm(customer=customer)
    )
    if not form.is_valid():
        return render(request, "portal/new_ticket.html", {"form": form})
    data = form.cleaned_data
    if not _within_rate(request, "webform", customer.email):
        return render(request, "portal/new_ticket.html", {"form": form, "too_many": True}, status=429)
    try:
        ticket = services.take_portal_request(
            customer, subject=data["subject"], message=data["message"], team=team, by=request.user,
            files=data["attachments"],
        )
    except ValidationError as error:
        _refund(request, "webform", customer.email)
        form.add_error("attachments", error)
        return render(request, "portal/new_ticket.html", {"form": form})
    messages.success(
        request, _("Thank you: your request %(reference)s is with us.") % {"reference": ticket.reference}
    )
    return redirect("portal:ticket", ticket.pk)


def _conversation(ticket, form) -> dict:
    return {"ticket": ticket, "timeline": queries.timeline(ticket, public_only=True), "form": form}


@customer_required
def ticket(request, ticket_id: int):
    ticket = queries.ticket_for(request.user, ticket_id)
    return render(request, "portal/ticket.html", _conversation(ticket, ReplyForm()))


@require_POST
@customer_required
def reply(request, ticket_id: int):
    ticket = queries.ticket_for(request.user, ticket_id)
    if not permissions.can_answer_as_customer(request.user, ticket):
        raise PermissionDenied
    htmx = request.headers.get("HX-Request") == "true"
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            message = conversations.customer_reply(
                ticket, customer=ticket.customer, body=form.cleaned_data["message"],
                files=form.cleaned_data["attachments"], by=request.user,
            )
        except ValidationError as error:
            form.add_error("attachments", error)
        else:
            if message.ticket_id != ticket.pk:
                return _moved(request, message, htmx=htmx)
            if not htmx:
                return redirect("portal:ticket", ticket.pk)
            ticket = queries.ticket_for(request.user, ticket.pk)
            return render(request, "portal/_conversation.html", _conversation(ticket, ReplyForm()))
    # Errors answer 200 even to htmx, which swaps only successful responses: the form shows them inline.
    template = "portal/_conversation.html" if htmx else "portal/ticket.html"
    return render(request, template, _conversation(ticket, form))


def _moved(request, message: Message, *, htmx: bool) -> HttpResponse:
    """The reply landed on another ticket: a follow-up of a closed one, or the ticket this one was merged
    into. The customer is taken there."""
    messages.info(
        request,
        _("Your message was added to request %(reference)s.") % {"reference": message.ticket.reference},
    )
    target = reverse("portal:ticket", args=[message.ticket_id])
    if not permissions.can_see_ticket(request.user, message.ticket):
        target = reverse("portal:tickets")
    if htmx:
        return HttpResponse(headers={"HX-Redirect": target})
    return redirect(target)


@customer_required
def attachment(request, attachment_id: int):
    """A file of a public message of the customer's own ticket; a note's files do not exist for them."""
    item = get_object_or_404(Attachment.objects.select_related("message"), pk=attachment_id)
    queries.ticket_for(request.user, item.message.ticket_id)
    if not item.message.is_public:
        raise Http404
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.filename)
