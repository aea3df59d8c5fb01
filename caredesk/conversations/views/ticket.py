"""The ticket page and its htmx actions; the customer page.

Every action fetches the ticket through queries.ticket_for (404 for tickets the user may not see,
403 for read-only staff on writes), validates a form, calls one service and answers with the fragment
it changed, plus the other fragments that show the change (header, properties, timeline) swapped
out of band. Refused input answers 422 with the same fragment and its error; nothing is saved.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.cache import patch_vary_headers
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caredesk.accounts import permissions
from caredesk.customers.models import Customer
from caredesk.mail import queries as mail_queries

from .. import handoffs, macros, presence, queries, services
from ..forms.ticket import (
    AssignForm,
    ComposerForm,
    CustomFieldsForm,
    MacroForm,
    MergeForm,
    PriorityForm,
    StatusForm,
    TagsForm,
    TransferForm,
)
from ..models import Attachment, CustomField, Event, Macro, Ticket
from .queue import staff_required

CUSTOMER_PAGE_LIMIT = 200
# Sent with a successful dialog answer; ticket.js closes the open dialog on it.
DIALOG_DONE = "dialog-done"

# A long conversation shows its first message and this many of the newest; the rest fold (on demand).
TIMELINE_LATEST = 20

# Fragments that show a change to the ticket, swapped out of band when the composer or a dialog succeeds.
REFRESHED = ("_ticket_header", "_ticket_properties", "_timeline")

# Events whose data name a due time (service targets, promises): the timeline shows it.
DUE_EVENTS = {
    Event.Kind.TARGET_BREACHED,
    Event.Kind.TARGET_MET,
    Event.Kind.PROMISE_MADE,
    Event.Kind.PROMISE_KEPT,
    Event.Kind.PROMISE_BROKEN,
    Event.Kind.PROMISE_CANCELLED,
}


# Context ---------------------------------------------------------------------------------------


def _place(team: str | None, owner: str | None) -> str:
    if owner:
        return f"{team}/{owner}"
    return _("%(team)s (queue)") % {"team": team}


def _shown(value):
    """A custom field value as a person reads it (a checkbox is Yes or No, not True or False)."""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return value


def _moment(value):
    """An ISO time from event data, or None when it is missing or not a time."""
    try:
        return parse_datetime(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _word_events(items: list, field_labels: dict) -> None:
    """Give events the words their timeline line needs: places for transfers, labels for values."""
    statuses, priorities = dict(Ticket.Status.choices), dict(Ticket.Priority.choices)
    for item in items:
        event = item.event
        if event is None:
            continue
        names, data = event.names, event.data
        if event.kind == Event.Kind.TRANSFERRED:
            event.from_place = _place(names["from_team"], names["from_owner"])
            event.to_place = _place(names["to_team"], names["to_owner"])
        elif event.kind in (Event.Kind.STATUS_CHANGED, Event.Kind.REOPENED):
            event.from_label = statuses.get(data.get("from"), data.get("from"))
            event.to_label = statuses.get(data.get("to"), data.get("to"))
        elif event.kind == Event.Kind.PRIORITY_CHANGED:
            event.from_label = priorities.get(data.get("from"), data.get("from"))
            event.to_label = priorities.get(data.get("to"), data.get("to"))
        elif event.kind == Event.Kind.FIELDS_CHANGED:
            event.changes = [
                {"label": field_labels.get(key, key), "to": _shown(change.get("to"))}
                for key, change in sorted(data.get("changes", {}).items())
            ]
        elif event.kind == Event.Kind.CREATED:
            event.channel_label = dict(Ticket.Channel.choices).get(data.get("channel"), data.get("channel"))
        if event.kind in DUE_EVENTS:  # targets and promises: what was due, and when
            event.target_label = str(data.get("kind") or "").replace("_", " ")
            event.due_at = _moment(data.get("due"))


def _ticket_context(request, ticket: Ticket, *, whole: bool = False, **extra) -> dict:
    """What the header, the properties panel and the timeline show, for the page and for actions.
    The timeline is folded unless `whole` is asked for."""
    user = request.user
    definitions = list(CustomField.objects.all())
    timeline = queries.timeline(ticket, latest=None if whole else TIMELINE_LATEST)
    _word_events(timeline, {definition.key: definition.label for definition in definitions})
    # Each reply's email delivery state (queued, sent, failed), shown on the message for staff.
    mail_queries.attach_deliveries([item.message for item in timeline if item.kind == "message"])
    can_edit = permissions.can_work_on(user, ticket) and not ticket.merged_into_id
    context = {
        "ticket": ticket,
        "timeline": timeline,
        "can_edit": can_edit,
        "can_take": can_edit
        and ticket.owner_id is None
        and permissions.can_own_tickets_of(user, ticket.team),
        "statuses": Ticket.Status.choices,
        "priorities": Ticket.Priority.choices,
        "tag_names": queries.with_tag_names([ticket])[0].tag_names,
        "custom_fields": [(definition, ticket.fields.get(definition.key)) for definition in definitions],
        "errors": {},
        # The latest transfer's reason and note for its new owner, until they reply or add a note.
        "handover": handoffs.handover_for(ticket, user) if can_edit else None,
    }
    if can_edit:
        context["fields_form"] = CustomFieldsForm(definitions=definitions, ticket=ticket)
        if ticket.owner_id is None:
            context["assign_form"] = AssignForm(ticket=ticket)
    context.update(extra)
    return context


def _answer(
    request, context: dict, main: str, *also: str, status: int = 200, trigger: str = ""
) -> HttpResponse:
    """`main` as the swapped answer, then `also` marked for out-of-band swaps, all from one context."""
    html = render_to_string(f"conversations/{main}.html", context, request)
    for name in also:
        html += render_to_string(f"conversations/{name}.html", {**context, "oob": True}, request)
    response = HttpResponse(html, status=status)
    if trigger:
        response["HX-Trigger"] = trigger
    return response


def _after_change(request, ticket: Ticket) -> Ticket:
    """The ticket as the user now sees it, fetched the same way as before the change."""
    return queries.ticket_for(request.user, ticket.pk)


def _message_of(error: ValidationError) -> str:
    return " ".join(error.messages)


# The page --------------------------------------------------------------------------------------


@staff_required
def ticket(request, ticket_id: int):
    """The ticket page; ?timeline=all unfolds a long conversation (htmx gets the timeline alone)."""
    ticket = queries.ticket_for(request.user, ticket_id)
    whole = request.GET.get("timeline") == "all"
    context = _ticket_context(request, ticket, whole=whole)
    if whole and request.headers.get("HX-Request") == "true":
        response = render(request, "conversations/_timeline.html", context)
        patch_vary_headers(response, ["HX-Request"])
        return response
    context["other_tickets"] = queries.other_tickets_of(ticket, request.user)
    if context["can_edit"]:
        context.update(
            composer_form=ComposerForm(),
            macros=list(Macro.objects.only("pk", "name")),
            merge_form=MergeForm(),
        )
    return render(request, "conversations/ticket.html", context)


@login_required
def attachment(request, attachment_id: int):
    """Download an attachment; whoever can see its ticket (staff or its customer) may, but a
    customer never gets the files of an internal note."""
    item = get_object_or_404(Attachment.objects.select_related("message"), pk=attachment_id)
    queries.ticket_for(request.user, item.message.ticket_id)
    if request.user.is_customer and not item.message.is_public:
        raise Http404
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.filename)


# Writing ---------------------------------------------------------------------------------------


@require_POST
@staff_required
def post_message(request, ticket_id: int):
    """A public reply or an internal note, with any attachments."""
    ticket = queries.ticket_for(request.user, ticket_id, to_change=True)
    form = ComposerForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["kind"] == "note":
                services.add_note(ticket, by=request.user, body=data["body"], files=data["files"])
            else:
                services.reply(
                    ticket,
                    by=request.user,
                    body=data["body"],
                    files=data["files"],
                    status=data["status"] or None,
                )
        except ValidationError as error:
            form.add_error(None, _message_of(error))
    if form.errors:
        context = {
            "ticket": ticket,
            "can_edit": True,
            "composer_form": form,
            "macros": list(Macro.objects.only("pk", "name")),
        }
        return _answer(request, context, "_composer", status=422)
    ticket = _after_change(request, ticket)
    context = _ticket_context(
        request,
        ticket,
        composer_form=ComposerForm(initial={"kind": form.cleaned_data["kind"]}),
        macros=list(Macro.objects.only("pk", "name")),
    )
    return _answer(request, context, "_composer", *REFRESHED)


@staff_required
def macro_text(request, ticket_id: int):
    """A macro's body filled in for this ticket and this agent, as plain text for the reply box."""
    ticket = queries.ticket_for(request.user, ticket_id, to_change=True)
    form = MacroForm(request.GET)
    if not form.is_valid():
        raise Http404
    try:
        text = macros.render(form.cleaned_data["macro"], ticket, request.user)
    except ValidationError as error:
        return HttpResponse(_message_of(error), status=422, content_type="text/plain; charset=utf-8")
    return HttpResponse(text, content_type="text/plain; charset=utf-8")


