"""A note that mentions a colleague tells them by email, once; nobody outside the ticket's team is told."""

import pytest

from caredesk.accounts.models import Membership, User
from caredesk.conversations import services
from caredesk.conversations.mentions import mentioned
from caredesk.conversations.models import Event

pytestmark = pytest.mark.django_db


def mails_to(mailoutbox, person) -> list:
    return [message for message in mailoutbox if message.to == [person.email]]


def test_a_mentioned_colleague_is_emailed_and_the_event_names_them(ticket, alice, bob, mailoutbox):
    note = services.add_note(ticket, by=alice, body="@bob can you call Mrs Miggins about the pies?")
    [email] = mails_to(mailoutbox, bob)
    assert "Alice Archer mentioned you in a note" in email.body and "call Mrs Miggins" in email.body
    event = Event.objects.get(kind=Event.Kind.NOTE_ADDED)
    assert event.data == {"message": note.pk, "mentioned": [bob.pk]}


@pytest.mark.parametrize("handle", ["@bob", "@Bob", "@bob@example.com", "(@bob)"])
def test_a_colleague_is_named_by_first_name_address_or_its_local_part(ticket, alice, bob, handle):
    assert mentioned(f"ask {handle} please", ticket=ticket, author=alice) == [bob]


def test_an_email_address_in_the_text_is_not_a_mention(ticket, alice, bob):
    assert mentioned("she wrote from bob@example.com", ticket=ticket, author=alice) == []


def test_a_shared_first_name_names_nobody_but_the_address_still_does(ticket, alice, bob, billing):
    other = User.objects.create_user(email="bob.other@example.com", first_name="Bob", role=User.Role.AGENT)
    Membership.objects.create(user=other, team=billing)
    assert mentioned("@bob look", ticket=ticket, author=alice) == [bob]  # "bob" is bob@example.com's local part
    assert mentioned("@bob.other look", ticket=ticket, author=alice) == [other]


def test_nobody_who_cannot_see_the_ticket_is_told(ticket, alice, charlie, mailoutbox):
    # charlie works in Deliveries; the ticket is in Billing, a private team
    services.add_note(ticket, by=alice, body="@charlie any idea?")
    assert mails_to(mailoutbox, charlie) == []
    assert Event.objects.get(kind=Event.Kind.NOTE_ADDED).data.get("mentioned") is None


def test_mentioning_yourself_tells_nobody(ticket, alice, mailoutbox):
    mailoutbox.clear()  # the ticket's assignment to alice
    services.add_note(ticket, by=alice, body="@alice remember to chase this")
    assert mails_to(mailoutbox, alice) == []
