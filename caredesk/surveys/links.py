"""Signed, single-purpose answer links: the customer answers without logging in.

A link carries {survey, ticket, kind, score}, signed with SECRET_KEY and a salt used for nothing else
(a token signed for another purpose, a portal log-in link say, never verifies here). Verifying checks
the signature, then that the survey still belongs to that ticket and is of that kind, so a link cannot
answer another ticket's survey and an edited score breaks the signature. The window for changing an
answer is the survey's (`changeable_until`), not the link's: the same link works until then.
"""

from dataclasses import dataclass

from django.core import signing
from django.urls import reverse

from .models import Survey

SALT = "caredesk.surveys.answer-link"


class BadLink(Exception):
    """The link was forged, edited, or points at a survey that is not what it says."""


@dataclass(frozen=True)
class Link:
    survey: Survey
    score: int


def _signer() -> signing.Signer:
    # No timestamp: the survey's window decides how long a link works, and the same survey and score
    # always make the same link (the email and the portal agree; a test can rebuild it).
    return signing.Signer(salt=SALT)


def token(survey: Survey, score: int) -> str:
    return _signer().sign_object({"s": survey.pk, "t": survey.ticket_id, "k": survey.kind, "v": score}, compress=True)


def answer_url(survey: Survey, score: int) -> str:
    return reverse("surveys:answer", args=[token(survey, score)])


def survey_for(value: str) -> Link:
    """The survey and score a link stands for. Raises BadLink for anything else."""
    try:
        payload = _signer().unsign_object(value)
    except signing.BadSignature:
        raise BadLink("bad signature") from None
    try:
        survey_id, ticket_id, kind, score = int(payload["s"]), int(payload["t"]), str(payload["k"]), int(payload["v"])
    except (KeyError, TypeError, ValueError):
        raise BadLink("bad payload") from None
    survey = (
        Survey.objects.select_related("ticket__team", "ticket__customer")
        .filter(pk=survey_id, ticket_id=ticket_id, kind=kind)
        .first()
    )
    if survey is None or score not in survey.scores:
        raise BadLink("no such survey")
    return Link(survey, score)
