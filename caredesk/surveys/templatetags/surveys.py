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
    # The count of open follow-ups is fetched after the page loads (views.nav_count): the nav is on every
    # page, and a page's own queries stay its own.
    return {
        "show": True,
        "active": request.path.startswith("/surveys/"),
        "admin": permissions.can_edit_survey_settings(request.user),
    }


@register.simple_tag(takes_context=True)
def customer_surveys(context, ticket) -> list:
    """The surveys of the ticket's latest solve, for its customer in the portal (nobody else), while the
    ticket is solved or closed (a reopened ticket is not asked about until it is solved again)."""
    request = context.get("request")
    if ticket.status not in ("solved", "closed") or request is None or not permissions.can_answer_survey(request.user, ticket):
        return []
    return queries.of_ticket(ticket)
