"""A small history built by hand, with exact times on a known calendar (Mon-Fri 09:00-17:00, London,
no holidays; early March 2026 is GMT, so local time is UTC). Shared by the metric and page tests."""

from datetime import datetime, timezone

from caredesk.calendars.models import BusinessCalendar
from caredesk.conversations import events, hooks, services
from caredesk.conversations.models import Event
from caredesk.system import clock

MON, TUE = 2, 3  # March 2026: Monday the 2nd, Tuesday the 3rd


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=timezone.utc)


def nine_to_five(team):
    calendar = BusinessCalendar.objects.create(name="Office", hours="mon-fri 09:00-17:00", time_zone="Europe/London")
    team.calendar = calendar
    team.save(update_fields=["calendar"])
    return calendar


def survey(ticket, when, survey_id, kind, score, scale, changed=False):
    with clock.travel_to(when):
        events.record(ticket, Event.Kind.SURVEY_ANSWERED, by=None, at=when,
                      data={"survey": survey_id, "kind": kind, "score": score, "scale": scale, "changed": changed})


def build(*, team, alice, bob, customer):
    """Ticket A (email, alice): first reply 90 min, next reply 60 min, solved after 600 business minutes.
    Ticket B (web, bob then alice): handed off once, first reply 120 min, solved, reopened, solved again
    480 business minutes after it was opened. Ticket C: opened Tuesday 16:00, still open.
    Promises 2 kept of 3, targets 2 met of 3, CSAT 1 good of 2, NPS 25 (4 answers), CES 5.5 (2 answers)."""
    nine_to_five(team)
    with hooks.history():
        with clock.travel_to(at(MON, 9)):
            a = services.open_ticket(customer=customer, team=team, owner=alice, subject="A", body="a", by=alice, channel="email")
        with clock.travel_to(at(MON, 10, 30)):
            services.reply(a, by=alice, body="On it.")
        with clock.travel_to(at(MON, 12)):
            b = services.open_ticket(customer=customer, team=team, owner=bob, subject="B", body="b", by=bob, channel="web")
        with clock.travel_to(at(MON, 13)):
            services.transfer(b, to_owner=alice, by=bob, reason="Alice knows refunds")
        with clock.travel_to(at(MON, 14)):
            services.reply(b, by=alice, body="Refunded.")
        with clock.travel_to(at(MON, 15)):
            services.change_status(b, status="solved", by=alice)
        with clock.travel_to(at(MON, 16, 30)):
            services.customer_reply(a, customer=customer, body="Any news?")
        with clock.travel_to(at(TUE, 9, 30)):
            services.reply(a, by=alice, body="Yes: done.")
        with clock.travel_to(at(TUE, 10)):
            services.customer_reply(b, customer=customer, body="Not refunded yet!")
        with clock.travel_to(at(TUE, 11)):
            services.change_status(a, status="solved", by=alice)
        with clock.travel_to(at(TUE, 12)):
            services.change_status(b, status="solved", by=alice)
        with clock.travel_to(at(TUE, 16)):
            c = services.open_ticket(customer=customer, team=team, subject="C", body="c", channel="email")
        with clock.travel_to(at(TUE, 13)):
            events.record(a, Event.Kind.PROMISE_KEPT, by=alice, data={"promise": 1, "owner": alice.pk})
            events.record(b, Event.Kind.PROMISE_BROKEN, by=None, data={"promise": 2, "owner": alice.pk})
            events.record(b, Event.Kind.PROMISE_KEPT, by=alice, data={"promise": 3, "owner": alice.pk})
            events.record(a, Event.Kind.TARGET_MET, by=None, data={"target": 1})
            events.record(a, Event.Kind.TARGET_MET, by=None, data={"target": 2})
            events.record(b, Event.Kind.TARGET_BREACHED, by=None, data={"target": 3})
        survey(a, at(TUE, 14), 10, "csat", 2, 5)
        survey(a, at(TUE, 14, 5), 10, "csat", 4, 5, changed=True)  # the latest answer counts: good
        survey(b, at(TUE, 14), 11, "csat", 1, 2)  # good/bad: bad
        survey(a, at(TUE, 14), 12, "nps", 10, 10)
        survey(b, at(TUE, 14), 13, "nps", 6, 10)
        survey(a, at(TUE, 14), 14, "nps", 9, 10)
        survey(b, at(TUE, 14), 15, "nps", 8, 10)
        survey(a, at(TUE, 14), 16, "ces", 6, 7)
        survey(b, at(TUE, 14), 17, "ces", 3, 7)
        survey(b, at(TUE, 14, 10), 17, "ces", 5, 7, changed=True)
    return a, b, c
