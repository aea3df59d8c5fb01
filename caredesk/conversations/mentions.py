"""Who a note mentions: `@alice`, `@alice.archer` or `@alice@example.com` names a colleague by first
name, by the part of their email address before the @, or by the whole address."""

import re

from caredesk.accounts import permissions
from caredesk.accounts.models import User

# Not after a word character, a dot or an @, so "mail alice@example.com" is an address, not a mention.
MENTION = re.compile(r"(?<![\w.@])@([\w.+-]*\w(?:@[\w-]+(?:\.[\w-]+)+)?)")
STAFF_ROLES = (User.Role.AGENT, User.Role.LEAD, User.Role.ADMIN, User.Role.SALES)


def mentioned(body: str, *, ticket, author: User | None) -> list[User]:
    """The colleagues `body` mentions who may see `ticket`, the author left out. A first name shared by
    two people names neither: a note must not reach the wrong Alice."""
    handles = {handle.lower() for handle in MENTION.findall(body)}
    if not handles:
        return []
    staff = list(User.objects.filter(is_active=True, role__in=STAFF_ROLES).exclude(pk=author.pk if author else None))
    by_first_name: dict[str, list[User]] = {}
    for person in staff:
        by_first_name.setdefault(person.first_name.lower(), []).append(person)
    found: dict[int, User] = {}
    for person in staff:
        email = person.email.lower()
        if email in handles or email.split("@")[0] in handles:
            found[person.pk] = person
    for handle in handles:
        namesakes = by_first_name.get(handle, [])
        if len(namesakes) == 1:
            found[namesakes[0].pk] = namesakes[0]
    return [person for person in found.values() if permissions.can_see_ticket(person, ticket)]
