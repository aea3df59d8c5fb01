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
