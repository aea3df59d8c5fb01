"""The shapes the tickets API reads and writes. Staff and customers get different ticket shapes: a
customer never sees internal fields (owner, team, tags, custom fields, hand-offs) or notes."""

from datetime import date, datetime
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import field_validator

from caredesk.accounts.api import Email, Id, Text
from caredesk.accounts.models import User

from .. import queries
from ..models import Event, Message, Ticket

StatusName = Literal[tuple(Ticket.Status.values)]
PRIORITIES = "1 low, 2 normal, 3 high, 4 urgent"
# A number, not a Literal: query strings carry "2", and a Literal of ints refuses strings.
PriorityValue = Annotated[
    int, Field(ge=Ticket.Priority.LOW, le=Ticket.Priority.URGENT, description=PRIORITIES)
]
ChannelName = Literal[tuple(Ticket.Channel.values)]
SortName = Literal[tuple(queries.SORTS)]
# Filters add a day to the "to" dates; the last representable day cannot have one added.
Day = Annotated[date, Field(ge=date(1900, 1, 1), le=date(9998, 12, 31))]
TagName = Annotated[Text, Field(min_length=1, max_length=50)]
Number = Annotated[float, Field(allow_inf_nan=False)]  # JSON has no NaN or infinity; neither do JSON columns
FieldValue = Annotated[Text, Field(max_length=500)] | int | Number | bool | None
Body = Annotated[Text, Field(min_length=1, max_length=100_000)]


# Output -----------------------------------------------------------------------------------------


# The endpoints build ticket shapes, which ninja then checks again against a union (staff or customer shape):
# so they convert with validators that accept their own output, not with resolve_* methods.


class PersonRef(Schema):
    id: int
    name: str


class TeamRef(Schema):
    id: int
    name: str


class CustomerRef(Schema):
    id: int
    name: str
    email: str


class CustomerTicketOut(Schema):
    """What a customer sees of their own ticket."""

    id: int
    subject: str
    status: StatusName
    created_at: datetime
    updated_at: datetime
    solved_at: datetime | None


class TicketOut(CustomerTicketOut):
    """What staff see of a ticket."""

    priority: PriorityValue
    channel: ChannelName
    customer: CustomerRef
    team: TeamRef
    owner: PersonRef | None = Field(
        description="The accountable agent; null while it waits in the team's queue."
    )
    tags: list[str]
    fields: dict[str, Any] = Field(description="Custom field values by key.")
    handoff_count: int
    is_runaround: bool
    merged_into_id: int | None

    @field_validator("owner", mode="before")
    @classmethod
    def _person(cls, user):
        return {"id": user.pk, "name": str(user)} if isinstance(user, User) else user

    @field_validator("tags", mode="before")
    @classmethod
    def _tag_names(cls, tags) -> list[str]:
        return sorted(getattr(tag, "name", tag) for tag in tags)


class AttachmentOut(Schema):
    id: int
    filename: str
    content_type: str
    size: int


class MessageOut(Schema):
    id: int
    ticket_id: int = Field(
        description="Differs from the ticket asked for when it was merged in, or when a customer's reply to "
        "a closed ticket opened a follow-up."
    )
    kind: Literal[tuple(Message.Kind.values)]
    author_id: int | None = Field(description="The staff member who wrote it; null for the customer.")
    author_name: str
    body_text: str
    body_html: str = Field(description="The stored HTML, sanitised with nh3 before it was stored.")
    quoted: str = Field(
        description="For an email: the quoted history and signature split from its new text; empty otherwise."
    )
    created_at: datetime
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_attachments(message) -> list:
        # A message's attachments as the timeline loaded them, with the others' in one query (Message.files);
        # checked again as output, a message is already in this shape.
        if isinstance(message, Message):
            return message.files
        return message["attachments"] if isinstance(message, dict) else message.attachments


class TicketDetailOut(TicketOut):
    messages: list[MessageOut] = Field(description="Oldest first, internal notes included.")


class CustomerTicketDetailOut(CustomerTicketOut):
    messages: list[MessageOut] = Field(description="Oldest first; public messages only.")


class TicketPage(Schema):
    items: list[TicketOut | CustomerTicketOut]
    next: str | None = Field(description="Pass as `after` for the next page; null on the last page.")
    previous: str | None = Field(
        description="Pass as `before` for the previous page; null on the first page."
    )