# Properties ------------------------------------------------------------------------------------


def _property_change(request, ticket: Ticket, form, section: str, change) -> HttpResponse:
    """The shape every property edit shares: validate `form` (if any), call `change(cleaned_data)`,
    answer with the properties panel and, out of band, the header and timeline that show the change."""
    error = ""
    if form is not None and not form.is_valid():
        error = " ".join(message for field_errors in form.errors.values() for message in field_errors)
    else:
        try:
            change(form.cleaned_data if form is not None else {})
        except ValidationError as refused:
            error = _message_of(refused)
    if error:  # the service changed nothing; the panel shows the ticket as it was
        context = _ticket_context(request, ticket, errors={section: error})
        return _answer(request, context, "_ticket_properties", status=422)
    context = _ticket_context(request, _after_change(request, ticket))
    return _answer(request, context, "_ticket_properties", "_ticket_header", "_timeline")


@require_POST
@staff_required
def set_status(request, ticket_id: int):
    ticket = queries.ticket_for(request.user, ticket_id, to_change=True)
    return _property_change(
        request,
        ticket,
        StatusForm(request.POST),
        "status",
        lambda data: services.change_status(ticket, status=data["status"], by=request.user),
    )


@require_POST
@staff_required
def set_priority(request, ticket_id: int):
    ticket = queries.ticket_for(request.user, ticket_id, to_change=True)
    return _property_change(
        request,
        ticket,
        PriorityForm(request.POST),
        "priority",
        lambda data: services.change_priority(ticket, priority=data["priority"], by=request.user),
    )


