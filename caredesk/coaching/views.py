"""Coaching pages: the scorecard, the reviews list, the training library, each agent's coaching page,
and the ticket page's coaching block (fetched after the page loads, so it adds no query to it).

Each view fetches through a permission-checked query (queries.*_for / ticket_to_review: 404 for what
the user may not see, 403 for what they may see but not do), calls one service, renders.
Refused input re-renders the form with its errors, status 422; nothing is saved.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caredesk.accounts import permissions
from caredesk.accounts.models import Team
from caredesk.conversations import queries as conversations
from caredesk.conversations.models import Message
from caredesk.conversations.views.queue import staff_required

from . import queries, services
from .forms import ExampleForm, ReviewForm, SettingsForm


def _coaching_user(request) -> None:
    if not permissions.can_use_coaching(request.user):
        raise PermissionDenied


@staff_required
def home(request):
    """/coaching/: leads and admins start at the reviews list, agents at their own coaching page."""
    _coaching_user(request)
    if permissions.is_admin(request.user) or permissions.lead_team_ids(request.user):
        return redirect("coaching:reviews")
    return redirect("coaching:agent", user_id=request.user.pk)


@staff_required
def ticket_block(request, ticket_id: int):
    """The ticket sidebar's block: the Review button for those who may review, and the ticket's reviews
    the user may read. Empty for everyone else."""
    ticket = conversations.ticket_for(request.user, ticket_id)
    can_review = permissions.can_review(request.user, ticket) and not ticket.merged_into_id
    reviews = queries.reviews_of_ticket(request.user, ticket)
    return render(request, "coaching/_ticket_block.html", {"ticket": ticket, "can_review": can_review, "reviews": reviews})


def _conversation(ticket) -> list[Message]:
    """The ticket's public messages, each reply with its training example (or None) as `example`."""
    examples = queries.examples_on_ticket(ticket)
    messages = list(ticket.messages.exclude(kind=Message.Kind.NOTE).select_related("author", "customer").order_by("created_at", "id"))
    for message in messages:
        message.example = examples.get(message.pk)
    return messages


@staff_required
def review_ticket(request, ticket_id: int):
    """The scorecard of a conversation, beside the conversation itself (where replies are marked as
    training examples)."""
    ticket = queries.ticket_to_review(request.user, ticket_id)
    agents = services.agents_who_worked(ticket)
    form = ReviewForm(request.POST or None, agents=agents, initial={"agent": ticket.owner_id})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                review = services.review(
                    ticket, agent=data["agent"], by=request.user, ratings=form.ratings(),
                    resolution=data["resolution"], accurate=data["accurate"], comment=data["comment"],
                )
            except ValidationError as error:
                form.add_error(None, " ".join(error.messages))
            else:
                messages.success(request, _("Review saved. %(agent)s sees it on their coaching page.") % {"agent": review.agent})
                return redirect(review.get_absolute_url())
        status = 422
    conversation = _conversation(ticket)
    return render(
        request, "coaching/review_form.html",
        {"ticket": ticket, "form": form, "conversation": conversation,
         "no_agents": not agents, "reviews": queries.reviews_of_ticket(request.user, ticket)},
        status=status,
    )


@staff_required
def review(request, review_id: int):
    review = queries.review_for(request.user, review_id)
    return render(request, "coaching/review.html",
                  {"review": review, "can_change": permissions.can_change_review(request.user, review)})


@staff_required
def change_review(request, review_id: int):
    """The scorecard again, filled in, for its reviewer (or an admin) to correct."""
    review = queries.review_for(request.user, review_id)
    if not permissions.can_change_review(request.user, review):
        raise PermissionDenied
    form = ReviewForm(request.POST or None, agents=[review.agent], initial=ReviewForm.initial_of(review))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.change_review(review, by=request.user, ratings=form.ratings(), resolution=data["resolution"],
                                       accurate=data["accurate"], comment=data["comment"])
            except ValidationError as error:
                form.add_error(None, " ".join(error.messages))
            else:
                messages.success(request, _("Review corrected."))
                return redirect(review.get_absolute_url())
        status = 422
    return render(request, "coaching/review_form.html",
                  {"ticket": review.ticket, "form": form, "conversation": _conversation(review.ticket), "editing": review},
                  status=status)


