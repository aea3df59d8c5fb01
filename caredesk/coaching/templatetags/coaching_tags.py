from django import template

register = template.Library()


@register.filter
def percent(share) -> str:
    """A share 0..1 as a whole percentage ("–" for none), as the coaching page prints averages."""
    if share is None:
        return "–"
    return f"{round(share * 100)}"
