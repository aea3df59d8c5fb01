"""REST API for customers: find them by email or name, read one with their recent tickets, add one.

Staff only (customers get 403); sales read but do not add. A customer's tickets are listed through
conversations.queries.visible, so only tickets the caller may see appear.
"""

from datetime import datetime
from typing import Annotated

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import field_validator

from caredesk.accounts import permissions
from caredesk.accounts.api import ERRORS, Email, Id, Text, require_staff
from caredesk.conversations import queries as ticket_queries

from . import services
from .models import Customer

router = Router(tags=["customers"])

MAX_OFFSET = 10_000  # deeper than this, narrow the search instead: OFFSET costs grow with depth
RECENT_TICKETS = 20


class CustomerOut(Schema):
    id: int
    name: str
    email: str
    phone: str
    organisation: str | None
    created_at: datetime

    @field_validator("organisation", mode="before")
    @classmethod
    def _organisation_name(cls, organisation) -> str | None:
        return getattr(organisation, "name", organisation)


class CustomerTicketRef(Schema):
    id: int
    subject: str
    status: str
    created_at: datetime


class CustomerDetailOut(CustomerOut):
    tickets: list[CustomerTicketRef] = Field(
        description=f"Their {RECENT_TICKETS} newest tickets that you can see, newest first."
    )


class CustomerPage(Schema):
    items: list[CustomerOut]
    next_offset: int | None = Field(description="Pass as `offset` for the next page; null on the last page.")


class CustomerSearch(Schema):
    q: Annotated[Text, Field(max_length=200)] | None = Field(
        None, description="The start of an email address or of a name (any case)."
    )
    limit: int = Field(25, ge=1, le=100)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class CustomerIn(Schema):
    email: Email
    name: Annotated[Text, Field(max_length=200)] = Field(
        "", description="Defaults to the email's local part."
    )


@router.get(
    "/customers",
    response={200: CustomerPage, **ERRORS},
    summary="Find customers",
    description="Customers by name, optionally those whose email or name starts with `q`; "
    f"`limit`/`offset` pages, at most {MAX_OFFSET} deep. Staff only: customers get 403.",
)
def list_customers(request, search: Query[CustomerSearch]):
    require_staff(request.auth)
    customers = Customer.objects.select_related("organisation").order_by("name", "id")
    if text := (search.q or "").strip():
        customers = customers.filter(Q(email__istartswith=text) | Q(name__istartswith=text))
    rows = list(customers[search.offset : search.offset + search.limit + 1])
    more = len(rows) > search.limit
    return {"items": rows[: search.limit], "next_offset": search.offset + search.limit if more else None}


@router.get(
    "/customers/{customer_id}",
    response={200: CustomerDetailOut, **ERRORS},
    summary="Read a customer",
    description="The customer and their newest tickets that you can see. Staff only: customers get 403.",
)
def get_customer(request, customer_id: Id):
    require_staff(request.auth)
    customer = get_object_or_404(Customer.objects.select_related("organisation"), pk=customer_id)
    tickets = ticket_queries.visible(request.auth).filter(customer=customer).order_by("-created_at", "-id")
    return {**dict(CustomerOut.from_orm(customer)), "tickets": list(tickets[:RECENT_TICKETS])}


@router.post(
    "/customers",
    response={201: CustomerOut, **ERRORS},
    summary="Add a customer",
    description="A new customer; an address already known is 422. Agents, leads and admins only: sales and "
    "customers get 403.",
)
def create_customer(request, payload: CustomerIn):
    if not permissions.can_work(request.auth):
        raise PermissionDenied(_("You may read customers but not add them."))
    existing = Customer.objects.filter(email=payload.email).first()
    if existing is not None:
        raise ValidationError(
            _("A customer with the address %(email)s already exists: %(id)s.")
            % {"email": payload.email, "id": existing.pk}
        )
    return Status(201, services.customer_for_email(payload.email, name=payload.name))
