"""Target clocks driven by a ticket's events, on histories built with the services at set times."""

from datetime import timedelta

import pytest

from caredesk.conversations import services
from caredesk.conversations.models import Event, Ticket
from caredesk.mail.models import OutboundEmail
from caredesk.service_levels import sweep
from caredesk.service_levels.models import Target
from caredesk.system import clock

from .conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def standard(make_policy, office_hours):
    return make_policy("Standard", first_reply_minutes=60, next_reply_minutes=120, resolution_minutes=8 * 60)


def open_at(when, ticket_factory, **kw):
    with clock.travel_to(when):
        return ticket_factory.create(**kw)


def targets(ticket) -> dict[str, Target]:
    return {t.kind: t for t in Target.objects.filter(ticket=ticket).order_by("pk")}


def test_a_new_ticket_gets_first_reply_and_resolution_targets_in_business_time(standard, ticket_factory, miggins, billing, alice):
    ticket = open_at(at(6, 16, 30), ticket_factory, customer=miggins, team=billing, owner=alice)  # Friday 16:30
    clocks = targets(ticket)
    assert set(clocks) == {"first_reply", "resolution"}
    # 30 minutes on Friday, the other 30 on Monday morning.
    assert clocks["first_reply"].due_at == at(9, 9, 30)
    assert clocks["resolution"].due_at == at(9, 16, 30)
    assert clocks["first_reply"].at_risk_at == at(9, 9, 15)  # 75% of the hour
    ticket.refresh_from_db()
    assert ticket.next_due_at == at(9, 9, 30)


def test_an_agent_reply_meets_the_first_reply_target_and_records_it(standard, ticket_factory, miggins, billing, alice):
    ticket = open_at(at(2, 9), ticket_factory, customer=miggins, team=billing, owner=alice)
    with clock.travel_to(at(2, 9, 40)):
        services.reply(ticket, by=alice, body="Looking into it now.")
    first = targets(ticket)["first_reply"]
    assert (first.state, first.met_at, first.ended_at) == ("met", at(2, 9, 40), at(2, 9, 40))
    event = ticket.events.get(kind=Event.Kind.TARGET_MET)
    assert event.data == {
        "target": first.pk, "kind": "first_reply", "policy": standard.pk, "due": at(2, 10).isoformat(),
        "met_at": at(2, 9, 40).isoformat(), "business_minutes": 60, "business_minutes_used": 40,
    }
    ticket.refresh_from_db()
    assert ticket.next_due_at == at(2, 17)  # the resolution target is what is left


def test_a_note_does_not_meet_the_first_reply_target(standard, ticket_factory, miggins, billing, alice):
    ticket = open_at(at(2, 9), ticket_factory, customer=miggins, team=billing, owner=alice)
    with clock.travel_to(at(2, 9, 10)):
        services.add_note(ticket, by=alice, body="Checking the payment provider first.")
    assert targets(ticket)["first_reply"].state == "running"


def test_the_customer_writing_again_starts_a_next_reply_target(standard, ticket_factory, miggins, billing, alice):
    ticket = open_at(at(2, 9), ticket_factory, customer=miggins, team=billing, owner=alice)
    with clock.travel_to(at(2, 9, 30)):
        services.reply(ticket, by=alice, body="Which order was it?")
    with clock.travel_to(at(2, 16)):
        services.customer_reply(ticket, customer=miggins, body="The one from Tuesday.")
    next_reply = targets(ticket)["next_reply"]
    assert (next_reply.state, next_reply.due_at) == ("running", at(3, 10))  # two working hours: 1 today, 1 tomorrow
    with clock.travel_to(at(2, 16, 5)):
        services.customer_reply(ticket, customer=miggins, body="Also, the eggs were cracked.")
    assert Target.objects.filter(ticket=ticket, kind="next_reply").count() == 1  # one clock while we owe a reply


