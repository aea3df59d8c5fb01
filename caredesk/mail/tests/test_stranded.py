"""services.process_stranded: an email whose task failed or was lost is processed by the scheduler's sweep,
so that nothing a customer sent waits for a person to notice it."""

from datetime import timedelta

from caredesk.conversations.models import Ticket
from caredesk.mail import services, tasks
from caredesk.mail.models import InboundEmail
from caredesk.system import clock, schedule

from .mails import eml


def stored(team, *subjects: str, minutes_ago: float) -> list[InboundEmail]:
    """Emails stored `minutes_ago` whose task never ran (services.store queues none): what a task that
    failed on "database is locked", or a queue that lost it, leaves behind."""
    emails = [
        services.store(eml(subject=subject, sender=f"c{number} <c{number}@example.com>"), source="smtp", team=team)[0]
        for number, subject in enumerate(subjects)
    ]
    InboundEmail.objects.filter(pk__in=[email.pk for email in emails]).update(
        received_at=clock.now() - timedelta(minutes=minutes_ago)
    )
    return emails


def statuses(emails: list[InboundEmail]) -> list[str]:
    return [InboundEmail.objects.get(pk=email.pk).status for email in emails]


def test_emails_stranded_for_minutes_are_processed_and_recent_ones_left_to_their_own_task(billing):
    stranded = stored(billing, "Kettle", "Toaster", minutes_ago=3)
    recent = stored(billing, "Fridge", minutes_ago=0.5)

    tasks.process_stranded_emails.call()

    assert statuses(stranded) == ["processed", "processed"]
    assert sorted(Ticket.objects.values_list("subject", flat=True)) == ["Kettle", "Toaster"]
    assert statuses(recent) == ["stored"]


def test_the_sweep_takes_batch_after_batch_and_counts_what_it_processed(billing, settings):
    settings.CAREDESK_EMAIL_BATCH_SIZE = 2
    emails = stored(billing, *(f"Order {number}" for number in range(5)), minutes_ago=10)

    assert services.process_stranded() == 5
    assert statuses(emails) == ["processed"] * 5
    assert services.process_stranded() == 0  # nothing left: a second sweep does nothing


def test_an_email_that_fails_is_failed_with_its_error_and_not_taken_again(billing):
    no_sender = b"From: nobody\r\nSubject: Who\r\nMessage-ID: <who@x>\r\n\r\nNo address.\r\n"
    broken, _ = services.store(no_sender, source="smtp", team=billing)
    InboundEmail.objects.filter(pk=broken.pk).update(received_at=clock.now() - timedelta(minutes=5))

    assert services.process_stranded() == 1
    broken.refresh_from_db()
    assert (broken.status, broken.attempts) == ("failed", 1)
    assert broken.error
    assert services.process_stranded() == 0  # failed emails wait for a person's retry, not for the sweep


def test_the_sweep_runs_every_minute():
    job = {job.name: job for job in schedule.jobs()}["process stranded emails"]
    assert (job.every, job.task.name) == (timedelta(seconds=60), "process_stranded_emails")
