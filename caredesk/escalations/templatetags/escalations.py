"""The ticket page's escalation banner and the nav link's count: tags, so that conversations' templates
show escalations without conversations' views knowing about them."""

from django import template

from caredesk.accounts import permissions

from .. import queries, services

register = template.Library()


@register.inclusion_tag("escalations/_banner.html", takes_context=True)
def escalation_banner(context) -> dict:
    """The open escalation of the ticket in `context` (one query; three when there is one: it, its ladder
    and its people),
    with the resolve and de-escalate forms for the people at its level."""
    ticket, user = context["ticket"], context["request"].user
    escalation = queries.open_for_ticket(ticket)
    if escalation is None:
        return {"escalation": None}
    ladder = queries.ladder_of(escalation)
    return {
        "escalation": escalation,
        "ticket": ticket,
        "level_label": services.level_label(ladder, escalation.level),
        "people": services.who(services.level_people(ladder, escalation.level)),
        "can_act": bool(context.get("can_edit")) and services.at_level(user, escalation, ladder),
        "errors": context.get("escalation_errors") or {},
        "values": context.get("escalation_values") or {},
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("escalations/_nav_link.html", takes_context=True)
def escalations_nav(context) -> dict:
    """The nav link, with how many open escalations wait for the viewer (cached: queries.waiting_count)."""
    request = context.get("request")
    if request is None or not permissions.can_work(request.user):
        return {"show": False}
    count = queries.waiting_count(request.user)
    return {
        "show": True,
        "count": count,
        "shown": f"{queries.NAV_COUNT_LIMIT}+" if count > queries.NAV_COUNT_LIMIT else count,
        "active": request.path.startswith("/escalations/"),
    }
