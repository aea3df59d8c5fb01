"""Event rules end to end: an event happens, the rule's actions run after commit through the desk's services."""

from caredesk.automations.models import RuleRun
from caredesk.conversations import services
from caredesk.conversations.models import Event, Ticket


def test_a_new_ticket_about_a_refund_is_assigned_and_tagged(make_rule, committed, ticket_factory, miggins, billing, bob):
    rule = make_rule(
        "Refunds to Bob",
        event_kinds=["created"],
        conditions=[{"field": "subject", "op": "contains", "value": "refund"}],
        actions=[{"action": "assign", "value": f"agent:{bob.pk}"}, {"action": "add_tags", "value": "refund, money"}],
    )
    with committed():
        ticket = ticket_factory.create(customer=miggins, team=billing, subject="Where is my REFUND?")
        other = ticket_factory.create(customer=miggins, team=billing, subject="Late delivery")
    ticket.refresh_from_db()
    assert ticket.owner == bob
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["money", "refund"]
    applied = ticket.events.get(kind=Event.Kind.AUTOMATION_APPLIED)
    assert applied.actor is None
    assert applied.data == {
        "rule": rule.pk, "name": "Refunds to Bob", "run": applied.data["run"],
        "actions": ["Assigned to Bob Baker", "Tagged money, refund"],
    }
    assigned = ticket.events.get(kind=Event.Kind.ASSIGNED)
    assert (assigned.actor, assigned.data["to"]) == (None, bob.pk)
    other.refresh_from_db()
    assert other.owner is None and not other.tags.exists()
    rule.refresh_from_db()
    assert (rule.applied_count, rule.failed_count) == (1, 0)
    run = RuleRun.objects.get()
    assert (run.ticket, run.status, run.event.kind) == (ticket, "applied", "created")


def test_rules_run_after_commit_not_inside_the_triggering_transaction(make_rule, django_capture_on_commit_callbacks, ticket_factory, miggins, billing):
    make_rule("Tag all", actions=[{"action": "add_tags", "value": "seen"}])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ticket = ticket_factory.create(customer=miggins, team=billing)
        assert not ticket.tags.exists()
    assert len(callbacks) == 1
    callbacks[0]()
    assert list(ticket.tags.values_list("name", flat=True)) == ["seen"]


def test_a_disabled_rule_does_nothing(make_rule, committed, ticket_factory, miggins, billing):
    make_rule("Tag all", actions=[{"action": "add_tags", "value": "seen"}], enabled=False)
    with committed():
        ticket = ticket_factory.create(customer=miggins, team=billing)
    assert not ticket.tags.exists()
    assert not RuleRun.objects.exists()


def test_a_rule_on_customer_replies_checks_the_text_of_that_reply(make_rule, committed, ticket, miggins):
    make_rule(
        "Angry", event_kinds=["customer_replied"],
        conditions=[{"field": "text", "op": "contains", "value": "unacceptable"}],
        actions=[{"action": "set_priority", "value": "urgent"}],
    )
    with committed():
        services.customer_reply(ticket, customer=miggins, body="Thanks, all good.")
    ticket.refresh_from_db()
    assert ticket.priority == Ticket.Priority.NORMAL
    with committed():
        services.customer_reply(ticket, customer=miggins, body="This is UNACCEPTABLE.")
    ticket.refresh_from_db()
    assert ticket.priority == Ticket.Priority.URGENT


def test_an_action_the_desk_refuses_is_recorded_and_the_others_still_happen(make_rule, committed, ticket_factory, miggins, billing, charlie):
    make_rule(
        "To Charlie", actions=[{"action": "assign", "value": f"agent:{charlie.pk}"}, {"action": "add_tags", "value": "vip"}]
    )
    with committed():
        ticket = ticket_factory.create(customer=miggins, team=billing)
    ticket.refresh_from_db()
    assert ticket.owner is None
    assert list(ticket.tags.values_list("name", flat=True)) == ["vip"]
    run = RuleRun.objects.get()
    assert run.status == "failed"
    assert run.actions[0]["error"] == (
        "Charlie Cole is not an agent of Billing; pick someone on the team or leave it in the queue."
    )
    assert run.actions[1]["done"] == "Tagged vip"
    assert ticket.events.get(kind=Event.Kind.AUTOMATION_APPLIED).data["actions"][0].startswith("Failed: Charlie Cole")
    assert run.rule.__class__.objects.get().failed_count == 1


def test_the_ticket_timeline_says_which_rule_did_what(client, make_rule, committed, ticket_factory, miggins, billing, alice):
    make_rule("Tag refunds", actions=[{"action": "add_tags", "value": "refund"}])
    with committed():
        ticket = ticket_factory.create(customer=miggins, team=billing, subject="Refund")
    client.force_login(alice)
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert "Automation <strong>Tag refunds</strong>: Tagged refund" in page


def test_with_the_database_task_backend_the_task_commits_with_the_event(make_rule, ticket_factory, miggins, billing, alice):
    """In production the apply_rules task row is written in the event's own transaction (an outbox):
    a worker runs it only after commit. Events no rule reacts to queue nothing."""
    from django.test import override_settings
    from django_tasks_db.models import DBTaskResult

    from caredesk.automations import engine

    rule = make_rule("Tag replies", event_kinds=["customer_replied"], actions=[{"action": "add_tags", "value": "x"}])
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": []}}):
        ticket = ticket_factory.create(customer=miggins, team=billing)
        assert not DBTaskResult.objects.filter(task_path="caredesk.automations.tasks.apply_rules").exists()
        with engine.chain_of((rule.pk,)):
            services.customer_reply(ticket, customer=miggins, body="Hello again")
    queued = DBTaskResult.objects.get(task_path="caredesk.automations.tasks.apply_rules")
    event = ticket.events.get(kind=Event.Kind.CUSTOMER_REPLIED)
    assert queued.args_kwargs["kwargs"] == {"event_id": event.pk, "chain": [rule.pk]}


def test_the_sweep_is_scheduled_every_five_minutes():
    from caredesk.system import schedule

    job = {job.name: job for job in schedule.jobs()}["automations.run_time_rules"]
    assert job.every.total_seconds() == 300
