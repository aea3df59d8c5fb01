"""Demo surveys for Fresh Basket: the history's solves of the last 90 days were surveyed a day after
solving (CSAT 1-5 and NPS by default; the first team asks CSAT good/bad and CES), about a third of
customers answered, mostly well, some badly with real comments; low answers opened follow-ups, all but
the latest few handled by a lead with a note. Backdated, with their events. Idempotent: nothing is
added to a desk that has surveys already.

Needs: the six-month history (STATUS_CHANGED events to "solved"), teams with leads or an admin in `staff`.
"""

import random
from datetime import timedelta

from django.db.models import Max

from caredesk.accounts.models import Team, User
from caredesk.conversations import events
from caredesk.conversations.models import Event, Ticket
from caredesk.system import clock, queue

from . import queries, services
from .models import FollowUp, Kind, Scale, Survey, SurveySettings

DAYS = 90
MOST = 900  # solves surveyed at most (the newest)
ANSWERED = 0.36
OPEN_FOLLOW_UPS = 4

GOOD = (
    "Quick answer and the refund was there the next day. Thank you!",
    "Alice explained everything clearly, no need to call twice.",
    "Friendly and sorted within the hour.",
    "You kept me posted the whole time, that made all the difference.",
    "Replacement arrived as promised. Great service.",
    "Very patient with my questions about the invoice.",
    "",
    "",
    "",
)
BAD = (
    "Three emails before anyone read what I actually wrote.",
    "I was told the refund takes ten days. Nobody said that at the start.",
    "The driver still left the box at the wrong door.",
    "Solved? I never got an answer to my question about the second charge.",
    "Passed from one person to another, had to repeat everything.",
    "The voucher is nice but the order was for a birthday, which has passed.",
)
NOTES = (
    "Called the customer, apologised and refunded the delivery fee.",
    "Reopened and answered the open question; coached the agent on reading the whole thread.",
    "Spoke to the depot about the drop-off note; customer happy with a voucher.",
    "Explained the refund timeline; added it to the macro so it is said up front.",
)


def _score(rng: random.Random, kind: str, scale: str) -> int:
    good = rng.random() < 0.87
    if scale == Scale.GOOD_BAD:
        return 1 if good else 0
    if scale == Scale.ONE_TO_FIVE:
        return rng.choice((4, 5, 5, 5)) if good else rng.choice((1, 2, 2, 3))
    if scale == Scale.ONE_TO_SEVEN:
        return rng.choice((5, 6, 7, 7)) if good else rng.choice((1, 2, 3, 4))
    return rng.choice((8, 9, 9, 10, 10)) if good else rng.choice((2, 4, 5, 6, 7))


def load(teams: dict[str, Team], staff: dict[str, User]) -> None:
    if Survey.objects.exists():
        return
    rng = random.Random(6)
    now = clock.now()
    SurveySettings.objects.get_or_create(team=None, defaults={"csat_scale": Scale.ONE_TO_FIVE, "nps": True})
    first = next(iter(teams.values()), None)
    if first is not None:
        SurveySettings.objects.get_or_create(team=first, defaults={"csat_scale": Scale.GOOD_BAD, "ces": True})
    # The latest solve of each ticket solved in the period (one indexed scan of the event log).
    solves = list(
        Event.objects.filter(kind=Event.Kind.STATUS_CHANGED, data__to=Ticket.Status.SOLVED, at__gte=now - timedelta(days=DAYS))
        .values("ticket_id")
        .annotate(last=Max("id"))
        .order_by("-last")[:MOST]
    )
    solve_events = Event.objects.in_bulk([row["last"] for row in solves])
    tickets = Ticket.objects.select_related("team", "customer").in_bulk([row["ticket_id"] for row in solves])
    settings = {}
    admin = next((u for u in staff.values() if u.role == User.Role.ADMIN), None)
    answered = []
    with queue.suppressed():
        for row in sorted(solves, key=lambda r: r["last"]):
            solve, ticket = solve_events[row["last"]], tickets[row["ticket_id"]]
            if ticket.team_id is None or ticket.merged_into_id:
                continue
            config = settings.setdefault(ticket.team_id, services.settings_for(ticket.team))
            sent_at = solve.at + timedelta(hours=config.delay_hours)
            if sent_at >= now:
                continue
            with clock.travel_to(sent_at):
                surveys = [
                    Survey.objects.create(
                        ticket=ticket, team=ticket.team, solve_event_id=solve.pk, kind=kind, scale=scale,
                        channel=config.channel, sent_at=sent_at, changeable_until=sent_at + timedelta(days=config.change_days),
                        low_threshold=config.low_threshold(kind, scale),
                    )
                    for kind, scale in config.kinds()
                ]
                events.record(
                    ticket, Event.Kind.SURVEY_SENT, by=None,
                    data={"surveys": [{"survey": s.pk, "kind": s.kind, "scale": s.scale} for s in surveys],
                          "channel": config.channel, "emailed": True, "solve": solve.pk},
                )
            if rng.random() < ANSWERED:
                answered_at = sent_at + timedelta(minutes=rng.randrange(5, 60 * 30))
                if answered_at < now:
                    answered.append((answered_at, surveys))
        for answered_at, surveys in sorted(answered, key=lambda a: a[0]):
            with clock.travel_to(answered_at):
                for survey in surveys:
                    score = _score(rng, survey.kind, survey.scale)
                    low = score <= survey.low_threshold
                    comment = rng.choice(BAD) if low and rng.random() < 0.8 else (rng.choice(GOOD) if survey.kind == Kind.CSAT else "")
                    services.answer(survey, score=score, comment=comment if survey.kind == Kind.CSAT or low else "",
                                    by=survey.ticket.customer.user)
        # Leads handle low scores within a day or two; the latest few are still waiting.
        waiting = list(FollowUp.objects.order_by("-created_at", "-id").values_list("pk", flat=True)[:OPEN_FOLLOW_UPS])
        for follow_up in FollowUp.objects.exclude(pk__in=waiting).select_related("survey"):
            lead = queries.leads_of(follow_up.team_id).first() or admin
            handled_at = follow_up.created_at + timedelta(hours=rng.randrange(2, 40))
            if lead is None or handled_at >= now:
                continue
            with clock.travel_to(handled_at):
                services.handle(follow_up, by=lead, note=rng.choice(NOTES))
