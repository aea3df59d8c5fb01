"""Small pieces of ticket markup used on many rows: a Python tag, not an included template, because an
{% include %} per row cost a sixth of the queue page."""

from django import template
from django.utils.html import format_html

register = template.Library()

STATUS_CLASSES = {
    "new": "text-bg-info",
    "open": "text-bg-primary",
    "pending_customer": "text-bg-warning",
    "on_hold": "text-bg-secondary",
    "solved": "text-bg-success",
}


@register.simple_tag
def status_badge(status: str, label: str) -> str:
    """A ticket status as a badge, one colour per status (closed and unknown ones plain)."""
    return format_html('<span class="badge {}">{}</span>', STATUS_CLASSES.get(status, "text-bg-light border"), label)
