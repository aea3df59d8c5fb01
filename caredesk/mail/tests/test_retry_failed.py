"""caredesk ingest --retry-failed: every failed email processed again, with the ingest summary line."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from caredesk.accounts.models import Team
from caredesk.mail import services
from caredesk.mail.models import InboundEmail

from .mails import eml
from .test_ingest_command import summary

NO_SENDER = b"From: nobody\r\nSubject: Who sent this\r\nMessage-ID: <nobody@x>\r\n\r\nNo address.\r\n"


def retry_failed(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("ingest", "--retry-failed", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_failed_emails_are_processed_again_and_summarised_once_the_cause_is_fixed(billing, settings):
    settings.CAREDESK_EMAIL_TEAM = "Complaints"
    for subject in ("Kettle", "Toaster"):
        services.receive(eml(subject=subject), source="smtp")
    unfixable, _ = services.receive(NO_SENDER, source="smtp")
    processed, _ = services.receive(eml(subject="Fine"), source="smtp", team=billing)
    complaints = Team.objects.create(name="Complaints")  # the fix

    out, err = retry_failed()
    assert out == summary(3, 2, 0, 0, 0, 1)
    unfixable.refresh_from_db()
    assert err == f"stored email {unfixable.pk} failed again: {unfixable.error}\n"
    assert (unfixable.status, unfixable.attempts) == ("failed", 2)
    assert sorted(
        InboundEmail.objects.filter(ticket__team=complaints).values_list("ticket__subject", flat=True)
    ) == ["Kettle", "Toaster"]
    processed.refresh_from_db()
    assert processed.attempts == 1  # finished emails are not touched


def test_with_nothing_failed_the_summary_counts_nothing(db):
    assert retry_failed() == (summary(0, 0, 0, 0, 0, 0), "")


def test_retry_failed_takes_no_paths(billing, tmp_path):
    with pytest.raises(CommandError) as error:
        retry_failed(str(tmp_path))
    assert str(error.value) == "--retry-failed processes the stored failed emails; give it no paths, --team or --history."


def test_ingest_without_paths_says_what_to_give(db):
    with pytest.raises(CommandError) as error:
        call_command("ingest", stdout=StringIO())
    assert str(error.value) == "Give .eml files, folders of them, mbox files, or - for stdin; or --retry-failed."
