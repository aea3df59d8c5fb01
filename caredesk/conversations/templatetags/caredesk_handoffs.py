"""Whether to show the link to the hand-off report: the rule stays in accounts.permissions."""

from django import template

from caredesk.accounts import permissions

register = template.Library()


@register.filter
def can_see_handoff_report(user) -> bool:
    return permissions.can_see_handoff_report(user)
