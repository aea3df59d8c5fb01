"""The scorer on its own (no database): phrases that make a behaviour present or absent, spans that point
at the words, suggestions that say what to write instead."""

import pytest

from caredesk.quality.scoring import MAX_REPLY, cues, score

ORDER = "My order 4471 never arrived and it was for my daughter's birthday tomorrow. I'm so upset."

GOOD = (
    "Hi Marta,\n\nOh no, what a worry with her birthday tomorrow, I'm so sorry. I've checked order 4471 and the "
    "courier left it at the depot. I've booked it onto tomorrow's first van, so it will be with you before 10am, "
    "and I've refunded the delivery charge.\n\nWarm wishes,\nPriya"
)
BAD = "Please be advised that deliveries are the courier's responsibility. You must contact the courier. Ticket closed."


def test_a_good_reply_shows_every_behaviour_and_asks_nothing():
    result = score(GOOD, ORDER)
    assert {name: item.present for name, item in result.items()} == {
        "warm": True, "interested": True, "willing": True, "positive": True, "empathy": True, "polite": None,
    }
    assert result["polite"].score is None


def test_a_cold_reply_that_passes_the_customer_on_shows_none():
    result = score(BAD, ORDER)
    assert {name: item.present for name, item in result.items()} == {
        "warm": False, "interested": False, "willing": False, "positive": False, "empathy": False, "polite": False,
    }


@pytest.mark.parametrize(
    "behaviour, phrase, helps",
    [
        ("warm", "thanks so much", True),
        ("warm", "Ticket closed", False),
        ("willing", "I've refunded", True),
        ("willing", "please contact the courier", False),
        ("positive", "you should have", False),
        ("positive", "we can't", False),
        ("empathy", "I can imagine", True),
        ("empathy", "sorry for any inconvenience", False),
        ("polite", "could you please send", True),
        ("polite", "you must", False),
        ("interested", "Customers must", False),
    ],
)
def test_spans_point_at_the_words_that_helped_or_hurt(behaviour, phrase, helps):
    reply = f"Right. {phrase} the details for order 88."
    spans = [span.as_dict() for span in score(reply, ORDER)[behaviour].spans]
    start = reply.lower().index(phrase.lower())
    assert {"start": start, "end": start + len(phrase), "text": reply[start : start + len(phrase)],
            "effect": "helped" if helps else "hurt"} in spans


def test_words_shared_with_the_customer_message_are_the_interested_spans():
    reply = "Hi Jo, I've checked order 4471: it is at the depot and will reach you before the birthday."
    spans = score(reply, ORDER)["interested"].spans
    assert [(span.text, span.cue) for span in spans] == [("order 4471", "specific_ref"), ("birthday", "shared")]
    assert [span.text for span in score("Good news: 4471 is on its way.", ORDER)["interested"].spans] == ["4471"]


LAMP = "The lamp I bought on Saturday flickers and then goes out after a minute."


def test_a_reply_that_repeats_the_customer_in_a_stock_line_and_then_answers_anyone_is_not_interested():
    reply = (
        "Thank you for your message regarding the lamp you bought on Saturday that flickers and goes out. "
        "Customers must return faulty goods within 30 days. Please refer to our website for our returns policy."
    )
    result = score(reply, LAMP)["interested"]
    assert result.present is False
    assert [(span.text, span.cue) for span in result.spans] == [
        ("Thank you for your message", "generic_contact"), ("Customers must", "generic_rule"),
        ("Please refer to our website", "generic_rule"),
    ]


def test_a_reply_about_the_customers_case_in_its_own_words_is_interested():
    reply = "Hi Ravi, that flicker is usually a loose bulb holder on the Orla lamp. I've sent you a new holder today."
    result = score(reply, LAMP)["interested"]
    assert result.present is True
    assert [(span.text, span.cue) for span in result.spans] == [("flicker", "shared"), ("lamp", "shared")]


@pytest.mark.parametrize(
    "reply, echoed",
    [
        ("We're sorry to hear your parcel is late. I've rebooked it for Tuesday.", ["We're sorry to hear your parcel is late."]),
        ("Thanks for letting us know about the parcel!\nIt is on the van today.", ["Thanks for letting us know about the parcel!"]),
        ("I'm so sorry you were charged twice. I've refunded the second payment.", []),  # personal, not stock
    ],
)
def test_stock_acknowledgements_are_found_sentence_by_sentence(reply, echoed):
    assert [reply[start:end] for start, end in cues.echo_sentences(reply)] == echoed
    assert all(sentence not in cues.without_echo(reply) for sentence in echoed)


def test_names_inside_a_sentence_count_as_details_of_the_case():
    reply = "Hi Zoe, your Orla Floor lamp leaves Leeds on Tuesday. Thanks!"
    assert cues.NAMES.findall(reply) == ["Zoe", "Orla Floor", "Leeds", "Tuesday"]


def test_an_order_gets_a_concrete_rewrite_as_the_suggestion():
    result = score("You must send us the receipt by Friday.", "I want a refund")
    assert result["polite"].present is False
    assert result["polite"].suggestion == "Instead of 'you must send', try 'could you please send'."


