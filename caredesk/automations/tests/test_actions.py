"""Every action, applied through the desk's services (so each change has its event)."""

import pytest

from caredesk.accounts.models import User
from caredesk.automations import engine, tasks
from caredesk.automations.models import Rule, RuleRun
from caredesk.conversations import services
from caredesk.conversations.models import Event, Macro, Message, Ticket
from caredesk.mail.models import OutboundEmail


@pytest.fixture
def apply(make_rule):
    """apply(ticket, *actions) makes a rule of those actions (no conditions) and applies it to the ticket."""
    count = 0

    def run(ticket, *actions, description=""):
        nonlocal count
        count += 1
        rule = make_rule(f"Rule {count}", actions=list(actions), enabled=False, description=description)
        return engine.apply_rule(rule, ticket.pk)

    return run


def _notices():
    """The automation notices in the outbox (not the "now yours" email of the ticket fixture)."""
    return list(
        OutboundEmail.objects.filter(kind=OutboundEmail.Kind.NOTIFICATION, subject__contains="] Rule ").values_list("to", "subject")
    )


def test_assign_to_an_agent(apply, ticket_factory, miggins, billing, bob):
    queued = ticket_factory.create(customer=miggins, team=billing)
    run = apply(queued, {"action": "assign", "value": bob.pk})
    queued.refresh_from_db()
    assert (queued.owner, queued.status) == (bob, "open")
    assert run.actions[0]["done"] == "Assigned to Bob Baker"


def test_assign_from_one_agent_to_another_is_a_transfer_with_the_rule_as_reason(apply, ticket, bob):
    apply(ticket, {"action": "assign", "value": f"agent:{bob.pk}"})
    event = ticket.events.get(kind=Event.Kind.TRANSFERRED)
    assert (event.actor, event.data["to_owner"], event.data["reason"]) == (None, bob.pk, "Automation rule “Rule 1”")


def test_assign_to_a_team_queue(apply, ticket, deliveries):
    run = apply(ticket, {"action": "assign", "value": f"team:{deliveries.pk}"})
    ticket.refresh_from_db()
    assert (ticket.team, ticket.owner, ticket.handoff_count) == (deliveries, None, 1)
    assert run.actions[0]["done"] == "Moved to the Deliveries queue"


def test_set_priority(apply, ticket):
    apply(ticket, {"action": "set_priority", "value": "urgent"})
    ticket.refresh_from_db()
    assert ticket.priority == Ticket.Priority.URGENT
    assert ticket.events.get(kind=Event.Kind.PRIORITY_CHANGED).data == {"from": 2, "to": 4}


def test_add_and_remove_tags(apply, ticket, alice):
    services.set_tags(ticket, tags=["late", "vip"], by=alice)
    apply(ticket, {"action": "add_tags", "value": "Refund, vip"}, {"action": "remove_tags", "value": ["late"]})
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["refund", "vip"]
    assert ticket.events.filter(kind=Event.Kind.TAGS_CHANGED, actor=None).count() == 2


def test_set_status(apply, ticket):
    apply(ticket, {"action": "set_status", "value": "on_hold"})
    ticket.refresh_from_db()
    assert ticket.status == "on_hold"


def test_set_status_on_a_closed_ticket_is_refused_and_recorded(apply, ticket, alice):
    services.change_status(ticket, status="closed", by=alice)
    run = apply(ticket, {"action": "set_status", "value": "open"})
    assert run.status == RuleRun.Status.FAILED
    assert run.actions[0]["error"] == "A closed ticket stays closed; the customer's next message opens a follow-up."


def test_add_note(apply, ticket):
    apply(ticket, {"action": "add_note", "value": "Check the bank statement first."})
    note = ticket.messages.get(kind=Message.Kind.NOTE)
    assert (note.author, note.body_text) == (None, "Check the bank statement first.")


def test_a_note_mentioning_a_colleague_tells_them(apply, ticket, bob):
    apply(ticket, {"action": "add_note", "value": "@bob please look"})
    assert OutboundEmail.objects.filter(to="bob@example.com", kind=OutboundEmail.Kind.NOTIFICATION).count() == 1