def test_a_missed_first_reply_is_breached_by_the_sweep_and_the_owner_is_told_once(
    standard, ticket_factory, miggins, billing, alice
):
    ticket = open_at(at(6, 16, 30), ticket_factory, customer=miggins, team=billing, owner=alice)
    assert sweep.sweep(now=at(9, 9, 29)).breached == 0
    result = sweep.sweep(now=at(9, 9, 31))
    assert result.breached == 1
    first = targets(ticket)["first_reply"]
    assert (first.state, first.breached_at, first.ended_at) == ("breached", at(9, 9, 31), None)
    event = ticket.events.get(kind=Event.Kind.TARGET_BREACHED)
    assert (event.at, event.actor, event.data["kind"], event.data["due"]) == (
        at(9, 9, 31), None, "first_reply", at(9, 9, 30).isoformat()
    )
    emails = OutboundEmail.objects.filter(ticket=ticket, to=alice.email, subject__contains="First reply target missed")
    assert emails.count() == 1
    assert sweep.sweep(now=at(9, 9, 40)).breached == 0  # never twice
    from caredesk.service_levels.tasks import tell_owners_of_breaches

    tell_owners_of_breaches.call(target_ids=[first.pk])  # the task run again sends nothing new
    assert emails.count() == 1
    ticket.refresh_from_db()
    assert ticket.next_due_at == at(9, 9, 30)  # still owed: the queue shows it overdue


def test_a_late_reply_ends_a_breached_target_without_meeting_it(standard, ticket_factory, miggins, billing, alice):
    ticket = open_at(at(2, 9), ticket_factory, customer=miggins, team=billing, owner=alice)
    sweep.sweep(now=at(2, 10, 1))
    with clock.travel_to(at(2, 11)):
        services.reply(ticket, by=alice, body="Sorry for the wait.")
    first = targets(ticket)["first_reply"]
    assert (first.state, first.ended_at) == ("breached", at(2, 11))
    assert not ticket.events.filter(kind=Event.Kind.TARGET_MET).exists()
    ticket.refresh_from_db()
    assert ticket.next_due_at == at(2, 17)


def test_the_sweep_flags_targets_at_risk_before_they_are_due(standard, ticket_factory, miggins, billing, alice):
    ticket = open_at(at(2, 9), ticket_factory, customer=miggins, team=billing, owner=alice)
    assert sweep.sweep(now=at(2, 9, 44)).at_risk == 0
    assert sweep.sweep(now=at(2, 9, 45)).at_risk == 1
    assert targets(ticket)["first_reply"].at_risk is True
    assert targets(ticket)["resolution"].at_risk is False


def test_pending_customer_pauses_the_clocks_and_their_answer_resumes_them(standard, ticket_factory, miggins, billing, alice):
    ticket = open_at(at(2, 9), ticket_factory, customer=miggins, team=billing, owner=alice)
    with clock.travel_to(at(2, 10)):
        services.reply(ticket, by=alice, body="Could you send a photo?", status=Ticket.Status.PENDING_CUSTOMER)
    resolution = targets(ticket)["resolution"]
    assert (resolution.state, resolution.paused_at, resolution.used_before_pause, resolution.due_at) == (
        "paused", at(2, 10), timedelta(hours=1), None
    )
    ticket.refresh_from_db()
    assert ticket.next_due_at is None  # nothing is running: the queue shows no time left
    # A week later the sweep has nothing to breach: the clock was stopped.
    assert sweep.sweep(now=at(9, 9)).breached == 0
    with clock.travel_to(at(9, 11)):
        services.customer_reply(ticket, customer=miggins, body="Here it is.")
    resolution = targets(ticket)["resolution"]
    # Seven working hours were left: Monday 11:00 + 6h = 17:00, then one more hour on Tuesday.
    assert (resolution.state, resolution.due_at) == ("running", at(10, 10))
    ticket.refresh_from_db()
    assert ticket.status == "open"
    assert ticket.next_due_at == at(9, 13)  # the new next-reply target comes first


def test_a_policy_can_keep_clocks_running_while_on_hold(make_policy, office_hours, ticket_factory, miggins, billing, alice):
    make_policy("Strict", resolution_minutes=240, pause_when_on_hold=False)
    ticket = open_at(at(2, 9), ticket_factory, customer=miggins, team=billing, owner=alice)
    with clock.travel_to(at(2, 10)):
        services.change_status(ticket, status=Ticket.Status.ON_HOLD, by=alice)
    assert targets(ticket)["resolution"].state == "running"
    with clock.travel_to(at(2, 10, 30)):
        services.change_status(ticket, status=Ticket.Status.PENDING_CUSTOMER, by=alice)
    assert targets(ticket)["resolution"].state == "paused"


