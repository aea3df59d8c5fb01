"""Escalation pages: the board, the escalate dialog and the banner's actions on the ticket page, the ladders.

The ticket page belongs to conversations: the dialog and the banner's forms answer with their own fragment
plus the ticket page's header and timeline swapped out of band, rendered from conversations' own context.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caredesk.accounts import permissions
from caredesk.accounts.models import Team
from caredesk.conversations import queries as ticket_queries
from caredesk.conversations.views.queue import staff_required

from . import queries, services
from .forms import DeEscalateForm, EscalateForm, LadderForm, ResolveForm

DIALOG_DONE = "dialog-done"  # ticket.js closes the open dialog on it


def _ticket_fragments(request, ticket, *names: str, **extra) -> str:
    """Fragments of the ticket page, rendered as conversations renders them, for out-of-band swaps."""
    from caredesk.conversations.views.ticket import _ticket_context

    context = _ticket_context(request, ticket, **extra)
    return "".join(
        render_to_string(f"conversations/{name}.html", {**context, "oob": True}, request) for name in names
    )


def _message_of(error: ValidationError | PermissionDenied) -> str:
    return " ".join(error.messages) if isinstance(error, ValidationError) else str(error)


# The board -------------------------------------------------------------------------------------


@staff_required
def board(request):
    """Open escalations the viewer takes (their level), or raised (read-only); admins see all."""
    if not permissions.can_work(request.user):
        raise PermissionDenied
    rows, counts, more = queries.board(request.user)
    return render(
        request,
        "escalations/board.html",
        {"rows": rows, "counts": counts, "more": more, "limit": queries.BOARD_LIMIT},
    )


# On the ticket page ----------------------------------------------------------------------------


def _dialog_context(ticket, form) -> dict:
    """Where an escalation would go from here, for the dialog to say before anyone presses the button."""
    current = services.open_escalation(ticket.pk)
    ladder = services.ladder_for(current.team if current else ticket.team)
    level = current.level + 1 if current else 1
    context = {"ticket": ticket, "escalate_form": form, "current": current, "next_level": level}
    if current:
        context["current_label"] = services.level_label(ladder, current.level)
    if level <= ladder.top_level:
        people = services.who(services.level_people(ladder, level))
        # "level 2: Ada Admin", not "level 2 (Ada Admin): Ada Admin" when the level is one person.
        same = services.level_name(ladder, level) == people
        context["next_label"] = _("level %(level)s") % {"level": level} if same else services.level_label(ladder, level)
        context["next_people"] = people
    return context


@staff_required
def escalate(request, ticket_id: int):
    """GET: the escalate dialog (fetched when first opened). POST: escalate, or climb one level."""
    ticket = ticket_queries.ticket_for(request.user, ticket_id, to_change=True)
    if request.method != "POST":
        return render(request, "escalations/_escalate_dialog.html", _dialog_context(ticket, EscalateForm()))
    form = EscalateForm(request.POST)
    if form.is_valid():
        try:
            services.escalate(ticket, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, _message_of(error))
    if form.errors:
        html = render_to_string("escalations/_escalate_dialog.html", _dialog_context(ticket, form), request)
        return HttpResponse(html, status=422)
    queries.forget_counts(request.user)
    ticket = ticket_queries.ticket_for(request.user, ticket.pk)
    html = render_to_string("escalations/_escalate_dialog.html", _dialog_context(ticket, EscalateForm()), request)
    html += _ticket_fragments(request, ticket, "_ticket_header", "_timeline")
    response = HttpResponse(html)
    response["HX-Trigger"] = DIALOG_DONE
    return response


def _banner_action(request, escalation_id: int, form_class, field: str, act) -> HttpResponse:
    """The shape resolve and de-escalate share: answer with the ticket header (its banner) and, on
    success, the timeline out of band; a refusal answers 422 with the banner's form and its error."""
    escalation = queries.escalation_for(request.user, escalation_id, to_act=True)
    ticket = ticket_queries.ticket_for(request.user, escalation.ticket_id, to_change=True)
    form = form_class(request.POST)
    error = ""
    if not form.is_valid():
        error = " ".join(message for errors in form.errors.values() for message in errors)
    else:
        try:
            act(escalation, form.cleaned_data[field])
        except (ValidationError, PermissionDenied) as refused:
            error = _message_of(refused)
    if error:
        html = render_to_string(
            "conversations/_ticket_header.html",
            _header_context(request, ticket, escalation_errors={field: error}, escalation_values={field: request.POST.get(field, "")}),
            request,
        )
        return HttpResponse(html, status=422)
    queries.forget_counts(request.user)
    ticket = ticket_queries.ticket_for(request.user, ticket.pk)
    html = render_to_string("conversations/_ticket_header.html", _header_context(request, ticket), request)
    return HttpResponse(html + _ticket_fragments(request, ticket, "_timeline"))


def _header_context(request, ticket, **extra) -> dict:
    return {
        "ticket": ticket,
        "can_edit": permissions.can_work_on(request.user, ticket) and not ticket.merged_into_id,
        **extra,
    }


@require_POST
@staff_required
def resolve(request, escalation_id: int):
    return _banner_action(
        request,
        escalation_id,
        ResolveForm,
        "resolution",
        lambda escalation, text: services.resolve(escalation, by=request.user, resolution=text),
    )


@require_POST
@staff_required
def de_escalate(request, escalation_id: int):
    return _banner_action(
        request,
        escalation_id,
        DeEscalateForm,
        "note",
        lambda escalation, text: services.de_escalate(escalation, by=request.user, note=text),
    )


# Ladders ---------------------------------------------------------------------------------------


@staff_required
def ladders(request):
    """Every team's ladder: admins edit, leads read."""
    if not permissions.can_see_ladders(request.user):
        raise PermissionDenied
    return render(
        request,
        "escalations/ladders.html",
        {"ladders": queries.ladders(), "can_edit": permissions.can_edit_ladders(request.user)},
    )


@staff_required
def edit_ladder(request, team_id: int):
    if not permissions.can_edit_ladders(request.user):
        raise PermissionDenied
    team = get_object_or_404(Team, pk=team_id)
    ladder = services.ladder_for(team)
    form = LadderForm(request.POST or None, instance=ladder, team=team)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_ladder(
                team,
                by=request.user,
                escalation_team=form.cleaned_data["escalation_team"],
                manager=form.cleaned_data["manager"],
                auto_escalate_after_minutes=form.cleaned_data["auto_escalate_after_minutes"],
            )
        except ValidationError as error:
            form.add_error(None, _message_of(error))
        else:
            queries.forget_counts(request.user)
            messages.success(request, _("The escalation ladder of %(team)s was saved.") % {"team": team})
            return redirect("escalations:ladders")
    status = 422 if request.method == "POST" else 200
    return render(request, "escalations/ladder_form.html", {"team": team, "form": form}, status=status)
