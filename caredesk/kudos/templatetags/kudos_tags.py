"""The ticket page's compliment mark on a customer message that gave someone kudos (conversations' message_rows).

It reads the COMPLIMENT_RECEIVED events the timeline has already loaded (no query of its own, so the
ticket page's query count stays what conversations tests it to be). A message whose event falls in the
folded part of a long timeline shows no mark until the timeline is unfolded."""

from django import template

register = template.Library()


def _praised(context) -> dict[int, list[str]]:
    cache = context.render_context.get("kudos_praised")
    if cache is None:
        cache = {}
        for item in context.get("timeline") or ():
            event = item.get("event") if isinstance(item, dict) else getattr(item, "event", None)
            if event is not None and event.kind == "compliment_received" and event.data.get("message"):
                cache.setdefault(event.data["message"], []).append(event.data.get("person"))
        context.render_context["kudos_praised"] = cache
    return cache


@register.simple_tag(takes_context=True)
def praised_people(context, message) -> int:
    """How many people the message gave kudos to (0: no mark)."""
    return len(_praised(context).get(message.pk, ()))
