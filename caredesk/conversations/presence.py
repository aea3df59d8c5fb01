"""Who has a ticket open right now, and who is typing a reply: the collision notice on the ticket page.

The page reports its viewer every few seconds and the composer reports typing, so a row not refreshed
for VIEWING_WINDOW means the person has gone. Rows are read by ticket (the unique index on
ticket and user), never by scanning the table. Presence is not ticket history: no events are recorded.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction

from caredesk.accounts.models import User
from caredesk.system import clock

from .models import Presence, Ticket

VIEWING_WINDOW = timedelta(seconds=20)
TYPING_WINDOW = timedelta(seconds=8)


@dataclass
class Colleague:
    user: User
    typing: bool


def record(ticket: Ticket, user: User, *, typing: bool = False) -> None:
    """Note that `user` has the ticket open now (and is typing, if so). The caller checked they may see it."""
    now = clock.now()
    changes = {"seen_at": now, **({"typing_at": now} if typing else {})}
    if Presence.objects.filter(ticket=ticket, user=user).update(**changes):
        return
    try:
        with transaction.atomic():
            Presence.objects.create(ticket=ticket, user=user, **changes)
    except IntegrityError:  # the same person's other tab made the row a moment ago
        Presence.objects.filter(ticket=ticket, user=user).update(**changes)


def others(ticket: Ticket, user: User) -> list[Colleague]:
    """Everyone but `user` seen on the ticket lately, typists first, then by name."""
    now = clock.now()
    rows = (
        Presence.objects.filter(ticket=ticket, seen_at__gte=now - VIEWING_WINDOW)
        .exclude(user=user)
        .select_related("user")
    )
    colleagues = [
        Colleague(row.user, bool(row.typing_at and row.typing_at >= now - TYPING_WINDOW)) for row in rows
    ]
    return sorted(colleagues, key=lambda colleague: (not colleague.typing, str(colleague.user)))
