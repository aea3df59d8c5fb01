"""caredesk ingest PATH... [--team NAME]: .eml files, folders, mbox files and stdin, with one summary line."""

import email
import mailbox
from io import BytesIO, StringIO

import pytest
from django.core.management import CommandError, call_command

from caredesk.conversations.models import Message, Ticket
from caredesk.customers.models import Customer
from caredesk.mail.models import InboundEmail

from .mails import eml


def ingest(*args, stdin: bytes = b"") -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("ingest", *args, stdout=out, stderr=err, stdin=BytesIO(stdin))
    return out.getvalue(), err.getvalue()


def summary(read, new, replies, duplicates, auto, failed) -> str:
    return (
        f"messages read {read}, new tickets {new}, replies added {replies}, duplicates skipped {duplicates}, "
        f"auto-replies/bounces {auto}, failed {failed} (stored for retry)\n"
    )


def a_morning_of_mail() -> list[bytes]:
    """A new request, its reply, an out-of-office and one email with no sender, in arrival order."""
    return [
        eml(message_id="<request@mail.example.com>", subject="Twelve pies missing"),
        eml(in_reply_to="<request@mail.example.com>", subject="Re: Twelve pies missing", text="Any news?"),
        eml(sender="Arthur Dent <arthur@example.com>", subject="Away", headers={"Auto-Submitted": "auto-replied"}),
        b"From: nobody\r\nSubject: Who sent this\r\nMessage-ID: <nobody@x>\r\n\r\nNo address.\r\n",
    ]


def test_a_folder_is_read_in_name_order_and_summarised(billing, tmp_path):
    for number, raw in enumerate(a_morning_of_mail()):
        (tmp_path / f"{number:02}.eml").write_bytes(raw)
    (tmp_path / "notes.txt").write_text("not an email")
    out, err = ingest(str(tmp_path))
    assert out == summary(4, 1, 1, 0, 1, 1)
    ticket = Ticket.objects.get()
    assert (ticket.subject, ticket.team, list(ticket.messages.values_list("body_text", flat=True))[-1]) == (
        "Twelve pies missing", billing, "Any news?",
    )
    failed = InboundEmail.objects.get(status="failed")
    assert err == f"email 4 (stored as {failed.pk}) failed: {failed.error}\n"


def test_ingesting_the_same_folder_again_skips_every_finished_email(billing, tmp_path):
    for number, raw in enumerate(a_morning_of_mail()[:3]):
        (tmp_path / f"{number:02}.eml").write_bytes(raw)
    ingest(str(tmp_path))
    out, _ = ingest(str(tmp_path))
    assert out == summary(3, 0, 0, 3, 0, 0)
    assert (Ticket.objects.count(), Message.objects.count(), InboundEmail.objects.count()) == (1, 2, 3)


def test_the_same_email_twice_in_one_run_is_one_ticket_and_a_duplicate(billing, tmp_path):
    raw = eml(message_id="<twice@mail.example.com>", subject="Pies twice")
    for name in ("01.eml", "02.eml"):
        (tmp_path / name).write_bytes(raw)
    out, _ = ingest(str(tmp_path))
    assert out == summary(2, 1, 0, 1, 0, 0)
    assert (Ticket.objects.count(), InboundEmail.objects.count()) == (1, 1)


def test_an_email_stored_before_but_never_processed_is_processed_not_skipped(billing, tmp_path):
    from caredesk.mail import services

    raw = eml(message_id="<left@mail.example.com>", subject="Left stored")
    services.store(raw, source="smtp", team=billing)  # the process that stored it died before processing it
    (tmp_path / "01.eml").write_bytes(raw)
    out, _ = ingest(str(tmp_path))
    assert out == summary(1, 1, 0, 0, 0, 0)
    assert InboundEmail.objects.get().status == "processed"


def test_a_long_import_reports_its_progress_in_runs(billing, tmp_path, monkeypatch, settings):
    from caredesk.mail.management.commands import ingest as command

    settings.CAREDESK_EMAIL_BATCH_SIZE = 2
    monkeypatch.setattr(command, "PROGRESS_EVERY", 4)
    for number in range(9):
        (tmp_path / f"{number:02}.eml").write_bytes(eml(subject=f"Order {number}", sender=f"c{number}@example.com"))
    out, err = ingest(str(tmp_path))
    assert out == summary(9, 9, 0, 0, 0, 0)
    assert err == "4 emails read so far\n8 emails read so far\n"


def test_emails_are_taken_in_runs_cut_by_count_and_by_bytes():
    from caredesk.mail import sources

    raws = [b"a" * 10, b"b" * 10, b"c" * 10, b"d" * 50, b"e" * 10, b"f" * 100, b"g"]
    runs = list(sources.runs(raws, most=3, size=40))
    assert runs == [raws[0:3], [raws[3]], [raws[4]], [raws[5]], [raws[6]]]  # a run always takes one


def test_an_mbox_file_is_split_into_its_emails(billing, tmp_path):
    box = mailbox.mbox(tmp_path / "support.mbox")
    for raw in a_morning_of_mail()[:3]:
        box.add(email.message_from_bytes(raw))
    box.close()
    out, _ = ingest(str(tmp_path / "support.mbox"))
    assert out == summary(3, 1, 1, 0, 1, 0)
    assert list(InboundEmail.objects.values_list("source", flat=True)) == ["ingest"] * 3


