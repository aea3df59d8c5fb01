"""The compliment email: its built-in wording with the admin preview's example values, and the values a
real kudos gives it (the same names, so an admin's template previews what it will send)."""

import pytest

from caredesk.kudos.tasks import _values
from caredesk.notifications import samples
from caredesk.notifications.defaults import Kind
from caredesk.notifications.rendering import render

from .factories import logged

pytestmark = pytest.mark.django_db


def _names(values: dict, prefix: str = "") -> set[str]:
    names = set()
    for key, value in values.items():
        names |= _names(value, f"{prefix}{key}.") if isinstance(value, dict) else {f"{prefix}{key}"}
    return names


def test_the_preview_renders_the_built_in_wording(billing):
    email = render(Kind.COMPLIMENT, team=billing, context=samples.context(Kind.COMPLIMENT))
    assert email.subject == "A compliment for Alice Archer [#1042]"
    assert email.body.startswith('Mrs Miggins had kind words for Alice Archer on #1042 "Twelve pies missing')
    assert "Alice was brilliant: the pies came the same afternoon." in email.body


def test_a_logged_compliment_without_a_ticket_reads_well(alice, lena, billing):
    kudos = logged(alice, by=lena, text="Said Alice was a treasure.", source="in_person")
    email = render(Kind.COMPLIMENT, team=billing, context=_values(kudos))
    assert email.subject == "A compliment for Alice Archer"
    assert email.body.startswith("A customer had kind words for Alice Archer (In person, passed on by Lena Lead):")
    assert "It is on the Billing kudos wall: " in email.body and f"/kudos/?team={billing.pk}" in email.body


def test_real_values_use_the_names_the_preview_shows(alice, lena, ticket):
    kudos = logged(alice, by=lena, ticket=ticket)
    assert _names(_values(kudos)) == _names(samples.context(Kind.COMPLIMENT))
