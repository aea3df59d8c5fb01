import hashlib
from datetime import timedelta

from django.contrib.auth import SESSION_KEY

from caredesk.accounts.models import LoginLink, User
from caredesk.conftest import PASSWORD
from caredesk.customers.models import Customer
from caredesk.portal import login_links
from caredesk.system import clock

from .conftest import link_path

ANSWER = "If we know that address, a link is on its way."


def ask_for_link(client, email: str, *, next: str = "", **meta):
    return client.post("/portal/login/", {"email": email, "next": next}, **meta)


def logged_in_user_id(client):
    return client.session.get(SESSION_KEY)


def test_known_address_is_emailed_a_link_and_told_the_usual_answer(client, miggins, mailoutbox):
    response = ask_for_link(client, "miggins@example.com")
    assert ANSWER in response.content.decode()
    (email,) = mailoutbox
    assert (email.to, email.subject) == (["miggins@example.com"], "Your link to log in")
    assert "It works once, within the next 30 minutes:" in email.body


def test_unknown_address_gets_the_same_answer_and_no_email(client, miggins, mailoutbox):
    response = ask_for_link(client, "nobody@example.com")
    assert (response.status_code, ANSWER in response.content.decode()) == (200, True)
    assert mailoutbox == []


def test_staff_address_is_never_sent_a_log_in_link(client, alice, mailoutbox):
    Customer.objects.create(name="Alice at home", email="alice@example.com")
    response = ask_for_link(client, "alice@example.com")
    assert ANSWER in response.content.decode()
    assert (mailoutbox, LoginLink.objects.count()) == ([], 0)


def test_only_the_sha256_of_the_secret_is_stored(miggins):
    secret = login_links.issue(miggins.user)
    link = LoginLink.objects.get()
    assert link.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert link.expires_at - link.created_at == timedelta(minutes=30)


def test_opening_the_link_asks_to_confirm_and_does_not_spend_it(client, miggins, mailoutbox):
    ask_for_link(client, "miggins@example.com")
    response = client.get(link_path(mailoutbox))
    assert "See my requests" in response.content.decode()
    assert (logged_in_user_id(client), LoginLink.objects.get().used_at) == (None, None)


def test_link_logs_the_customer_in_and_lands_on_the_portal(client, miggins, mailoutbox):
    ask_for_link(client, "miggins@example.com")
    response = client.post(link_path(mailoutbox))
    assert response.url == "/portal/"
    assert logged_in_user_id(client) == str(miggins.user.pk)
    assert LoginLink.objects.get().used_at is not None


def test_link_works_only_once(client, miggins, mailoutbox):
    ask_for_link(client, "miggins@example.com")
    path = link_path(mailoutbox)
    client.post(path)
    client.logout()
    for response in (client.get(path), client.post(path)):
        assert response.status_code == 410
        assert "This link has expired" in response.content.decode()
        assert 'href="/portal/login/"' in response.content.decode()
    assert logged_in_user_id(client) is None


def test_expired_link_is_refused(client, miggins):
    with clock.travel_to(clock.now() - timedelta(minutes=31)):
        secret = login_links.issue(miggins.user)
    response = client.post(f"/portal/login/{secret}/")
    assert (response.status_code, logged_in_user_id(client)) == (410, None)
    assert "Email me a new link" in response.content.decode()


def test_unknown_link_is_refused(client, miggins):
    response = client.post("/portal/login/not-a-real-secret-at-all/")
    assert (response.status_code, logged_in_user_id(client)) == (410, None)


def test_link_of_a_deactivated_customer_is_refused(client, miggins):
    secret = login_links.issue(miggins.user)
    User.objects.filter(pk=miggins.user.pk).update(is_active=False)
    assert login_links.consume(secret) is None


def test_customer_without_a_log_in_gets_one_made_and_linked_on_first_log_in(client, db, mailoutbox):
    customer = Customer.objects.create(name="Arthur Philip Dent", email="arthur@example.com")
    ask_for_link(client, "arthur@example.com")
    client.post(link_path(mailoutbox))
    customer.refresh_from_db()
    user = customer.user
    assert (user.email, user.first_name, user.last_name, user.role) == (
        "arthur@example.com", "Arthur", "Philip Dent", "customer",
    )
    assert not user.has_usable_password()
    assert logged_in_user_id(client) == str(user.pk)


def test_link_brings_the_customer_back_to_the_page_they_asked_for(client, ticket, mailoutbox):
    response = client.get(f"/portal/tickets/{ticket.pk}/")
    assert response.url == f"/portal/login/?next=/portal/tickets/{ticket.pk}/"
    ask_for_link(client, "miggins@example.com", next=f"/portal/tickets/{ticket.pk}/")
    assert client.post(link_path(mailoutbox)).url == f"/portal/tickets/{ticket.pk}/"


def test_link_never_sends_anyone_off_the_portal(client, miggins, mailoutbox):
    ask_for_link(client, "miggins@example.com", next="https://evil.example/portal/")
    assert "evil" not in mailoutbox[0].body
    assert client.post(link_path(mailoutbox) + "?next=//evil.example/").url == "/portal/"


def test_sixth_link_request_in_an_hour_is_refused_for_known_and_unknown_addresses_alike(client, miggins, mailoutbox):
    for address, ip in (("miggins@example.com", "192.0.2.1"), ("nobody@example.com", "192.0.2.2")):
        for _ in range(5):
            assert ask_for_link(client, address, REMOTE_ADDR=ip).status_code == 200
        assert ask_for_link(client, address, REMOTE_ADDR=ip).status_code == 429
    assert len(mailoutbox) == 5


def test_customer_with_a_password_may_use_the_normal_log_in_form(client, miggins):
    response = client.post("/accounts/login/", {"login": "miggins@example.com", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1] == ("/portal/", 302)
    assert "Charged twice" not in response.content.decode()
    assert "No requests yet" in response.content.decode()
