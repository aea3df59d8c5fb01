"""The task smtpd (and IMAP) queue after storing: safe for an email that is gone or already processed."""

from caredesk.conversations.models import Message
from caredesk.mail import services, tasks
from caredesk.mail.models import InboundEmail

from .mails import eml


def test_the_task_processes_a_stored_email(billing):
    inbound, _ = services.store(eml(subject="Queued by smtpd"), source="smtp", team=billing)
    tasks.process_inbound.call(inbound_id=inbound.pk)
    inbound.refresh_from_db()
    assert (inbound.status, inbound.ticket.subject) == ("processed", "Queued by smtpd")


def test_the_task_for_an_email_that_no_longer_exists_does_nothing(db):
    tasks.process_inbound.call(inbound_id=987654)
    assert InboundEmail.objects.count() == 0


def test_the_task_run_twice_adds_the_message_once(billing):
    inbound, _ = services.store(eml(), source="smtp", team=billing)
    tasks.process_inbound.call(inbound_id=inbound.pk)
    tasks.process_inbound.call(inbound_id=inbound.pk)
    inbound.refresh_from_db()
    assert (inbound.attempts, Message.objects.count()) == (1, 1)
