"""REST API for kudos: classify an inbound message (compliment, complaint, question or mixed, and whom it
praises). Staff only: customers get 403. Empty or over-long messages are 422 with a sentence saying why."""

from django.core.exceptions import PermissionDenied, ValidationError
from ninja import Field, Router, Schema

from caredesk.accounts import permissions
from caredesk.accounts.api import ERRORS, Text

from .classify import classify

router = Router(tags=["Kudos"])

MAX_MESSAGE = 20_000  # characters: a long email; pasted logs and whole threads are refused, not truncated


class ClassifyIn(Schema):
    message: Text = Field(description=f"The customer's message, plain text, at most {MAX_MESSAGE:,} characters.")


class SpanOut(Schema):
    start: int
    end: int
    label: str = Field(description="praise, thanks, complaint, request, sarcasm or name")
    text: str


class ClassifyOut(Schema):
    kind: str = Field(description="compliment, complaint, question or mixed")
    praised_names: list[str] = Field(description="People the customer praises by name, as written.")
    spans: list[SpanOut] = Field(description="The words that decided it (offsets in the message).")


@router.post("/quality/classify", response={200: ClassifyOut, **ERRORS}, summary="Classify an inbound message")
def classify_message(request, payload: ClassifyIn):
    if not permissions.can_classify_messages(request.auth):
        raise PermissionDenied("Only staff may classify messages.")
    message = payload.message
    if not message.strip():
        raise ValidationError("message: write the message to classify; it is empty.")
    if len(message) > MAX_MESSAGE:
        raise ValidationError(f"message: too long ({len(message):,} characters); at most {MAX_MESSAGE:,}.")
    result = classify(message)
    return {"kind": result.kind, "praised_names": result.praised_names, "spans": result.spans}
