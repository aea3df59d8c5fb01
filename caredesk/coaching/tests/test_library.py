"""Training examples and the library's search (runs on SQLite and PostgreSQL alike)."""

import pytest
from django.core.exceptions import ValidationError

from caredesk.coaching import queries, services
from caredesk.coaching.models import SituationTag, TrainingExample
from caredesk.conversations import services as desk


def _reply(ticket_factory, customer, team, agent, body):
    ticket = ticket_factory.create(customer=customer, team=team, owner=agent, by=agent)
    return desk.reply(ticket, by=agent, body=body)


@pytest.fixture
def examples(ticket_factory, miggins, billing, deliveries, alice, charlie, lena, ada):
    refund = _reply(ticket_factory, miggins, billing, alice, "I've refunded the duplicate payment today; you'll see it in three days.")
    late = _reply(ticket_factory, miggins, deliveries, charlie, "What a worry with the party tomorrow. I've booked the van for 8am.")
    angry = _reply(ticket_factory, miggins, deliveries, charlie, "I can hear how frustrating three calls must have been.")
    return {
        "refund": services.mark_example(refund, by=lena, note="Owns it and gives the date.", tags="Refund, billing"),
        "late": services.mark_example(late, by=ada, note="Empathy that fits the birthday.", tags=["late delivery"]),
        "angry": services.mark_example(angry, by=ada, note="Names the feeling, no stock apology.", tags="angry customer, late delivery"),
    }


def test_marking_a_reply_keeps_its_agent_note_and_tags(reply, alice, lena):
    example = services.mark_example(reply, by=lena, note=" Owns the refund. ", tags="Refund,  Double charge ,refund")
    assert (example.agent, example.marked_by, example.note) == (alice, lena, "Owns the refund.")
    assert sorted(example.tags.values_list("name", flat=True)) == ["double charge", "refund"]


def test_marking_it_again_changes_the_note_and_tags_not_the_count(reply, lena):
    services.mark_example(reply, by=lena, note="First note", tags="refund")
    services.mark_example(reply, by=lena, note="Better note", tags="apology")
    example = TrainingExample.objects.get()
    assert (example.note, list(example.tags.values_list("name", flat=True))) == ("Better note", ["apology"])


@pytest.mark.parametrize(
    "note, tags, message",
    [
        ("", "refund", "Say why this reply is good"),
        ("x" * 2001, "refund", "2000 characters"),
        ("Good", ",".join(f"tag {i}" for i in range(9)), "at most 8 situations"),
        ("Good", "a" * 41, "40 characters"),
    ],
)
def test_bad_notes_and_tags_are_refused(reply, lena, note, tags, message):
    with pytest.raises(ValidationError, match=message):
        services.mark_example(reply, by=lena, note=note, tags=tags)
    assert not TrainingExample.objects.exists() and not SituationTag.objects.exists()


def test_only_a_public_reply_can_be_an_example(ticket, alice, lena):
    note = desk.add_note(ticket, by=alice, body="Internal: customer is lovely.")
    with pytest.raises(ValidationError, match="public reply"):
        services.mark_example(note, by=lena, note="Nice", tags="")
    with pytest.raises(ValidationError, match="public reply"):
        services.mark_example(ticket.messages.get(kind="customer"), by=lena, note="Nice", tags="")


def _found(user, **kwargs) -> set[int]:
    return {example.pk for example in queries.library_page(user, **kwargs).object_list}


def test_search_finds_words_in_the_reply_and_in_the_note(examples, ada):
    assert _found(ada, text="refunded duplicate") == {examples["refund"].pk}
    assert _found(ada, text="birthday") == {examples["late"].pk}  # in the note only
    assert _found(ada, text="stock apology") == {examples["angry"].pk}


def test_search_matches_other_forms_of_a_word(examples, ada):
    # Stemmed on both databases (PostgreSQL's english config, SQLite's porter tokenizer).
    assert _found(ada, text="refunds") == {examples["refund"].pk}
    assert _found(ada, text="calling") == {examples["angry"].pk}


def test_every_word_must_match(examples, ada):
    assert _found(ada, text="refunded birthday") == set()


def test_filtering_by_tag_and_words_together(examples, ada):
    assert _found(ada, tag="late delivery") == {examples["late"].pk, examples["angry"].pk}
    assert _found(ada, tag="late delivery", text="frustrating") == {examples["angry"].pk}
    assert queries.tags_in_use() == ["angry customer", "billing", "late delivery", "refund"]


def test_typed_search_operators_are_taken_as_words(examples, ada):
    assert _found(ada, text='refund" OR "x') == set()
    assert _found(ada, text="NEAR(") == set()
    assert _found(ada, text="   ") == {e.pk for e in examples.values()}


def test_an_example_taken_out_of_the_library_is_no_longer_found(examples, ada):
    services.unmark_example(examples["refund"], by=ada)
    assert _found(ada, text="refunded") == set()


def test_a_changed_note_is_searched_afresh(examples, ada):
    refund = examples["refund"]
    services.mark_example(refund.message, by=ada, note="Crisp and kind.", tags="refund")
    assert _found(ada, text="crisp") == {refund.pk}
    assert _found(ada, text="date") == set()


def test_examples_from_a_private_team_stay_inside_it(examples, charlie, alice, sam):
    assert examples["refund"].pk not in _found(charlie)
    assert examples["refund"].pk in _found(alice)
    assert _found(sam) == set()


def test_the_library_is_paginated(ticket_factory, miggins, deliveries, charlie, ada):
    for n in range(queries.PAGE_SIZE + 3):
        services.mark_example(
            _reply(ticket_factory, miggins, deliveries, charlie, f"Reply number {n} about a refund"),
            by=ada, note="Good", tags="refund",
        )
    first, second = queries.library_page(ada, page=1), queries.library_page(ada, page=2)
    assert (len(first.object_list), len(second.object_list), first.paginator.count) == (20, 3, 23)
    assert not {e.pk for e in first} & {e.pk for e in second}
