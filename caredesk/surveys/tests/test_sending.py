from datetime import timedelta

import pytest
from django.core import mail
from django.test import override_settings
from django_tasks import default_task_backend

from caredesk.conversations import hooks
from caredesk.conversations import services as conversations
from caredesk.conversations.models import Event, Ticket
from caredesk.mail.models import OutboundEmail
from caredesk.surveys import links, services
from caredesk.surveys.models import Survey, SurveySettings
from caredesk.system import clock

from .factories import sent, solve

DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": []}}


@pytest.fixture
def dummy_tasks():
    """A backend that can defer and keeps what was queued."""
    with override_settings(TASKS=DUMMY):
        from django_tasks import task_backends

        backend = task_backends["default"]
        backend.clear()
        yield backend
        backend.clear()


@pytest.fixture
def solve_committed(django_capture_on_commit_callbacks):
    """Solve, running the commit callbacks (backends other than the database one get tasks after commit)."""

    def run(ticket, *, by):
        with django_capture_on_commit_callbacks(execute=True):
            return solve(ticket, by=by)

    return run


def queued(backend) -> list:
    return [r for r in backend.results if r.task.name == "send_surveys"]


def test_a_solve_without_settings_queues_the_default_a_day_later(ticket, alice, dummy_tasks, solve_committed):
    event = solve_committed(ticket, by=alice)
    (result,) = queued(dummy_tasks)
    assert result.task.run_after == event.at + timedelta(hours=24)


def test_solving_queues_the_send_task_after_the_configured_delay(ticket, alice, dummy_tasks, solve_committed):
    SurveySettings.objects.create(team=ticket.team, delay_hours=36)
    event = solve_committed(ticket, by=alice)
    (result,) = queued(dummy_tasks)
    assert result.kwargs == {"ticket_id": ticket.pk, "solve_event_id": event.pk}
    assert result.task.run_after == event.at + timedelta(hours=36)
    assert not Survey.objects.exists()  # nothing is asked before the task runs


def test_solving_queues_nothing_while_history_is_replayed(ticket, alice, dummy_tasks, solve_committed):
    with hooks.history():
        solve_committed(ticket, by=alice)
    assert queued(dummy_tasks) == []


def test_solving_queues_nothing_when_surveys_are_off_for_the_team(ticket, alice, dummy_tasks, solve_committed):
    SurveySettings.objects.create(team=ticket.team, enabled=False)
    solve_committed(ticket, by=alice)
    assert queued(dummy_tasks) == []


def test_email_only_surveys_are_never_queued_for_a_customer_whose_email_fails(ticket, alice, dummy_tasks, solve_committed):
    SurveySettings.objects.create(team=None, channel=SurveySettings.Channel.EMAIL)
    ticket.customer.email_failing_since = clock.now()
    ticket.customer.save()
    solve_committed(ticket, by=alice)
    assert queued(dummy_tasks) == []


def test_solving_with_no_delay_sends_at_once(ticket, alice):
    SurveySettings.objects.create(team=None, delay_hours=0)
    solve(ticket, by=alice)
    assert Survey.objects.filter(ticket=ticket).count() == 1


def test_send_puts_one_email_with_the_one_click_links_in_the_outbox(ticket, alice):
    mail.outbox.clear()
    surveys = sent(ticket, by=alice, csat_scale="1-5", nps=True)
    assert [(s.kind, s.scale) for s in surveys] == [("csat", "1-5"), ("nps", "0-10")]
    (outbound,) = OutboundEmail.objects.filter(ticket=ticket, subject__startswith="How did we do?")
    assert outbound.to == "miggins@example.com"
    (email,) = [m for m in mail.outbox if m.subject.startswith("How did we do?")]
    csat, nps = surveys
    for score in range(1, 6):
        assert f"    {score}: http://127.0.0.1:8000{links.answer_url(csat, score)}" in email.body
    for score in range(11):
        assert links.answer_url(nps, score) in email.body
    assert email.body.count("/surveys/answer/") == 16
    assert 'href="http://127.0.0.1:8000/surveys/answer/' in outbound.body_html


def test_good_or_bad_gives_two_links_good_first(ticket, alice):
    (survey,) = sent(ticket, by=alice)
    body = OutboundEmail.objects.get(ticket=ticket, subject__startswith="How did we do?").body_text
    assert body.index(f"Good: http://127.0.0.1:8000{links.answer_url(survey, 1)}") < body.index(
        f"Bad: http://127.0.0.1:8000{links.answer_url(survey, 0)}"
    )
    assert body.count("/surveys/answer/") == 2


def test_send_records_survey_sent(ticket, alice):
    (survey,) = sent(ticket, by=alice)
    event = ticket.events.get(kind=Event.Kind.SURVEY_SENT)
    assert event.data["surveys"] == [{"survey": survey.pk, "kind": "csat", "scale": "good_bad"}]
    assert (event.data["channel"], event.data["emailed"]) == ("both", True)


def test_a_retried_send_task_sends_nothing_twice(ticket, alice):
    event = solve(ticket, by=alice)
    first = services.send(ticket.pk, event.pk)
    again = services.send(ticket.pk, event.pk)
    assert (len(first), again) == (1, [])
    assert OutboundEmail.objects.filter(ticket=ticket, subject__startswith="How did we do?").count() == 1
    assert ticket.events.filter(kind=Event.Kind.SURVEY_SENT).count() == 1


def test_a_ticket_reopened_before_the_delay_is_not_surveyed(ticket, alice):
    event = solve(ticket, by=alice)
    conversations.change_status(ticket, status=Ticket.Status.OPEN, by=alice)
    assert services.send(ticket.pk, event.pk) == []
    assert not Survey.objects.exists()


def test_a_ticket_solved_again_is_surveyed_for_its_latest_solve_only(ticket, alice):
    first = solve(ticket, by=alice)
    conversations.change_status(ticket, status=Ticket.Status.OPEN, by=alice)
    second = solve(ticket, by=alice)
    assert services.send(ticket.pk, first.pk) == []
    assert [s.solve_event_id for s in services.send(ticket.pk, second.pk)] == [second.pk]


def test_portal_only_surveys_send_no_email(ticket, alice):
    (survey,) = sent(ticket, by=alice, channel=SurveySettings.Channel.PORTAL)
    assert survey.channel == "portal"
    assert not OutboundEmail.objects.filter(ticket=ticket, subject__startswith="How did we do?").exists()


def test_a_team_setting_overrides_the_default(ticket, alice):
    SurveySettings.objects.create(team=None, ces=True)
    SurveySettings.objects.create(team=ticket.team, csat=False, nps=True, change_days=3)
    event = solve(ticket, by=alice)
    (survey,) = services.send(ticket.pk, event.pk)
    assert survey.kind == "nps"
    assert survey.changeable_until == survey.sent_at + timedelta(days=3)


def test_the_survey_email_can_be_switched_off_by_an_admin_template(ticket, alice):
    from caredesk.notifications.models import EmailTemplate

    EmailTemplate.objects.create(kind="survey", enabled=False, subject="x", body="x")
    (survey,) = sent(ticket, by=alice)
    assert not OutboundEmail.objects.filter(ticket=ticket, subject__startswith="How did we do?").exists()
    assert ticket.events.get(kind=Event.Kind.SURVEY_SENT).data["emailed"] is False
