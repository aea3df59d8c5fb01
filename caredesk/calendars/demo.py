"""Fresh Basket's business calendars for the demo desk: the office's hours as the default, and the
delivery team's longer week. Idempotent: what exists (perhaps edited by an admin) is left alone."""

from datetime import date

from caredesk.accounts.models import Team, User
from caredesk.system import clock

from .models import BusinessCalendar, ClosedDay

OFFICE = {
    "name": "UK office",
    "hours": "mon-fri 08:00-18:00\nsat 09:00-13:00",
    "time_zone": "Europe/London",
    "holidays": "GB-ENG",
}
DELIVERY_DAYS = {
    "name": "Delivery days",
    # Vans run every day; bank holidays included, so no public holidays, only Christmas Day.
    "hours": "mon-sat 07:00-21:00\nsun 09:00-17:00",
    "time_zone": "Europe/London",
    "holidays": "",
}


def load(teams: dict[str, Team], staff: dict[str, User]) -> None:
    year = clock.now().year
    office, made = BusinessCalendar.objects.get_or_create(
        name=OFFICE["name"],
        defaults={**OFFICE, "is_default": not BusinessCalendar.objects.filter(is_default=True).exists()},
    )
    if made:
        for when in (year, year + 1):
            ClosedDay.objects.create(calendar=office, date=date(when, 12, 24), name="Christmas Eve: the office closes")
    deliveries, made = BusinessCalendar.objects.get_or_create(name=DELIVERY_DAYS["name"], defaults=DELIVERY_DAYS)
    if made:
        for when in (year, year + 1):
            ClosedDay.objects.create(calendar=deliveries, date=date(when, 12, 25), name="Christmas Day: no deliveries")
    team = teams.get("Deliveries")
    if team is not None and team.calendar_id is None:
        Team.objects.filter(pk=team.pk).update(calendar=deliveries)
        team.calendar = deliveries
    # Billing and Product & Quality keep no calendar of their own: they work to the default, UK office.