class EventOut(Schema):
    id: int
    ticket_id: int
    kind: Literal[tuple(Event.Kind.values)]
    actor_id: int | None
    actor_name: str
    at: datetime
    data: dict[str, Any]
    names: dict[str, str] = Field(description="Names of the people and teams `data` refers to by id.")

    @staticmethod
    def resolve_actor_name(event: Event) -> str:
        return str(event.actor) if event.actor else ""

    @staticmethod
    def resolve_names(event: Event) -> dict[str, str]:
        return {key: name for key, name in event.names.items() if name}


# Input ------------------------------------------------------------------------------------------


class TicketFilters(Schema):
    view: Literal["open", "mine", "teams", "unassigned", "all"] = Field(
        "open", description="A queue view as on the queue page; `all` is every visible ticket in any status."
    )
    status: list[StatusName] = Field([], description="Repeat for several.")
    priority: list[PriorityValue] = Field([], description="Repeat for several.")
    team: Id | None = None
    owner: str | None = Field(
        None, pattern=r"^(me|none|[1-9][0-9]{0,17})$", description="`me`, `none` or a user id."
    )
    tag: TagName | None = None
    channel: ChannelName | None = None
    created_from: Day | None = None
    created_to: Day | None = Field(None, description="Inclusive.")
    updated_from: Day | None = None
    updated_to: Day | None = Field(None, description="Inclusive.")
    q: Annotated[Text, Field(max_length=200)] | None = Field(
        None, description="Full-text search, or a ticket number."
    )
    sort: SortName = queries.DEFAULT_SORT
    after: Annotated[str, Field(max_length=500)] | None = Field(None, description="A page's `next` cursor.")
    before: Annotated[str, Field(max_length=500)] | None = Field(
        None, description="A page's `previous` cursor."
    )
    limit: int = Field(queries.PAGE_SIZE, ge=1, le=100)

    @field_validator("q")
    @classmethod
    def _ticket_number(cls, text: str | None) -> str | None:
        # queries.apply_filters reads all-digit text as a ticket number with int(), which refuses "²".
        number = (text or "").strip().lstrip("#")
        if number.isdigit() and not (number.isdecimal() and len(number) <= 18):
            raise ValueError("no ticket has that number; search for words instead")
        return text


class TicketIn(Schema):
    customer_email: Email
    customer_name: Annotated[Text, Field(max_length=200)] = Field(
        "", description="Used when the customer is new."
    )
    subject: Annotated[Text, Field(min_length=1, max_length=255)]
    body: Body = Field(description="The customer's message, as plain text.")
    team_id: Id = Field(description="A team you can see.")
    priority: PriorityValue = Ticket.Priority.NORMAL.value
    channel: ChannelName = Ticket.Channel.API.value
    tags: list[TagName] = Field([], max_length=20)
    owner_id: Id | None = Field(
        None, description="An agent of the team; leave out to put it in the team's queue."
    )


class TicketPatch(Schema):
    status: StatusName | None = None
    priority: PriorityValue | None = None
    tags: list[TagName] | None = Field(None, max_length=20, description="The complete new set of tags.")
    fields: dict[Annotated[str, Field(max_length=50)], FieldValue] | None = Field(
        None, description="Custom field values by key; null clears one."
    )


class ReplyIn(Schema):
    body: Body = Field(description="Plain text.")
    status: Literal["open", "pending_customer", "on_hold", "solved"] | None = Field(
        None, description="Staff only: the status to leave the ticket in."
    )


class NoteIn(Schema):
    body: Body = Field(description="Plain text.")


class TransferIn(Schema):
    team_id: Id | None = Field(
        None, description="The team to hand it to; leave out to stay on the ticket's team."
    )
    owner_id: Id | None = Field(None, description="An agent of that team; null for the team's queue.")
    reason: Annotated[Text, Field(min_length=1, max_length=1000)] = Field(
        description="The new owner reads this first."
    )
    note: Annotated[Text, Field(max_length=10_000)] = ""


class AssignIn(Schema):
    owner_id: Id = Field(description="An agent of the ticket's team.")
    reason: Annotated[Text, Field(max_length=1000)] = Field(
        "", description="Needed when the ticket already has an owner: that is a hand-off."
    )
