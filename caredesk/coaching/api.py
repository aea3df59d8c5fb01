"""REST API for coaching: review a ticket, read reviews, search the training library.

Permission is the pages' own (queries.ticket_to_review, review_for, library_page): 404 for what the user
may not see, 403 for what they see but may not do; sales and customers get 403 everywhere.
"""

from datetime import datetime
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from caredesk.accounts import permissions
from caredesk.accounts.api import ERRORS, Id, Text
from caredesk.accounts.models import User

from . import queries, services

router = Router(tags=["Coaching"])

RatingIn = Literal["yes", "partly", "no"]
RATINGS = {"no": 0, "partly": 1, "yes": 2}
NAMES = {value: name for name, value in RATINGS.items()}


class ReviewIn(Schema):
    agent_id: Id = Field(description="The owner of the ticket or someone who replied on it.")
    warm: RatingIn
    interested: RatingIn
    willing: RatingIn
    positive: RatingIn
    empathy: RatingIn
    polite: RatingIn | None = Field(None, description="null: not applicable (the agent asked the customer to do nothing).")
    resolution: Literal["resolved", "partly", "no"]
    accurate: bool = Field(description="The information given was correct.")
    comment: Text = Field("", max_length=5000)


class ReviewOut(Schema):
    id: int
    ticket_id: int
    agent_id: int
    reviewer_id: int
    warm: str
    interested: str
    willing: str
    positive: str
    empathy: str
    polite: str | None
    resolution: str
    accurate: bool
    comment: str
    created_at: datetime

    @staticmethod
    def resolve_warm(review):
        return NAMES[review.warm]

    @staticmethod
    def resolve_interested(review):
        return NAMES[review.interested]

    @staticmethod
    def resolve_willing(review):
        return NAMES[review.willing]

    @staticmethod
    def resolve_positive(review):
        return NAMES[review.positive]

    @staticmethod
    def resolve_empathy(review):
        return NAMES[review.empathy]

    @staticmethod
    def resolve_polite(review):
        return None if review.polite is None else NAMES[review.polite]


class ExampleOut(Schema):
    id: int
    message_id: int
    ticket_id: int
    agent_id: int
    reply: str
    note: str
    tags: list[str]
    created_at: datetime

    @staticmethod
    def resolve_reply(example):
        return example.message.body_text

    @staticmethod
    def resolve_tags(example):
        return [tag.name for tag in example.tags.all()]


class LibraryIn(Schema):
    q: Text = Field("", max_length=200, description="Words to find in the reply, the note or the tags.")
    tag: Text = Field("", max_length=40)
    page: int = Field(1, ge=1, le=100_000)


class LibraryOut(Schema):
    count: int
    page: int
    pages: int
    results: list[ExampleOut]


def _coaching_user(user) -> None:
    if not permissions.can_use_coaching(user):
        raise PermissionDenied("Coaching is for agents, leads and admins.")


@router.post(
    "/tickets/{ticket_id}/reviews",
    response={201: ReviewOut, **ERRORS},
    summary="Review a conversation",
    description="Leads of the ticket's team and admins. A ticket the caller cannot see is 404; an agent, or a "
    "lead of another team, gets 403. An agent who did not work the ticket is 422.",
)
def create_review(request, ticket_id: Id, payload: ReviewIn):
    _coaching_user(request.auth)
    ticket = queries.ticket_to_review(request.auth, ticket_id)
    agent = get_object_or_404(User, pk=payload.agent_id)
    ratings = {key: (None if value is None else RATINGS[value]) for key, value in payload.dict().items()
               if key in ("warm", "interested", "willing", "positive", "empathy", "polite")}
    review = services.review(
        ticket, agent=agent, by=request.auth, ratings=ratings, resolution=payload.resolution,
        accurate=payload.accurate, comment=payload.comment,
    )
    return Status(201, review)


@router.get(
    "/reviews/{review_id}",
    response={200: ReviewOut, **ERRORS},
    summary="Read a review",
    description="The reviewed agent, the team's leads and admins; 404 for anyone else.",
)
def get_review(request, review_id: Id):
    return queries.review_for(request.auth, review_id)


@router.get(
    "/coaching/library",
    response={200: LibraryOut, **ERRORS},
    summary="Search the training library",
    description="Examples on tickets the caller may see, newest first, 20 a page. Sales and customers get 403.",
)
def library(request, filters: Query[LibraryIn]):
    _coaching_user(request.auth)
    page = queries.library_page(request.auth, text=filters.q, tag=filters.tag, page=filters.page)
    return {"count": page.paginator.count, "page": page.number, "pages": page.paginator.num_pages, "results": list(page.object_list)}
