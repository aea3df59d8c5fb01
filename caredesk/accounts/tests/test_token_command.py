"""caredesk token create|list|revoke."""

import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from caredesk.accounts.models import ApiToken


def _run(*args) -> str:
    out = StringIO()
    call_command("token", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_create_prints_a_token_that_opens_the_api(alice, ticket):
    secret = _run("create", "alice@example.com").strip()
    response = Client(headers={"Authorization": f"Bearer {secret}"}).get(f"/api/v1/tickets/{ticket.pk}")
    assert response.status_code == 200


def test_only_the_tokens_hash_is_stored(alice):
    secret = _run("create", "alice@example.com", "--name", "Zapier").strip()
    token = ApiToken.objects.get()
    assert (token.user, token.name, token.digest) == (
        alice,
        "Zapier",
        hashlib.sha256(secret.encode()).hexdigest(),
    )
    assert secret.startswith("cd_") and secret not in token.digest


def test_create_finds_the_user_whatever_the_case_of_the_address(alice):
    _run("create", "Alice@Example.com")
    assert ApiToken.objects.get().user == alice


def test_list_shows_ids_and_names_but_never_tokens(alice):
    first, secret = ApiToken.issue(alice, name="Zapier")
    second, _ = ApiToken.issue(alice)
    lines = _run("list", "alice@example.com").splitlines()
    assert [line.split("\t")[:2] for line in lines] == [[str(first.pk), "Zapier"], [str(second.pk), "-"]]
    assert secret not in "".join(lines)


def test_list_says_when_there_are_no_tokens(alice):
    assert _run("list", "alice@example.com") == "alice@example.com has no tokens.\n"


def test_revoke_stops_the_token_working_at_once(alice, ticket):
    token, secret = ApiToken.issue(alice)
    client = Client(headers={"Authorization": f"Bearer {secret}"})
    assert client.get("/api/v1/tickets").status_code == 200
    assert _run("revoke", str(token.pk)) == f"Revoked token {token.pk} of alice@example.com.\n"
    assert client.get("/api/v1/tickets").status_code == 401


@pytest.mark.parametrize("action", ["create", "list"])
def test_an_unknown_email_is_a_clear_error(db, action):
    with pytest.raises(CommandError, match="^No user has the email address nobody@example.com.$"):
        _run(action, "nobody@example.com")


def test_revoking_an_unknown_token_is_a_clear_error(db):
    with pytest.raises(CommandError, match="^There is no token 42.$"):
        _run("revoke", "42")


def test_using_a_token_records_when_it_was_last_used(alice):
    from caredesk.accounts.models import ApiToken

    token, secret = ApiToken.issue(alice)
    assert ApiToken.user_for(secret) == alice
    token.refresh_from_db()
    assert token.last_used_at is not None
