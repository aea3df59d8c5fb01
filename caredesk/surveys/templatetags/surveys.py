"""The nav link with its follow-up count, and the portal's survey box: tags, so that other apps'
templates show surveys without their views knowing about them."""

from django import template

from caredesk.accounts import permissions

from .. import queries

register = template.Library()


@register.inclusion_tag("surveys/_nav_link.html", takes_context=True)
def surveys_nav(context) -> dict:
    request = context.get("request")
    if request is None or not permissions.can_see_survey_rates(request.user):
        return {"show": False}
    count = queries.open_follow_up_count(request.user)
    return {
        "show": True,
        "count": count,
        "shown": f"{queries.NAV_COUNT_LIMIT}+" if count > queries.NAV_COUNT_LIMIT else count,
        "active": request.path.startswith("/surveys/"),
        "admin": permissions.can_edit_survey_settings(request.user),
    }


@register.simple_tag(takes_context=True)
def customer_surveys(context, ticket) -> list:
    """The surveys of the ticket's latest solve, for its customer in the portal (nobody else)."""
    request = context.get("request")
    if request is None or not permissions.can_answer_survey(request.user, ticket):
        return []
    return queries.of_ticket(ticket)
