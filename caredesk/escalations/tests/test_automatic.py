"""Breached targets and broken promises escalate by themselves; unresolved ones climb after the delay."""

from datetime import timedelta

import pytest
from django.db import transaction

from caredesk.conversations import events
from caredesk.conversations.models import Event
from caredesk.escalations import services, tasks
from caredesk.system import clock, schedule


def breach(ticket, target=1, kind="first_reply", due="2026-03-03T11:00:00+00:00"):
    with transaction.atomic():
        return events.record(ticket, Event.Kind.TARGET_BREACHED, data={"target": target, "kind": kind, "due": due})


def test_a_breached_target_escalates_the_ticket_to_level_1(ticket, lena):
    breach(ticket, target=7)
    escalation = ticket.escalations.get()
    assert (escalation.level, escalation.automatic, escalation.raised_by, escalation.cause, escalation.cause_id) == (
        1, True, None, "target_breached", 7,
    )
    assert escalation.reason == "The first reply target was missed (due 3 Mar 2026, 11:00)."
    event = ticket.events.get(kind=Event.Kind.ESCALATED)
    assert (event.actor, event.data["automatic"], event.data["cause"], event.data["cause_id"]) == (None, True, "target_breached", 7)


def test_a_broken_promise_escalates_the_ticket(ticket, alice, lena):
    with transaction.atomic():
        events.record(ticket, Event.Kind.PROMISE_BROKEN, by=None, data={"promise": 3, "what": "Call her back", "due": "2026-03-03T12:00:00+00:00"})
    escalation = ticket.escalations.get()
    assert (escalation.cause, escalation.cause_id) == ("promise_broken", 3)
    assert escalation.reason == "A promise to the customer was broken: \u201cCall her back\u201d (due 3 Mar 2026, 12:00)."


def test_an_escalated_ticket_is_not_escalated_again_by_a_breach(ticket, alice, lena, billing_ladder):
    services.escalate(ticket, by=alice, reason="Refund above my limit")
    breach(ticket)
    assert list(ticket.escalations.values_list("level", "automatic")) == [(1, False)]


def test_a_breach_on_a_closed_ticket_records_the_event_and_escalates_nothing(ticket, alice):
    from caredesk.conversations import services as ticket_services

    ticket_services.change_status(ticket, status="closed", by=alice)
    breach(ticket)
    assert ticket.events.filter(kind=Event.Kind.TARGET_BREACHED).exists()
    assert not ticket.escalations.exists()


def test_other_events_escalate_nothing(ticket):
    with transaction.atomic():
        events.record(ticket, Event.Kind.TARGET_MET, data={"target": 1, "kind": "first_reply"})
    assert not ticket.escalations.exists()


def test_an_unresolved_automatic_escalation_climbs_after_the_ladder_delay(ticket, lena, ada, billing_ladder):
    breach(ticket)
    first = ticket.escalations.get()
    assert first.climb_at == first.raised_at + timedelta(minutes=60)
    assert services.climb_due(now=first.raised_at + timedelta(minutes=59)) == 0
    assert services.climb_due(now=first.raised_at + timedelta(minutes=60)) == 1
    first.refresh_from_db()
    upper = ticket.escalations.get(state="open")
    assert (first.state, upper.level, upper.automatic, upper.previous, upper.climb_at) == ("climbed", 2, True, first, None)
    assert upper.reason.startswith("Unresolved for 60 minutes at level 1: The first reply target was missed")
    assert services.climb_due(now=first.raised_at + timedelta(hours=5)) == 0  # the top: once only


def test_a_resolved_escalation_does_not_climb(ticket, lena, ada, billing_ladder):
    breach(ticket)
    escalation = ticket.escalations.get()
    services.resolve(escalation, by=lena, resolution="Replied now")
    assert services.climb_due(now=escalation.raised_at + timedelta(hours=2)) == 0
    assert ticket.escalations.count() == 1


def test_manual_escalations_do_not_climb_by_themselves(ticket, alice, lena, billing_ladder):
    escalation = services.escalate(ticket, by=alice, reason="Refund above my limit")
    assert escalation.climb_at is None
    assert services.climb_due(now=escalation.raised_at + timedelta(days=2)) == 0


def test_without_a_level_2_nothing_climbs(ticket, lena):
    breach(ticket)
    escalation = ticket.escalations.get()
    assert escalation.climb_at is None
    assert services.climb_due(now=escalation.raised_at + timedelta(days=2)) == 0


def test_changing_the_delay_re_times_open_automatic_escalations(ticket, billing, lena, ada, billing_ladder):
    breach(ticket)
    services.save_ladder(billing, by=ada, escalation_team=None, manager=ada, auto_escalate_after_minutes=15)
    escalation = ticket.escalations.get()
    assert escalation.climb_at == escalation.raised_at + timedelta(minutes=15)
    services.save_ladder(billing, by=ada, escalation_team=None, manager=None, auto_escalate_after_minutes=15)
    assert ticket.escalations.get().climb_at is None


def test_the_climbing_task_runs_every_minute_and_climbs(ticket, lena, ada, billing_ladder):
    job = next(job for job in schedule.jobs() if job.name == "climb escalations")
    assert (job.every, job.task) == (timedelta(seconds=60), tasks.climb_escalations)
    breach(ticket)
    with clock.travel_to(clock.now() + timedelta(minutes=61)):
        tasks.climb_escalations.call()
    assert ticket.escalations.get(state="open").level == 2


def test_the_climb_tells_level_2(ticket, lena, ada, billing_ladder):
    from caredesk.mail.models import OutboundEmail

    breach(ticket)
    with clock.travel_to(clock.now() + timedelta(minutes=61)):
        services.climb_due()
    email = OutboundEmail.objects.get(to="ada@example.com")
    assert email.subject == f"[#{ticket.pk}] Escalated to you: Charged twice for my groceries"
    assert email.body_text.startswith("caredesk escalated")


def test_the_climb_query_reads_the_partial_index(db):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL picks its plan by table size; SQLite shows the index choice on any table")
    plan = services.due_to_climb(now=clock.now()).explain()
    assert "escalation_open_climb" in plan
