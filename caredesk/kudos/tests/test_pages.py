"""The wall, the person page and the log form: who sees what, bad input, and query counts."""

import pytest
from django.core.cache import caches

from caredesk.conversations.models import Event
from caredesk.kudos.models import Kudos

from .factories import logged

pytestmark = pytest.mark.django_db


# The wall ---------------------------------------------------------------------------------------------


def test_the_wall_shows_the_teams_compliments_newest_first(client, alice, bob, lena, billing):
    logged(alice, by=lena, text="Alice found my lost parcel.")
    logged(bob, by=lena, text="Bob rang me back on a Sunday.")
    client.force_login(alice)
    page = client.get("/kudos/").content.decode()
    assert page.index("Bob rang me back on a Sunday.") < page.index("Alice found my lost parcel.")
    assert "Kudos wall: Billing" in page
    assert "You: 1 compliment" in page


def test_an_agent_of_another_team_cannot_see_a_private_teams_wall(client, alice, charlie, lena, billing):
    logged(alice, by=lena, text="Alice found my lost parcel.")
    client.force_login(charlie)
    assert client.get(f"/kudos/?team={billing.pk}").status_code == 404
    page = client.get("/kudos/").content.decode()
    assert "Alice found my lost parcel." not in page
    assert "Billing" not in page


def test_a_public_teams_wall_is_open_to_all_staff(client, charlie, alice, deliveries, ada):
    logged(charlie, by=ada, text="Charlie carried the shopping upstairs.", team=deliveries)
    client.force_login(alice)
    assert "Charlie carried the shopping upstairs." in client.get(f"/kudos/?team={deliveries.pk}").content.decode()


def test_sales_read_walls_but_cannot_log(client, sam, charlie, ada, deliveries):
    logged(charlie, by=ada, text="Charlie was a star.", team=deliveries)
    client.force_login(sam)
    page = client.get(f"/kudos/?team={deliveries.pk}").content.decode()
    assert "Charlie was a star." in page
    assert "Log a compliment" not in page
    assert client.get("/kudos/log/").status_code == 403
    assert client.post("/kudos/log/", {"person": charlie.pk, "text": "x", "source": "phone"}).status_code == 403
    assert Kudos.objects.count() == 1


def test_customers_see_no_wall_and_cannot_log(client, miggins, alice):
    client.force_login(miggins.user)
    assert client.get("/kudos/").status_code == 403
    assert client.get(f"/kudos/people/{alice.pk}/").status_code == 403
    assert client.post("/kudos/log/", {"person": alice.pk, "text": "x", "source": "phone"}).status_code == 403
    assert not Kudos.objects.exists()


def test_the_wall_is_paginated(client, alice, lena):
    for number in range(25):
        logged(alice, by=lena, text=f"Compliment number {number}.")
    client.force_login(alice)
    first = client.get("/kudos/").content.decode()
    assert "Compliment number 24." in first and "Compliment number 4." not in first
    second = client.get("/kudos/?page=2").content.decode()
    assert "Compliment number 4." in second and "Compliment number 24." not in second


def test_wall_queries_do_not_grow_with_compliments(client, alice, lena, billing, django_assert_num_queries):
    client.force_login(alice)
    for count in (2, 30):
        for _ in range(count):
            logged(alice, by=lena)
        for cache in caches.all():  # the top bar's escalation count is cached for 20 s
            cache.clear()
        # session, user, memberships, walls (teams), my count, page count, page rows, most praised,
        # and the escalations link of the top bar
        with django_assert_num_queries(9):
            assert client.get("/kudos/").status_code == 200


# The person page -------------------------------------------------------------------------------------


def test_the_person_page_counts_and_lists_their_compliments(client, alice, bob, lena):
    logged(alice, by=lena, text="Alice found my lost parcel.")
    logged(alice, by=bob, text="Alice was so patient.", source=Kudos.Source.IN_PERSON)
    logged(bob, by=lena, text="Bob rang me back.")
    client.force_login(bob)
    page = client.get(f"/kudos/people/{alice.pk}/").content.decode()
    assert "2 compliments" in page
    assert "Alice was so patient." in page and "In person" in page
    assert "Bob rang me back." not in page


def test_an_agent_of_another_team_cannot_see_a_private_members_page(client, alice, charlie, lena):
    logged(alice, by=lena)
    client.force_login(charlie)
    assert client.get(f"/kudos/people/{alice.pk}/").status_code == 404


