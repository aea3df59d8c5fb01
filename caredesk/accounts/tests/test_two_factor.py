"""Staff can protect their log-in with a TOTP second factor (allauth.mfa)."""

import time

from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value

from caredesk.conftest import PASSWORD


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_with_totp_on_the_password_alone_does_not_log_in(client, alice):
    TOTP.activate(alice, generate_totp_secret())
    response = client.post("/accounts/login/", {"login": alice.email, "password": PASSWORD})
    assert response.status_code == 302 and response.url == "/accounts/2fa/authenticate/"
    assert client.get("/tickets/").status_code == 302  # still not logged in


def test_with_totp_the_right_code_logs_in(client, alice):
    secret = generate_totp_secret()
    TOTP.activate(alice, secret)
    client.post("/accounts/login/", {"login": alice.email, "password": PASSWORD})
    response = client.post("/accounts/2fa/authenticate/", {"code": current_code(secret)})
    assert response.status_code == 302
    assert client.get("/tickets/").status_code == 200


def test_with_totp_a_wrong_code_is_refused(client, alice):
    TOTP.activate(alice, generate_totp_secret())
    client.post("/accounts/login/", {"login": alice.email, "password": PASSWORD})
    response = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert response.status_code == 200
    assert "Incorrect code" in response.content.decode()
    assert client.get("/tickets/").status_code == 302


def test_without_totp_the_password_logs_in(client, alice):
    response = client.post("/accounts/login/", {"login": alice.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/tickets/").status_code == 200


def test_signup_is_closed(client, db):
    response = client.get("/accounts/signup/")
    assert response.status_code == 200
    assert "Sign Up Closed" in response.content.decode()