@staff_required
def reviews(request):
    """What waits for review in the teams one leads, and the reviews one may read (an agent: of their own
    work), newest first, paginated."""
    _coaching_user(request)
    agent_id = request.GET.get("agent")
    page = queries.reviews_page(request.user, page=request.GET.get("page") or 1, agent_id=int(agent_id) if (agent_id or "").isdigit() else None)
    teams = queries.settings_teams(request.user)
    return render(
        request, "coaching/reviews.html",
        {"waiting": queries.waiting(request.user), "page": page,
         "teams": [(team, services.settings_of(team)) for team in teams], "is_reviewer": bool(teams),
         "agents": queries.agents_for(request.user) if teams else []},
    )


@require_POST
@staff_required
def team_settings(request, team_id: int):
    team = get_object_or_404(Team, pk=team_id)
    if not permissions.can_change_coaching_settings(request.user, team):
        raise PermissionDenied
    form = SettingsForm(request.POST)
    if not form.is_valid():
        errors = " ".join(message for field in form.errors.values() for message in field)
        return render(request, "coaching/_settings_form.html", {"team": team, "settings": services.settings_of(team), "error": errors}, status=422)
    settings = services.change_settings(team, by=request.user, **form.cleaned_data)
    return render(request, "coaching/_settings_form.html", {"team": team, "settings": settings, "saved": True})


def _example_fragment(request, message, *, form=None, example=None, status=200, editing=False):
    if example is None:
        example = getattr(message, "training_example", None) if hasattr(message, "training_example") else None
    context = {"message": message, "example": example, "form": form or ExampleForm(initial=_initial(example)), "editing": editing}
    return render(request, "coaching/_example.html", context, status=status)


def _initial(example) -> dict:
    if example is None:
        return {}
    return {"note": example.note, "tags": ", ".join(tag.name for tag in example.tags.all())}


@staff_required
def example(request, message_id: int):
    """GET: the form to mark a reply (or change its note and tags). POST: save it. htmx fragment."""
    message = queries.reply_to_mark(request.user, message_id)
    if request.method != "POST":
        return _example_fragment(request, message, editing=True)
    form = ExampleForm(request.POST)
    if form.is_valid():
        try:
            saved = services.mark_example(message, by=request.user, note=form.cleaned_data["note"], tags=form.cleaned_data["tags"])
        except ValidationError as error:
            form.add_error(None, " ".join(error.messages))
        else:
            return _example_fragment(request, message, example=saved)
    return _example_fragment(request, message, form=form, status=422, editing=True)


@require_POST
@staff_required
def unmark(request, message_id: int):
    message = queries.reply_to_mark(request.user, message_id)
    example = getattr(message, "training_example", None) if hasattr(message, "training_example") else None
    if example is not None:
        services.unmark_example(example, by=request.user)
    return render(request, "coaching/_example.html", {"message": message, "example": None, "form": ExampleForm()})


@staff_required
def library_view(request):
    _coaching_user(request)
    text = request.GET.get("q", "")[:200]
    tag = request.GET.get("tag", "")[:40]
    page = queries.library_page(request.user, text=text, tag=tag, page=request.GET.get("page") or 1)
    context = {"page": page, "q": text, "tag": tag, "tags": queries.tags_in_use()}
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "library-results":
        return render(request, "coaching/_library_results.html", context)
    return render(request, "coaching/library.html", context)


@staff_required
def agent(request, user_id: int):
    person = queries.coaching_agent_for(request.user, user_id)
    page = services.coaching_page(person, request.user)
    return render(request, "coaching/agent.html", {"coaching": page, "reviews_url": reverse("coaching:reviews") + f"?agent={person.pk}"})