def test_a_person_page_shows_only_walls_the_viewer_sees(client, alice, charlie, lena, deliveries, billing, ada):
    from caredesk.accounts.models import Membership

    Membership.objects.create(user=alice, team=deliveries)
    logged(alice, by=lena, text="Private praise on Billing.", team=billing)
    logged(alice, by=ada, text="Public praise on Deliveries.", team=deliveries)
    client.force_login(charlie)
    page = client.get(f"/kudos/people/{alice.pk}/").content.decode()
    assert "Public praise on Deliveries." in page
    assert "Private praise on Billing." not in page
    assert "1 compliment" in page


# Logging a compliment ---------------------------------------------------------------------------------


def test_an_agent_logs_a_phone_compliment_with_a_ticket(client, alice, bob, lena, ticket):
    client.force_login(alice)
    response = client.post(
        "/kudos/log/", {"person": bob.pk, "text": "Mrs Miggins rang to say Bob was wonderful.", "source": "phone",
                        "ticket": f"#{ticket.pk}"},
    )
    assert response.status_code == 302
    kudos = Kudos.objects.get()
    assert (kudos.person, kudos.logged_by, kudos.ticket, kudos.source, kudos.match, kudos.team) == (
        bob, alice, ticket, "phone", "logged", ticket.team
    )
    event = ticket.events.get(kind=Event.Kind.COMPLIMENT_RECEIVED)
    assert (event.actor, event.data["person"]) == (alice, bob.pk)


def test_logging_without_a_ticket_puts_it_on_the_persons_team(client, alice, bob, billing):
    client.force_login(alice)
    client.post("/kudos/log/", {"person": bob.pk, "text": "Said hello at the market.", "source": "in_person"})
    assert Kudos.objects.get().team == billing


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"text": "", "source": "phone"}, "Write what was said; the wall shows the customer"),
        ({"text": "x" * 2001, "source": "phone"}, "Ensure this value has at most 2000 characters"),
        ({"text": "Kind words", "source": "pigeon"}, "Select a valid choice"),
        ({"text": "Kind words", "source": "phone", "ticket": "abc"}, "Give the ticket"),
        ({"text": "Kind words", "source": "phone", "ticket": "#999999"}, "There is no ticket #999999 that you can see."),
    ],
)
def test_bad_input_is_refused_and_nothing_saved(client, alice, bob, data, error):
    client.force_login(alice)
    response = client.post("/kudos/log/", {"person": bob.pk, **data})
    assert response.status_code == 422
    assert error in response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')
    assert not Kudos.objects.exists()


def test_an_agent_cannot_log_for_someone_on_a_private_team_they_cannot_see(client, charlie, alice):
    client.force_login(charlie)
    response = client.post("/kudos/log/", {"person": alice.pk, "text": "Lovely", "source": "phone"})
    assert response.status_code == 422
    assert "Pick someone on a team you work with." in response.content.decode()
    assert not Kudos.objects.exists()


def test_a_ticket_of_a_private_team_cannot_be_referenced_from_outside(client, charlie, ticket, deliveries):
    client.force_login(charlie)
    response = client.post(
        "/kudos/log/", {"person": charlie.pk, "text": "Lovely", "source": "phone", "ticket": str(ticket.pk)}
    )
    assert response.status_code == 422
    assert not Kudos.objects.exists()


def test_the_person_must_be_on_the_tickets_team(client, alice, charlie, ada, ticket):
    client.force_login(ada)
    response = client.post("/kudos/log/", {"person": charlie.pk, "text": "Lovely", "source": "phone", "ticket": str(ticket.pk)})
    assert response.status_code == 422
    assert "Charlie Cole is not on Billing, the ticket" in response.content.decode().replace("&#x27;", "'")


def test_logging_emails_the_person_and_their_lead(client, alice, bob, lena):
    from caredesk.mail.models import OutboundEmail

    client.force_login(alice)
    client.post("/kudos/log/", {"person": bob.pk, "text": "Bob was a star at the counter.", "source": "in_person"})
    emails = OutboundEmail.objects.filter(subject="A compliment for Bob Baker")
    assert sorted(emails.values_list("to", flat=True)) == ["bob@example.com", "lena@example.com"]
    assert "passed on by Alice Archer" in emails.first().body_text


# The ticket page ---------------------------------------------------------------------------------------


def test_the_ticket_page_marks_a_praising_message(client, alice, ticket, miggins):
    from caredesk.conversations import services as desk

    desk.customer_reply(ticket, customer=miggins, body="Alice was brilliant, thank you!")
    client.force_login(alice)
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert page.count('class="badge kudos-mark') == 1
