"""Canned replies: placeholders filled in for the ticket, in a sandbox, with clear errors."""

import pytest
from django.core.exceptions import ValidationError

from caredesk.conversations import macros
from caredesk.conversations.models import Macro

ALLOWED = (
    "{{ customer.first_name }}, {{ customer.name }}, {{ ticket.reference }}, {{ ticket.subject }}, "
    "{{ agent.first_name }}, {{ agent.name }}"
)


def _render(body, ticket, agent):
    return macros.render(Macro(name="Test", body=body), ticket, agent)


def test_every_placeholder_is_filled_in(ticket, bob):
    body = "{{ customer.first_name }}|{{ customer.name }}|{{ ticket.reference }}|{{ ticket.subject }}|{{ agent.first_name }}|{{ agent.name }}"
    assert (
        _render(body, ticket, bob)
        == f"Mrs Miggins|Mrs Miggins|{ticket.reference}|Charged twice for my groceries|Bob|Bob Baker"
    )


def test_a_customer_without_a_title_is_addressed_by_first_name(ticket, parker, alice):
    ticket.customer = parker
    assert _render("Hi {{ customer.first_name }}", ticket, alice) == "Hi Peter"


def test_text_is_plain_not_html_escaped(ticket, alice):
    ticket.subject = "Fish & chips <cold>"
    assert _render("About: {{ ticket.subject }}", ticket, alice) == "About: Fish & chips <cold>"


def test_filters_may_shape_a_placeholder(ticket, alice):
    assert _render("{{ agent.first_name|upper }}", ticket, alice) == "ALICE"


def test_an_agent_without_a_name_signs_with_their_email(ticket, alice):
    alice.first_name = alice.last_name = ""
    assert _render("{{ agent.name }}", ticket, alice) == "alice@example.com"


@pytest.mark.parametrize(
    "body",
    [
        "{% if 1 %}x{% endif %}",
        "{% debug %}",
        '{% include "caredesk/base.html" %}',
        "{% load static %}",
        "{% now 'Y' %}",
    ],
)
def test_template_tags_are_refused(ticket, alice, body):
    with pytest.raises(ValidationError) as refused:
        _render(body, ticket, alice)
    assert refused.value.messages[0].startswith("The macro “Test” cannot be used: Invalid block tag")
    assert refused.value.messages[0].endswith(f"Placeholders it may use: {ALLOWED}.")


def test_unknown_placeholders_are_named_in_the_error(ticket, alice):
    with pytest.raises(ValidationError) as refused:
        _render("Dear {{ customer.email }}, {{ ticket.customer.user.password }}", ticket, alice)
    assert refused.value.messages[0] == (
        "The macro “Test” uses unknown placeholders: {{ customer.email }}, {{ ticket.customer.user.password }}. "
        f"It may use: {ALLOWED}."
    )


def test_a_malformed_placeholder_gives_a_clear_error(ticket, alice):
    with pytest.raises(ValidationError) as refused:
        _render("Hello {{ customer.first_name|nosuchfilter }}", ticket, alice)
    assert refused.value.messages[0] == (
        f"The macro “Test” cannot be used: Invalid filter: 'nosuchfilter'. Placeholders it may use: {ALLOWED}."
    )


def test_an_empty_placeholder_gives_a_clear_error(ticket, alice):
    with pytest.raises(ValidationError) as refused:
        _render("Hello {{ }}", ticket, alice)
    assert refused.value.messages[0] == (
        f"The macro “Test” cannot be used: Empty variable tag on line 1. Placeholders it may use: {ALLOWED}."
    )


def test_text_without_placeholders_is_returned_as_written(ticket, alice):
    assert (
        _render("Thanks for waiting.\n\nKind regards", ticket, alice) == "Thanks for waiting.\n\nKind regards"
    )
