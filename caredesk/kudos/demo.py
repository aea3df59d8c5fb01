"""Demo kudos for Fresh Basket: the history's customer messages of the last 90 days routed as they would
have been live (the thank-yous in its conversations reach the agents who replied, telling nobody), and a
few compliments staff logged from calls, visits and social media. Idempotent: a desk that has kudos
already gets nothing more."""

from datetime import timedelta

from caredesk.accounts.models import Team, User
from caredesk.system import clock

from . import services
from .models import Kudos

# (team, first name of the person praised, what was said, channel, days ago)
LOGGED = (
    ("Billing", "Aisha", "Rang to say Aisha talked her through the new invoices so patiently that she finally "
     "understands her bill. Asked us to pass on a big thank you.", Kudos.Source.PHONE, 3),
    ("Billing", "Grace", "Mr Okafor came to the counter to say Grace sorted his refund in one call and was "
     "lovely about it.", Kudos.Source.IN_PERSON, 12),
    ("Deliveries", "Tomasz", "Tweet: 'Shout out to Tomasz from @FreshBasket who carried six bags up to my "
     "4th floor flat in the rain. Legend.'", Kudos.Source.SOCIAL, 5),
    ("Deliveries", "Callum", "Left a voicemail: Callum rang back when he said he would and found her missing "
     "crate at the depot. 'A proper gentleman.'", Kudos.Source.PHONE, 20),
    ("Product & Quality", "Mei-Lin", "Said at the farmers' market stall that Mei-Lin's explanation of the "
     "recall was the clearest she had heard from any shop.", Kudos.Source.IN_PERSON, 8),
    ("Product & Quality", "Rhys", "Facebook review, five stars: 'Rhys replaced the mouldy bread without a "
     "fuss and sent a voucher. Diolch Rhys!'", Kudos.Source.SOCIAL, 30),
)
HISTORY_DAYS = 90  # older praise would be on page ten of the wall; routing it only slows the demo


def load(teams: dict[str, Team], staff: dict[str, User]) -> None:
    if Kudos.objects.exists():
        return
    now = clock.now()
    services.backfill(since=now - timedelta(days=HISTORY_DAYS))
    people = list(staff.values())
    lead = next((u for u in people if u.role == User.Role.LEAD), None) or next(
        (u for u in people if u.role == User.Role.ADMIN), None
    )
    for team_name, first_name, text, source, days_ago in LOGGED:
        team = teams.get(team_name)
        person = next((u for u in people if u.first_name == first_name), None)
        if team is None or person is None or lead is None:
            continue
        with clock.travel_to(now - timedelta(days=days_ago, hours=2)):
            services.log_compliment(person=person, text=text, source=source, by=lead, team=team)