@require_POST
@staff_required
def set_tags(request, ticket_id: int):
    ticket = queries.ticket_for(request.user, ticket_id, to_change=True)
    return _property_change(
        request,
        ticket,
        TagsForm(request.POST),
        "tags",
        lambda data: services.set_tags(ticket, tags=data["tags"], by=request.user),
    )


@require_POST
@staff_required
def set_fields(request, ticket_id: int):
    ticket = queries.ticket_for(request.user, ticket_id, to_change=True)
    definitions = list(CustomField.objects.all())
    form = CustomFieldsForm(request.POST, definitions=definitions, ticket=ticket)
    if form.is_valid():
        try:
            services.set_fields(ticket, values=form.cleaned_data, by=request.user)
        except ValidationError as error:
            form.add_error(None, _message_of(error))
    if form.errors:  # the form keeps what was typed, with its errors
        context = _ticket_context(request, ticket, fields_form=form)
        return _answer(request, context, "_ticket_properties", status=422)
    context = _ticket_context(request, _after_change(request, ticket))
    return _answer(request, context, "_ticket_properties", "_ticket_header", "_timeline")


@require_POST
@staff_required
def take(request, ticket_id: int):
    """The agent takes an unowned ticket from the queue: an assignment, not a hand-off."""
    ticket = queries.ticket_for(request.user, ticket_id, to_change=True)

    def take_it(data):
        if ticket.owner_id not in (None, request.user.pk):
            raise ValidationError(
                _("%(owner)s owns this ticket; transfer it instead.") % {"owner": ticket.owner}
            )
        services.assign(ticket, to=request.user, by=request.user)

    return _property_change(request, ticket, None, "owner", take_it)


@require_POST
@staff_required
def assign(request, ticket_id: int):
    """Give an unowned ticket to an agent of its team. An owned ticket moves by transfer, with a reason."""
    ticket = queries.ticket_for(request.user, ticket_id, to_change=True)
    return _property_change(
        request,
        ticket,
        AssignForm(request.POST, ticket=ticket),
        "owner",
        lambda data: services.assign(ticket, to=data["owner"], by=request.user),
    )


# Dialogs ---------------------------------------------------------------------------------------