def test_solving_meets_the_resolution_target_and_stops_the_rest(standard, ticket_factory, miggins, billing, alice):
    ticket = open_at(at(2, 9), ticket_factory, customer=miggins, team=billing, owner=alice)
    with clock.travel_to(at(2, 9, 50)):
        services.change_status(ticket, status=Ticket.Status.SOLVED, by=alice)
    clocks = targets(ticket)
    assert (clocks["resolution"].state, clocks["resolution"].met_at) == ("met", at(2, 9, 50))
    assert clocks["first_reply"].state == "stopped"
    ticket.refresh_from_db()
    assert ticket.next_due_at is None


def test_solving_after_a_resolution_breach_keeps_the_breach(standard, ticket_factory, miggins, billing, alice, ada):
    ticket = open_at(at(2, 9), ticket_factory, customer=miggins, team=billing, owner=alice)
    with clock.travel_to(at(2, 9, 5)):
        services.reply(ticket, by=alice, body="On it.")
    sweep.sweep(now=at(3, 9, 1))
    # The breach escalated the ticket (escalations): Billing has no lead here, so the admin is its level.
    with clock.travel_to(at(3, 10)):
        services.change_status(ticket, status=Ticket.Status.SOLVED, by=ada)
    resolution = targets(ticket)["resolution"]
    assert (resolution.state, resolution.ended_at) == ("breached", at(3, 10))
    assert not ticket.events.filter(kind=Event.Kind.TARGET_MET, data__kind="resolution").exists()


def test_a_reopened_ticket_gets_a_new_resolution_target(standard, ticket_factory, miggins, billing, alice):
    ticket = open_at(at(2, 9), ticket_factory, customer=miggins, team=billing, owner=alice)
    with clock.travel_to(at(2, 9, 5)):
        services.reply(ticket, by=alice, body="Refunded.", status=Ticket.Status.SOLVED)
    with clock.travel_to(at(4, 9)):
        services.customer_reply(ticket, customer=miggins, body="The refund has not arrived.")
    resolutions = Target.objects.filter(ticket=ticket, kind="resolution").order_by("pk")
    assert [(t.state, t.started_at, t.due_at) for t in resolutions] == [
        ("met", at(2, 9), at(2, 17)),
        ("running", at(4, 9), at(4, 17)),
    ]


def test_a_higher_priority_takes_the_stricter_policy_from_the_ticket_start(make_policy, office_hours, ticket_factory, miggins, billing, alice):
    make_policy("Urgent", priorities=[Ticket.Priority.URGENT], first_reply_minutes=15, resolution_minutes=120)
    make_policy("Standard", first_reply_minutes=60, resolution_minutes=480)
    ticket = open_at(at(2, 9), ticket_factory, customer=miggins, team=billing, owner=alice)
    assert targets(ticket)["first_reply"].due_at == at(2, 10)
    with clock.travel_to(at(2, 9, 5)):
        services.change_priority(ticket, priority=Ticket.Priority.URGENT, by=alice)
    clocks = targets(ticket)
    assert (clocks["first_reply"].policy.name, clocks["first_reply"].started_at, clocks["first_reply"].due_at) == (
        "Urgent", at(2, 9), at(2, 9, 15)
    )
    assert clocks["resolution"].due_at == at(2, 11)
    ticket.refresh_from_db()
    assert ticket.next_due_at == at(2, 9, 15)


def test_a_paused_clock_keeps_the_time_it_used_when_the_policy_changes(make_policy, office_hours, ticket_factory, miggins, billing, alice):
    make_policy("Urgent", priorities=[Ticket.Priority.URGENT], resolution_minutes=120)
    make_policy("Standard", resolution_minutes=480)
    ticket = open_at(at(2, 9), ticket_factory, customer=miggins, team=billing, owner=alice)
    with clock.travel_to(at(2, 10)):
        services.change_status(ticket, status=Ticket.Status.ON_HOLD, by=alice)
    with clock.travel_to(at(2, 11)):
        services.change_priority(ticket, priority=Ticket.Priority.URGENT, by=alice)
    with clock.travel_to(at(2, 14)):
        services.change_status(ticket, status=Ticket.Status.OPEN, by=alice)
    resolution = targets(ticket)["resolution"]
    assert (resolution.business_minutes, resolution.used_before_pause, resolution.due_at) == (120, timedelta(hours=1), at(2, 15))


