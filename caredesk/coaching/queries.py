"""Reads of coaching: the fetch-and-authorise of a ticket to review, a coaching page's agent, a review
and a reply to mark; the rows of the reviews list and of the library."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404

from caredesk.accounts import permissions
from caredesk.accounts.models import Team, User
from caredesk.conversations import queries as conversations
from caredesk.conversations.models import Message

from . import library
from .models import Review, SampleItem, SituationTag, TrainingExample

PAGE_SIZE = 20
WAITING_LIMIT = 200  # rows of the "to review" list shown at once


def ticket_to_review(user, ticket_id: int):
    """A ticket `user` may review: 404 if they may not see it, 403 if they see it but may not review
    (agents, sales, leads of other teams)."""
    ticket = conversations.ticket_for(user, ticket_id)
    if not permissions.can_review(user, ticket):
        raise PermissionDenied
    return ticket


def reply_to_mark(user, message_id: int) -> Message:
    """An agent's public reply `user` may mark as a training example (as ticket_to_review: 404, 403)."""
    message = get_object_or_404(Message.objects.only("pk", "ticket_id", "kind"), pk=message_id)
    ticket = ticket_to_review(user, message.ticket_id)
    message = Message.objects.select_related("author").get(pk=message.pk)
    if message.kind != Message.Kind.REPLY:
        raise Http404
    message.ticket = ticket
    return message


def coaching_agent_for(viewer, user_id: int) -> User:
    """The person whose coaching page `viewer` opens: 404 unless it is theirs to see (an agent sees only
    their own; another's page does not exist for them), 403 for sales and customers."""
    if not permissions.can_use_coaching(viewer):
        raise PermissionDenied
    agent = get_object_or_404(User, pk=user_id, role__in=(User.Role.AGENT, User.Role.LEAD, User.Role.ADMIN))
    if not permissions.can_see_coaching_of(viewer, agent):
        raise Http404
    return agent


def review_for(user, review_id: int) -> Review:
    """One review `user` may read (the reviewed agent, the team's leads, admins); 404 otherwise."""
    if not permissions.can_use_coaching(user):
        raise PermissionDenied
    return get_object_or_404(
        Review.objects.filter(permissions.visible_reviews(user)).select_related("ticket__team", "agent", "reviewer"),
        pk=review_id,
    )


def reviews_of_ticket(user, ticket) -> list[Review]:
    """The ticket's reviews `user` may read, newest first. One query."""
    if not permissions.can_use_coaching(user):
        return []
    return list(Review.objects.filter(permissions.visible_reviews(user), ticket=ticket).select_related("agent", "reviewer"))


def waiting(user) -> list[SampleItem]:
    """Sampled tickets still to review, for the teams `user` reviews (admins: all), oldest week first.
    One query, at most WAITING_LIMIT rows."""
    items = SampleItem.objects.filter(review__isnull=True)
    if not permissions.is_admin(user):
        leads = permissions.lead_team_ids(user)
        if not leads:
            return []
        items = items.filter(team_id__in=leads)
    return list(
        items.select_related("ticket", "agent", "team").order_by("week", "team__name", "agent__first_name", "ticket_id")[:WAITING_LIMIT]
    )


def reviews_page(user, *, page: int = 1, agent_id: int | None = None):
    """A page of reviews `user` may read, newest first, with ticket, agent and reviewer: two queries
    (the count and the rows) whatever their number."""
    reviews = Review.objects.filter(permissions.visible_reviews(user))
    if agent_id:
        reviews = reviews.filter(agent_id=agent_id)
    reviews = reviews.select_related("ticket", "agent", "reviewer").order_by("-created_at", "-id")
    return Paginator(reviews, PAGE_SIZE).get_page(page)


def library_page(user, *, text: str = "", tag: str = "", page: int = 1):
    """A page of the training examples `user` may see, matching `text` (full text over reply, note and
    tags) and `tag`, newest first. Queries: the count, the rows with reply and ticket, their tags."""
    examples = TrainingExample.objects.filter(permissions.visible_training_examples(user))
    if text.strip():
        examples = examples.filter(pk__in=library.matching_example_ids(text))
    if tag:
        examples = examples.filter(tags__name=tag)
    examples = (
        examples.select_related("message", "ticket", "agent", "marked_by")
        .prefetch_related("tags")
        .order_by("-created_at", "-id")
    )
    return Paginator(examples, PAGE_SIZE).get_page(page)


def tags_in_use() -> list[str]:
    """The situation tags of at least one example, for the library's filter. One query."""
    return list(SituationTag.objects.filter(examples__isnull=False).distinct().order_by("name").values_list("name", flat=True))


def agents_for(user) -> list[User]:
    """The people on whose coaching pages `user` may look, for the reviews list's links. One query."""
    return list(
        permissions.coached_agents(user)
        .filter(role__in=(User.Role.AGENT, User.Role.LEAD))
        .order_by("first_name", "last_name", "pk")
    )


def settings_teams(user) -> list[Team]:
    """Teams whose sample settings `user` may change: the teams they lead, every team for admins."""
    if permissions.is_admin(user):
        return list(Team.objects.select_related("coaching_settings").order_by("name"))
    return list(Team.objects.filter(pk__in=permissions.lead_team_ids(user)).select_related("coaching_settings").order_by("name"))


def examples_on_ticket(ticket) -> dict[int, TrainingExample]:
    """The ticket's replies marked as examples, by message id. One query (tags prefetched: two)."""
    return {e.message_id: e for e in TrainingExample.objects.filter(ticket=ticket).prefetch_related("tags")}