def test_an_mbox_without_the_suffix_is_recognised_by_its_from_line(billing, tmp_path):
    box = mailbox.mbox(tmp_path / "Inbox")  # as Thunderbird names its mbox files
    box.add(email.message_from_bytes(eml(subject="From Thunderbird's store")))
    box.add(email.message_from_bytes(eml(subject="Second in the box")))
    box.close()
    out, _ = ingest(str(tmp_path / "Inbox"))
    assert out == summary(2, 2, 0, 0, 0, 0)
    assert sorted(Ticket.objects.values_list("subject", flat=True)) == ["From Thunderbird's store", "Second in the box"]


def test_one_email_on_stdin_is_read_with_a_dash(billing, deliveries):
    raw = eml(subject="Piped from Postfix")
    out, _ = ingest("-", "--team", "Deliveries", stdin=raw)
    inbound = InboundEmail.objects.get()
    assert (out, bytes(inbound.raw), inbound.ticket.team, inbound.ticket.subject) == (
        summary(1, 1, 0, 0, 0, 0), raw, deliveries, "Piped from Postfix",
    )


def test_files_and_stdin_can_be_mixed(billing, tmp_path):
    (tmp_path / "one.eml").write_bytes(eml(subject="From a file"))
    out, _ = ingest(str(tmp_path / "one.eml"), "-", stdin=eml(subject="From stdin"))
    assert out == summary(2, 2, 0, 0, 0, 0)


def test_the_email_team_setting_is_the_default_team(billing, deliveries, tmp_path, settings):
    settings.CAREDESK_EMAIL_TEAM = "Deliveries"
    (tmp_path / "one.eml").write_bytes(eml())
    ingest(str(tmp_path / "one.eml"))
    assert Ticket.objects.get().team == deliveries


def test_without_setting_or_option_the_first_team_by_name_gets_new_tickets(deliveries, billing, tmp_path):
    (tmp_path / "one.eml").write_bytes(eml())
    ingest(str(tmp_path / "one.eml"))
    assert Ticket.objects.get().team == billing


def _nothing_stored() -> bool:
    return not any(model.objects.exists() for model in (InboundEmail, Ticket, Message, Customer))


def test_a_missing_path_is_an_error_and_nothing_is_stored(billing, tmp_path):
    (tmp_path / "one.eml").write_bytes(eml())
    missing = tmp_path / "no-such-folder"
    with pytest.raises(CommandError) as error:
        ingest(str(tmp_path / "one.eml"), str(missing))
    assert str(error.value) == (
        f"{missing} does not exist. Give .eml files, folders of them, mbox files, or - for stdin."
    )
    assert _nothing_stored()


def test_an_unknown_team_is_an_error_and_nothing_is_stored(billing, tmp_path):
    (tmp_path / "one.eml").write_bytes(eml())
    with pytest.raises(CommandError) as error:
        ingest(str(tmp_path / "one.eml"), "--team", "Complaints")
    assert (str(error.value), _nothing_stored()) == ('There is no team named "Complaints".', True)


def test_a_setting_naming_no_team_is_an_error(billing, tmp_path, settings):
    settings.CAREDESK_EMAIL_TEAM = "Complaints"
    (tmp_path / "one.eml").write_bytes(eml())
    with pytest.raises(CommandError) as error:
        ingest(str(tmp_path / "one.eml"))
    assert (str(error.value), _nothing_stored()) == ('CAREDESK_EMAIL_TEAM names no team: "Complaints".', True)


def test_with_no_team_at_all_ingest_refuses(db, tmp_path):
    (tmp_path / "one.eml").write_bytes(eml())
    with pytest.raises(CommandError) as error:
        ingest(str(tmp_path / "one.eml"))
    assert (str(error.value), _nothing_stored()) == (
        "There is no team to give email tickets to yet; make a team first.", True,
    )


@pytest.mark.parametrize("history, notified", [(False, 1), (True, 0)])
def test_old_mail_ingested_as_history_notifies_nobody_but_is_searchable(billing, alice, mailoutbox, history, notified):
    from caredesk.conversations import search
    from caredesk.conversations import services as desk_services

    ingest("-", stdin=eml(message_id="<old-request@mail.example.com>", subject="Twelve pies missing"))
    ticket = Ticket.objects.get()
    desk_services.assign(ticket, to=alice, by=alice)
    mailoutbox.clear()
    reply = eml(in_reply_to="<old-request@mail.example.com>", subject="Re: Twelve pies", text="Marmalade too")
    args = ["-", "--history"] if history else ["-"]
    out, _ = ingest(*args, stdin=reply)
    assert out == summary(1, 0, 1, 0, 0, 0)
    assert len(mailoutbox) == notified  # "customer replied" to the owner, unless this is history
    assert InboundEmail.objects.filter(quiet=True).count() == (1 if history else 0)
    assert list(search.filter_tickets(Ticket.objects.all(), "marmalade")) == [ticket]
