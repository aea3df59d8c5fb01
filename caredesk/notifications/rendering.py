"""Turn a kind of email and its values into a subject and a body, with the admins' wording if any."""

import functools
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.template import Context, Engine, Template, TemplateDoesNotExist, TemplateSyntaxError

from .defaults import BODIES, SUBJECTS, Kind
from .models import EmailTemplate

# Plain text out, so no HTML escaping; no loaders, so {% include %} and {% extends %} find no file, on disk
# or anywhere; no libraries beyond the built-in tags and filters.
ENGINE = Engine(autoescape=False, loaders=[], libraries={})


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str


def wording(kind: str, *, team=None) -> tuple[str, str, bool]:
    """(subject template, body template, enabled) for `kind`: the team's own, else the default row,
    else the built-in text."""
    rows = {
        row.team_id: row
        for row in EmailTemplate.objects.filter(Q(team__isnull=True) | Q(team=team) if team else Q(team__isnull=True), kind=kind)
    }
    row = rows.get(team.pk if team else None) or rows.get(None)
    if row is None:
        return SUBJECTS[Kind(kind)], BODIES[Kind(kind)], True
    return row.subject, row.body, row.enabled


def render(kind: str, *, team=None, context: dict) -> Rendered | None:
    """The email of `kind` for `team`, or None when it is switched off."""
    subject, body, enabled = wording(kind, team=team)
    if not enabled:
        return None
    return render_text(subject, body, context)


@functools.lru_cache(maxsize=256)
def _compiled(text: str) -> Template:
    """Template text compiled once per process: the same few wordings render every email of a kind (a
    batch of inbound email acknowledges each new ticket). Keyed by the text itself: an edit is new text."""
    return ENGINE.from_string(text)


def render_text(subject: str, body: str, context: dict) -> Rendered:
    """Render template text. Raises ValidationError with the template's own error message."""
    try:
        rendered_subject = _compiled(subject).render(Context(context, autoescape=False))
        rendered_body = _compiled(body).render(Context(context, autoescape=False))
    except (TemplateSyntaxError, TemplateDoesNotExist) as error:
        raise ValidationError(f"The template has an error: {error}") from None
    # A subject is one line: a header with a newline in it would be refused by the mail library.
    return Rendered(" ".join(rendered_subject.split()), rendered_body.strip() + "\n")
