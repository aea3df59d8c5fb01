from django import template
from django.utils.translation import gettext as _

register = template.Library()

QUESTIONS = {
    "csat": "How would you rate the help you received?",
    "ces": "How easy was it to get your problem solved?",
    "nps": "How likely are you to recommend us to a friend or colleague?",
}


@register.simple_tag
def question(survey) -> str:
    return _(QUESTIONS[survey.kind])


@register.filter
def score_of(survey, score) -> str:
    """The survey's label for `score` (a follow-up shows the score that opened it)."""
    return survey.score_label(score)


@register.filter
def survey_score(data: dict) -> str:
    """The score in a SURVEY_ANSWERED event's data as people read it: Good, Bad, 4/5, 9/10."""
    from ..models import SCORES, Scale

    score, scale = data.get("score"), data.get("scale")
    if scale == Scale.GOOD_BAD:
        return _("Good") if score else _("Bad")
    try:
        return f"{score}/{SCORES[Scale(scale)][-1]}"
    except (ValueError, KeyError):
        return str(score)


@register.filter
def survey_kinds(surveys) -> str:
    """The questions of a SURVEY_SENT event: "CSAT (good/bad), NPS (0-10)"."""
    parts = []
    for survey in surveys or []:
        scale = _("good/bad") if survey.get("scale") == "good_bad" else survey.get("scale", "")
        parts.append(f"{str(survey.get('kind', '')).upper()} ({scale})")
    return ", ".join(parts)