def test_a_stock_apology_is_named_in_the_empathy_suggestion():
    result = score("We apologise for any inconvenience caused. Your refund is processed.", "I'm furious, third time!")
    assert result["empathy"].present is False
    assert result["empathy"].suggestion.startswith("Instead of 'sorry for any inconvenience'")


def test_a_missing_behaviour_without_a_culprit_gets_general_advice():
    result = score("Refund done.", "Charged twice")
    assert result["warm"].present is False
    assert result["warm"].suggestion == "Greet them by name and add a friendly line, e.g. 'Hi Sam, thanks so much for letting us know.'"


def test_a_present_behaviour_with_nothing_to_fix_has_no_suggestion():
    assert score(GOOD, ORDER)["willing"].suggestion == ""


@pytest.mark.parametrize(
    "reply, asks",
    [
        ("Could you send me a photo of the label?", True),
        ("Send the photo.", True),
        ("Which size did you order?", True),
        ("I've refunded the £12 today. Is there anything else I can help with?", False),
        ("I've refunded the £12 today. Let me know if you have any questions.", False),
        ("Your refund is on its way. There's nothing more you need to do.", False),
        ("Hi Ann, your parcel arrives tomorrow. Take care!", False),
    ],
)
def test_polite_is_null_only_when_the_reply_asks_nothing(reply, asks):
    assert cues.is_request(reply) is asks
    assert (score(reply)["polite"].present is None) is (not asks)


def test_an_asked_question_is_polite_when_asked_nicely_and_not_when_ordered():
    assert score("Hi Sam, when you have a moment, could you please send me the order number?")["polite"].present is True
    assert score("Send us the order number immediately.")["polite"].present is False


def test_an_empty_reply_scores_zero_and_shows_nothing():
    result = score("   ")
    assert all(item.present in (False, None) for item in result.values())
    assert result["warm"].score == 0.0


def test_a_reply_longer_than_the_limit_is_scored_on_its_first_part():
    reply = "Hi Ann, thanks so much! " + "x" * (MAX_REPLY * 2)
    assert score(reply)["warm"].spans[0].text == "Hi Ann"


def test_scores_are_between_zero_and_one_and_serialise():
    for item in score(GOOD, ORDER).values():
        data = item.as_dict()
        assert set(data) == {"score", "present", "spans", "suggestion"}
        assert data["score"] is None or 0.0 <= data["score"] <= 1.0


def test_training_gives_the_same_weights_whatever_order_the_replies_come_in():
    """Files are read in name order; a new file must not change what the others teach."""
    from caredesk.quality.scoring import training

    examples = [row for path in training.TRAIN_FILES for row in training.load(path)][:120]
    assert len(examples) == 120
    forwards = training.train(examples, epochs=6)
    assert forwards == training.train(list(reversed(examples)), epochs=6)
    assert forwards["interested"]  # something was learnt


def test_averaged_training_hardly_depends_on_the_random_seed():
    """The weights are averaged over the second half of the epochs: two seeds agree closely, where the
    last epoch's weights alone differed by up to 0.05 F1 (docs/quality.md)."""
    from caredesk.quality.scoring import model, training

    examples = [row for path in training.TRAIN_FILES for row in training.load(path)][:200]
    rows, labels = training._rows(examples, "interested")
    one, other = model.fit(rows, labels, seed=1, epochs=30), model.fit(rows, labels, seed=2, epochs=30)
    agree = sum((model.predict(one, row) >= 0.5) == (model.predict(other, row) >= 0.5) for row in rows)
    assert agree / len(rows) >= 0.97


def test_empathy_needs_words_that_acknowledge_a_feeling():
    """A warm, helpful reply to a customer who voiced no feeling is not empathy, whatever its length: with no
    words to highlight there is nothing to credit (score 0)."""
    from caredesk.quality.scoring import score

    helpful = score(
        "Hi Fiona, thanks for getting in touch! We do deliver to Shetland: for larger pieces like the oak sideboard "
        "it goes by our two-person service with a ferry surcharge of £45, and it takes about 10 working days. "
        "I've put a quote in your basket so you can see the total. Best wishes, Sam",
        "Do you deliver to Shetland? Want to order the oak sideboard.",
    )["empathy"]
    assert (helpful.score, helpful.present, helpful.spans) == (0.0, False, [])


@pytest.mark.parametrize("reply, words", [
    ("I hear you, three late deliveries in a month would drive anyone up the wall. I've refunded all three fees.",
     ["I hear you", "would drive anyone"]),
    ("Please don't be embarrassed, it happens more than you'd think! I've refunded the £450 today.",
     ["Please don't be embarrassed"]),
    ("Ugh, what a rotten start to the holiday. I've moved you to a sea-view room for the rest of the week.",
     ["Ugh", "what a rotten start"]),
])
def test_acknowledgements_in_plain_words_count_as_empathy(reply, words):
    from caredesk.quality.scoring import score

    result = score(reply, "The room smells of smoke and I'm so disappointed.")["empathy"]
    assert result.present is True
    assert [span.text for span in result.spans if span.helps] == words
