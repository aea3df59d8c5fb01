"""Promise pages: the composer's check for promises in a draft, and the sidebar's actions.

Each action fetches through conversations.queries.ticket_for (404 for invisible tickets, 403 for those
who may only read), calls one service and answers with the fragment it changed. Refused input answers
422 with the same fragment and its error; nothing is saved.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET, require_POST

from caredesk.accounts import permissions
from caredesk.calendars.services import calendar_for
from caredesk.conversations import queries as conversations
from caredesk.conversations.views.queue import staff_required
from caredesk.system import clock

from . import detection, queries, services
from .forms import PromiseForm
from .models import Promise

MAX_DRAFT = 20_000  # characters of a draft looked at for promises


def _ticket(request, ticket_id: int):
    ticket = conversations.ticket_for(request.user, ticket_id, to_change=True)
    if not permissions.can_handle_promises_on(request.user, ticket) or ticket.merged_into_id:
        raise PermissionDenied
    return ticket


def _form(request, ticket, data=None, *, calendar=None) -> PromiseForm:
    return PromiseForm(
        data,
        owners=queries.owner_choices(ticket, request.user),
        calendar=calendar or calendar_for(ticket.team),
        now=clock.now(),
        initial={"owner": ticket.owner_id or request.user.pk},
    )


def block_context(request, ticket, *, can_edit: bool, form=None, errors=None) -> dict:
    """What the sidebar block shows; the ticket page's template tag and the actions share it. The team's
    time zone labels the due times, so it is looked up only when there are some (most tickets have none)."""
    promises = queries.of_ticket(ticket)
    context = {
        "ticket": ticket,
        "promises": promises,
        "tz": calendar_for(ticket.team).tz if promises else None,
        "can_edit": can_edit,
        "errors": errors or {},
    }
    if can_edit and form is not None:  # otherwise the block fetches it when opened (add_form)
        context["promise_form"] = form
    return context


def _block(request, ticket, *, oob: bool = False, **kwargs) -> str:
    context = block_context(request, ticket, can_edit=True, **kwargs)
    return render_to_string("promises/_ticket_promises.html", {**context, "oob": oob}, request)


@require_POST
@staff_required
def detect(request, ticket_id: int):
    """The promises in the reply being written, offered to be recorded (nothing for an internal note)."""
    ticket = _ticket(request, ticket_id)
    calendar = calendar_for(ticket.team)
    candidates = []
    if request.POST.get("kind", "reply") == "reply":
        candidates = detection.find(request.POST.get("body", "")[:MAX_DRAFT], now=clock.now(), calendar=calendar)
    recorded = set()
    if candidates:
        recorded = set(
            Promise.objects.filter(ticket=ticket, sentence__in=[c.sentence for c in candidates]).values_list(
                "sentence", flat=True
            )
        )
    return render(
        request,
        "promises/_suggestions.html",
        {"ticket": ticket, "candidates": [c for c in candidates if c.sentence not in recorded], "tz": calendar.tz},
    )


@require_GET
@staff_required
def add_form(request, ticket_id: int):
    """The sidebar's "Add a promise" form, fetched when the agent opens it."""
    ticket = _ticket(request, ticket_id)
    context = {"ticket": ticket, "promise_form": _form(request, ticket)}
    return render(request, "promises/_promise_form.html", context)


@require_POST
@staff_required
def make(request, ticket_id: int):
    """Record a promise: from the sidebar's form, or accepted from the composer's suggestion."""
    ticket = _ticket(request, ticket_id)
    form = _form(request, ticket, request.POST)
    detected = request.POST.get("source") == Promise.Source.DETECTED
    promise = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            promise = services.make_promise(
                ticket, what=data["what"], due=data["due"], owner=data["owner"], by=request.user,
                source=data["source"], sentence=data["sentence"],
            )
        except ValidationError as error:
            form.add_error(None, " ".join(error.messages))
    tz = calendar_for(ticket.team).tz
    if detected:
        context = {"ticket": ticket, "tz": tz, "promise": promise}
        if promise is None:
            typed = request.POST
            context.update(
                what=typed.get("what", ""), sentence=typed.get("sentence", ""), due_text=typed.get("due", ""),
                error=" ".join(message for messages in form.errors.values() for message in messages),
            )
            return render(request, "promises/_suggestion.html", context, status=422)
        html = render_to_string("promises/_suggestion_recorded.html", context, request)
        return HttpResponse(html + _block(request, ticket, oob=True))
    if promise is None:
        return HttpResponse(_block(request, ticket, form=form), status=422)
    return HttpResponse(_block(request, ticket))


def _act(request, promise_id: int, action) -> HttpResponse:
    promise = queries.promise_for(request.user, promise_id)
    try:
        action(promise)
    except ValidationError as error:
        return HttpResponse(
            _block(request, promise.ticket, errors={promise.pk: " ".join(error.messages)}), status=422
        )
    return HttpResponse(_block(request, promise.ticket))


@require_POST
@staff_required
def keep(request, promise_id: int):
    return _act(request, promise_id, lambda promise: services.keep(promise, by=request.user))


@require_POST
@staff_required
def cancel(request, promise_id: int):
    reason = request.POST.get("reason", "")
    return _act(request, promise_id, lambda promise: services.cancel(promise, by=request.user, reason=reason))