def test_notify_the_owner_once(apply, ticket):
    run = apply(ticket, {"action": "notify", "value": "owner"}, description="Nobody has answered for an hour.")
    assert _notices() == [("alice@example.com", f"[#{ticket.pk}] Rule 1: Charged twice for my groceries")]
    body = OutboundEmail.objects.get(kind=OutboundEmail.Kind.NOTIFICATION, subject__contains="] Rule ").body_text
    assert "Nobody has answered for an hour." in body
    tasks.send_notice.call(run_id=run.pk, user_id=ticket.owner_id)  # the task again: still one email
    assert len(_notices()) == 1


def test_notify_the_team_lead(apply, ticket, lena):
    run = apply(ticket, {"action": "notify", "value": "team_lead"})
    assert [to for to, _subject in _notices()] == ["lena@example.com"]
    assert run.actions[0]["done"] == "Notified Lena Lead"


def test_notify_a_team_without_a_lead_is_recorded_as_failed(apply, ticket):
    run = apply(ticket, {"action": "notify", "value": "team_lead"})
    assert run.actions[0]["error"] == "Billing has no team lead to notify."
    assert _notices() == []


def test_notify_an_agent_who_may_not_see_the_ticket_is_refused(apply, ticket, charlie, bob):
    run = apply(ticket, {"action": "notify", "value": f"agent:{charlie.pk}"}, {"action": "notify", "value": f"agent:{bob.pk}"})
    assert run.actions[0]["error"] == "Charlie Cole may not see this ticket, so is not told about it."
    assert [to for to, _subject in _notices()] == ["bob@example.com"]


def test_notify_the_owner_of_a_ticket_nobody_owns_fails(apply, ticket_factory, miggins, billing):
    run = apply(ticket_factory.create(customer=miggins, team=billing), {"action": "notify", "value": "owner"})
    assert run.actions[0]["error"] == "The ticket has no owner to notify."


def test_send_macro_replies_as_the_owner_with_placeholders_filled(apply, ticket):
    macro = Macro.objects.create(name="Thanks", body="Thank you {{ customer.first_name }}. {{ agent.name }}")
    apply(ticket, {"action": "send_macro", "value": macro.pk})
    reply = ticket.messages.get(kind=Message.Kind.REPLY)
    assert (reply.author, reply.body_text) == (ticket.owner, "Thank you Mrs Miggins. Alice Archer")
    assert OutboundEmail.objects.filter(kind=OutboundEmail.Kind.REPLY, to="miggins@example.com").count() == 1


def test_an_action_naming_something_deleted_is_recorded(apply, ticket):
    macro = Macro.objects.create(name="Gone", body="Hello")
    rule_actions = {"action": "send_macro", "value": macro.pk}
    run_before = apply(ticket, {"action": "set_priority", "value": "low"})
    assert run_before.status == "applied"
    rule = Rule.objects.create(name="Stale", actions=[rule_actions], event_kinds=["created"], enabled=False)
    macro.delete()
    run = engine.apply_rule(rule, ticket.pk)
    assert run.actions[0]["error"] == "What this action names no longer exists; edit the rule."
    assert not ticket.messages.filter(kind=Message.Kind.REPLY).exists()


def test_an_inactive_agent_cannot_be_named_in_a_rule(make_rule, bob):
    from django.core.exceptions import ValidationError

    User.objects.filter(pk=bob.pk).update(is_active=False)
    with pytest.raises(ValidationError) as refused:
        make_rule("To Bob", actions=[{"action": "assign", "value": bob.pk}])
    assert refused.value.message_dict == {"actions": [f"Action 1: There is no active agent with id {bob.pk}."]}


def test_a_note_from_an_automation_shows_as_written_by_the_automation(client, apply, ticket, alice):
    apply(ticket, {"action": "add_note", "value": "Check the bank statement first."})
    client.force_login(alice)
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert '<strong class="text-truncate">Automation</strong>' in page