def test_a_transfer_counts_in_the_new_teams_calendar(make_policy, office_hours, ticket_factory, miggins, billing, deliveries, alice, charlie):
    from caredesk.calendars.models import BusinessCalendar

    deliveries.calendar = BusinessCalendar.objects.create(name="Early", hours="mon-fri 07:00-19:00", time_zone="Europe/London")
    deliveries.save()
    make_policy("Standard", first_reply_minutes=120)
    ticket = open_at(at(2, 16), ticket_factory, customer=miggins, team=billing, owner=alice)
    assert targets(ticket)["first_reply"].due_at == at(3, 10)
    with clock.travel_to(at(2, 16, 30)):
        services.transfer(ticket, to_team=deliveries, by=alice, reason="A delivery question")
    # Fresh clock: two hours from 16:00 in the Deliveries calendar, which runs until 19:00.
    assert targets(ticket)["first_reply"].due_at == at(2, 18)


def test_a_ticket_no_policy_matches_has_no_targets(make_policy, office_hours, ticket_factory, miggins, billing, alice):
    make_policy("Urgent only", priorities=[Ticket.Priority.URGENT], first_reply_minutes=15)
    ticket = open_at(at(2, 9), ticket_factory, customer=miggins, team=billing, owner=alice)
    assert not Target.objects.filter(ticket=ticket).exists()
    ticket.refresh_from_db()
    assert ticket.next_due_at is None
    with clock.travel_to(at(2, 9, 30)):
        services.change_priority(ticket, priority=Ticket.Priority.URGENT, by=alice)
    first = targets(ticket)["first_reply"]
    assert (first.started_at, first.due_at) == (at(2, 9, 30), at(2, 9, 45))  # from when it started to match


def test_merging_stops_the_merged_tickets_clocks(standard, ticket_factory, miggins, billing, alice):
    ticket = open_at(at(2, 9), ticket_factory, customer=miggins, team=billing, owner=alice)
    survivor = open_at(at(2, 9, 1), ticket_factory, customer=miggins, team=billing, owner=alice)
    with clock.travel_to(at(2, 9, 30)):
        services.merge(ticket, into=survivor, by=alice)
    assert {t.state for t in Target.objects.filter(ticket=ticket)} == {"stopped"}
    assert {t.state for t in Target.objects.filter(ticket=survivor)} == {"running"}


def test_no_calendar_at_all_counts_round_the_clock(make_policy, ticket_factory, miggins, billing, alice):
    make_policy("Standard", first_reply_minutes=60)
    ticket = open_at(at(7, 23), ticket_factory, customer=miggins, team=billing, owner=alice)  # Saturday night
    assert targets(ticket)["first_reply"].due_at == at(8, 0)


def test_a_reply_after_the_due_time_is_a_breach_even_before_the_sweep_runs(standard, ticket_factory, miggins, billing, alice):
    ticket = open_at(at(2, 9), ticket_factory, customer=miggins, team=billing, owner=alice)
    with clock.travel_to(at(2, 10, 1)):
        services.reply(ticket, by=alice, body="Sorry for the wait.")
    first = targets(ticket)["first_reply"]
    assert (first.state, first.breached_at, first.ended_at) == ("breached", at(2, 10, 1), at(2, 10, 1))
    assert list(ticket.events.filter(kind__startswith="target_").values_list("kind", flat=True)) == ["target_breached"]
    assert OutboundEmail.objects.filter(to=alice.email, subject__contains="target missed").count() == 1


def test_solving_a_ticket_never_answered_after_its_due_time_records_the_breach(standard, ticket_factory, miggins, billing, alice):
    ticket = open_at(at(2, 9), ticket_factory, customer=miggins, team=billing, owner=alice)
    with clock.travel_to(at(2, 12)):
        services.change_status(ticket, status=Ticket.Status.SOLVED, by=alice)
    clocks = targets(ticket)
    assert (clocks["first_reply"].state, clocks["resolution"].state) == ("breached", "met")