@staff_required
def transfer(request, ticket_id: int):
    """GET: the dialog again with the owners of the team just picked (what was typed is kept).
    POST: hand the ticket on, with a reason."""
    ticket = queries.ticket_for(request.user, ticket_id, to_change=True)
    if request.method != "POST":
        form = TransferForm(initial=request.GET.dict(), ticket=ticket)
        return render(
            request, "conversations/_transfer_dialog.html", {"ticket": ticket, "transfer_form": form}
        )
    form = TransferForm(request.POST, ticket=ticket)
    if form.is_valid():
        try:
            ticket = services.transfer(ticket, by=request.user, **form.transfer_arguments())
        except ValidationError as error:
            form.add_error(None, _message_of(error))
    if form.errors:
        return _answer(request, {"ticket": ticket, "transfer_form": form}, "_transfer_dialog", status=422)
    if not permissions.can_see_ticket(request.user, ticket):  # handed to a private team the user is not on
        messages.success(
            request, _("%(ref)s was handed to %(team)s.") % {"ref": ticket.reference, "team": ticket.team}
        )
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("conversations:queue")
        return response
    ticket = _after_change(request, ticket)
    context = _ticket_context(request, ticket, transfer_form=TransferForm(ticket=ticket))
    return _answer(request, context, "_transfer_dialog", *REFRESHED, trigger=DIALOG_DONE)


@require_POST
@staff_required
def merge(request, ticket_id: int):
    """Merge this ticket into another the user can work on; this one closes and points there."""
    ticket = queries.ticket_for(request.user, ticket_id, to_change=True)
    form = MergeForm(request.POST)
    if form.is_valid():
        number = form.cleaned_data["into"]
        try:
            into = queries.ticket_for(request.user, number, to_change=True)
        except (Http404, PermissionDenied):
            form.add_error(
                "into", _("There is no ticket #%(number)s that you can work on.") % {"number": number}
            )
        else:
            try:
                services.merge(ticket, into=into, by=request.user)
            except ValidationError as error:
                form.add_error(None, _message_of(error))
    if form.errors:
        return _answer(request, {"ticket": ticket, "merge_form": form}, "_merge_dialog", status=422)
    ticket = _after_change(request, ticket)
    context = _ticket_context(request, ticket, merge_form=MergeForm())
    return _answer(request, context, "_merge_dialog", *REFRESHED, "_composer", trigger=DIALOG_DONE)


# Presence --------------------------------------------------------------------------------------


@require_POST
@staff_required
def presence_notice(request, ticket_id: int):
    """Record that the user has the ticket open (or is typing) and say who else has."""
    typing = request.POST.get("typing") == "1"
    ticket = queries.ticket_for(request.user, ticket_id, to_change=typing)
    presence.record(ticket, request.user, typing=typing)
    return render(
        request, "conversations/_presence.html", {"colleagues": presence.others(ticket, request.user)}
    )


# The customer page -----------------------------------------------------------------------------


@staff_required
def customer(request, customer_id: int):
    """Who the customer is and every ticket of theirs the viewer may see."""
    person = get_object_or_404(Customer.objects.select_related("organisation"), pk=customer_id)
    tickets = list(
        queries.visible(request.user)
        .filter(customer=person)
        .select_related("team", "owner")
        .order_by("-created_at")[: CUSTOMER_PAGE_LIMIT + 1]
    )
    return render(
        request,
        "conversations/customer.html",
        {
            "customer": person,
            "tickets": tickets[:CUSTOMER_PAGE_LIMIT],
            "more": len(tickets) > CUSTOMER_PAGE_LIMIT,
        },
    )


urlpatterns = [
    path("<int:ticket_id>/", ticket, name="ticket"),
    path("<int:ticket_id>/messages/", post_message, name="post_message"),
    path("<int:ticket_id>/macro/", macro_text, name="macro_text"),
    path("<int:ticket_id>/status/", set_status, name="status"),
    path("<int:ticket_id>/priority/", set_priority, name="priority"),
    path("<int:ticket_id>/tags/", set_tags, name="tags"),
    path("<int:ticket_id>/fields/", set_fields, name="fields"),
    path("<int:ticket_id>/take/", take, name="take"),
    path("<int:ticket_id>/assign/", assign, name="assign"),
    path("<int:ticket_id>/transfer/", transfer, name="transfer"),
    path("<int:ticket_id>/merge/", merge, name="merge"),
    path("<int:ticket_id>/presence/", presence_notice, name="presence"),
    path("attachments/<int:attachment_id>/", attachment, name="attachment"),
    path("customers/<int:customer_id>/", customer, name="customer"),
]
