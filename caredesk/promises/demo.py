"""Demo promises for Fresh Basket: on the two most recently active open, owned tickets of each team,
one promise still open (due in two working days), and on the third one a promise made last week that
fell due yesterday and was broken by the sweep (so the escalations board has one to show). Idempotent:
nothing is added to a desk that has promises already."""

from datetime import timedelta

from caredesk.accounts.models import Team, User
from caredesk.calendars.services import calendar_for
from caredesk.conversations.models import OPEN_STATUSES, Ticket
from caredesk.system import clock

from . import detection, services
from .models import Promise

WHAT = {
    "Billing": ("Refund the duplicate charge to the customer's card", "Call back with the refund reference"),
    "Deliveries": ("Redeliver the missing items on the next van", "Call back once the driver has reported"),
    "Product & Quality": ("Send the lab's findings on the returned batch", "Post a replacement and a voucher"),
}


def load(teams: dict[str, Team], staff: dict[str, User]) -> None:
    if Promise.objects.exists():
        return
    now = clock.now()
    for name, team in teams.items():
        tickets = list(
            Ticket.objects.filter(team=team, status__in=OPEN_STATUSES, owner__isnull=False, merged_into__isnull=True)
            .select_related("owner", "team")
            .order_by("-updated_at", "-id")[:3]
        )
        calendar = calendar_for(team)
        texts = WHAT.get(name, ("Call back with an update", "Send the replacement"))
        for ticket, what in zip(tickets[:2], texts):
            due = detection.parse_due("within 2 working days", now=now, calendar=calendar)
            services.make_promise(ticket, what=what, due=due, owner=ticket.owner, by=ticket.owner)
        if len(tickets) == 3:
            late = tickets[2]
            noon_yesterday = (now - timedelta(days=1)).astimezone(calendar.tz).replace(hour=12, minute=0, second=0, microsecond=0)
            with clock.travel_to(now - timedelta(days=6)):
                services.make_promise(
                    late, what="Ring back before noon with a decision", due=noon_yesterday,
                    owner=late.owner, by=late.owner,
                )
    services.check(now)
