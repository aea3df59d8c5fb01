"""The admin pages for inbound email: admins only, read-only, the raw bytes to download, and "Process again"."""

import pytest
from django.urls import reverse

from caredesk.accounts.models import Team
from caredesk.mail import services
from caredesk.mail.models import InboundEmail

from .mails import eml

CHANGELIST = reverse("admin:mail_inboundemail_changelist")


def raw_url(inbound: InboundEmail) -> str:
    return reverse("admin:mail_inboundemail_raw", args=[inbound.pk])


@pytest.fixture
def failed(db, settings) -> InboundEmail:
    """An email that failed because the team for email tickets does not exist yet."""
    settings.CAREDESK_EMAIL_TEAM = "Complaints"
    inbound, _ = services.receive(
        eml(sender="Arthur Dent <arthur@example.com>", subject="=?utf-8?q?Kettle_=E2=80=93_broken?="), source="smtp"
    )
    assert inbound.status == "failed"
    return inbound


def test_an_agent_is_refused_the_inbound_email_pages(client, alice, failed):
    client.force_login(alice)
    for url in (CHANGELIST, reverse("admin:mail_inboundemail_change", args=[failed.pk]), raw_url(failed)):
        response = client.get(url)
        assert (response.status_code, response["Location"].split("?")[0]) == (302, reverse("admin:login"))


def test_the_list_shows_sender_subject_and_the_errors_first_line(client, ada, failed):
    client.force_login(ada)
    response = client.get(CHANGELIST, {"status__exact": "failed"})
    assert response.status_code == 200
    row = response.context["cl"].result_list.get()
    admin = response.context["cl"].model_admin
    assert (admin.sender(row), admin.subject(row), admin.error_first_line(row), row.attempts) == (
        "Arthur Dent <arthur@example.com>", "Kettle – broken",
        'NoTeam: CAREDESK_EMAIL_TEAM names no team: "Complaints".', 1,
    )


def test_the_detail_page_shows_the_whole_error_and_a_download_link_and_nothing_to_save(client, ada, failed):
    InboundEmail.objects.filter(pk=failed.pk).update(error="Line one\nTraceback line two")
    client.force_login(ada)
    response = client.get(reverse("admin:mail_inboundemail_change", args=[failed.pk]))
    content = response.content.decode()
    assert "<pre>Line one\nTraceback line two</pre>" in content
    assert f'<a href="{raw_url(failed)}" download>Download .eml</a>' in content
    assert 'name="_save"' not in content


def test_the_raw_download_is_the_exact_bytes_received(client, ada, db):
    raw = b"From: miggins@example.com\r\nSubject: \xff\xfe not utf-8\r\n\r\nBody \x00 with a NUL.\r\n"
    inbound, _ = services.store(raw, source="smtp")
    client.force_login(ada)
    response = client.get(raw_url(inbound))
    assert (response.status_code, response["Content-Type"], response.content) == (200, "message/rfc822", raw)
    assert response["Content-Disposition"] == f'attachment; filename="inbound-email-{inbound.pk}.eml"'


def test_nobody_may_add_change_or_delete_an_inbound_email(client, ada, failed):
    client.force_login(ada)
    assert client.get(reverse("admin:mail_inboundemail_add")).status_code == 403
    assert client.get(reverse("admin:mail_inboundemail_delete", args=[failed.pk])).status_code == 403
    client.post(reverse("admin:mail_inboundemail_change", args=[failed.pk]), {"status": "processed"})
    failed.refresh_from_db()
    assert failed.status == "failed"


def process_again(client, *emails: InboundEmail) -> str:
    response = client.post(
        CHANGELIST, {"action": "process_again", "_selected_action": [inbound.pk for inbound in emails]}, follow=True
    )
    return [str(message) for message in response.context["messages"]]


def test_process_again_fixes_an_email_once_its_cause_is_fixed(client, ada, failed):
    client.force_login(ada)
    assert process_again(client, failed) == ["Processed again: 0 now processed, 1 still failing."]
    complaints = Team.objects.create(name="Complaints")  # the fix: the team the setting names
    assert process_again(client, failed) == ["Processed again: 1 now processed, 0 still failing."]
    failed.refresh_from_db()
    assert (failed.status, failed.attempts, failed.error, failed.ticket.team) == ("processed", 3, "", complaints)


def test_process_again_leaves_processed_emails_alone(client, ada, billing):
    processed, _ = services.receive(eml(), source="smtp", team=billing)
    client.force_login(ada)
    assert process_again(client, processed) == ["Processed again: 0 now processed, 0 still failing."]
    processed.refresh_from_db()
    assert (processed.attempts, processed.ticket.messages.count()) == (1, 1)


def test_the_list_queries_do_not_grow_with_emails(client, ada, billing, django_assert_num_queries):
    client.force_login(ada)
    for count in (3, 30):
        for number in range(count):
            services.store(eml(subject=f"Email {count}-{number}"), source="smtp", team=billing)
        # session, ada, the count, the page of emails with the first bytes of each (never the whole raw
        # email); no permission lookups: the admin role has them all (accounts.User.has_perm)
        with django_assert_num_queries(4) as queries:
            client.get(CHANGELIST)
        page = queries.captured_queries[-1]["sql"]
        assert (page.count('"mail_inboundemail"."raw"'), "SUBSTR" in page) == (1, True)
