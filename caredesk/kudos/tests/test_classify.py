"""The inbound-message classifier: each kind, praised names, names that are not praised, other languages,
sarcasm, and text it cannot read."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caredesk.kudos.classify import (
    ANY_SIGNAL, COMPLAINT_PATTERNS, END_SIGNALS, MAX_CHARS, _fold_char, _lexicon, classify, fold,
)


@pytest.mark.parametrize(
    ("message", "kind", "names"),
    [
        ("Just wanted to say Priya was brilliant on the phone today.", "compliment", ["Priya"]),
        ("Thank you to Tom Baker for sorting my refund so quickly.", "compliment", ["Tom Baker"]),
        ("A big thanks to Anna and Joe, you were both so patient with me.", "compliment", ["Anna", "Joe"]),
        ("I spoke to Chloe, who was amazing.", "compliment", ["Chloe"]),
        ("Thanks so much!", "compliment", []),
        ("My parcel never arrived and nobody answers the phone.", "complaint", []),
        ("Could you send me the March invoice please?", "question", []),
        ("Tom was lovely, but the parcel is still missing.", "mixed", ["Tom"]),
        ("Love your veg boxes! Do you deliver to Otley?", "mixed", []),
    ],
)
def test_each_kind_and_the_names_it_praises(message, kind, names):
    result = classify(message)
    assert (result.kind, result.praised_names) == (kind, names)


def test_a_routine_thanks_at_the_end_of_a_question_is_not_a_compliment():
    assert classify("Where is my order 55120? Thanks").kind == "question"
    assert classify("Thanks in advance, when will the engineer come?").kind == "question"


def test_emphatic_thanks_before_a_request_is_praise_and_a_request():
    result = classify("Thank you so much for sorting the refund, Ruth! Could you also close my old account?")
    assert (result.kind, result.praised_names) == ("mixed", ["Ruth"])


def test_a_named_person_who_is_not_praised_is_not_listed():
    assert classify("I spoke to Dan, no help at all.").praised_names == []
    assert classify("Dan was rude but Priya was brilliant.").praised_names == ["Priya"]
    assert classify("Could you ask Gemma to ring me back?").praised_names == []


def test_negated_praise_is_a_complaint():
    assert classify("The driver was not friendly and not helpful.").kind == "complaint"


@pytest.mark.parametrize(
    "message",
    [
        "The delivery was late AGAIN. Thanks a lot.",
        "Brilliant, my parcel is lost again.",
        "Thanks for nothing. I'll take my business elsewhere.",
        "Waited in all day. No van, no call. Thanks a bunch.",
    ],
)
def test_sarcasm_is_a_complaint_that_praises_nobody(message):
    result = classify(message)
    assert (result.kind, result.praised_names) == ("complaint", [])
    assert any(span.label == "sarcasm" for span in result.spans)


def test_thanks_a_lot_without_a_complaint_is_sincere():
    result = classify("Thanks a lot for your help today Mia, you made a stressful morning much easier.")
    assert (result.kind, result.praised_names) == ("compliment", ["Mia"])


def test_a_problem_put_right_by_the_person_praised_is_a_compliment():
    result = classify("The box arrived damaged but Lisa sorted a replacement straight away, thank you so much!")
    assert (result.kind, result.praised_names) == ("compliment", ["Lisa"])


@pytest.mark.parametrize(
    ("message", "kind", "names"),
    [
        ("Merci beaucoup à Sophie, elle a été très aimable.", "compliment", ["Sophie"]),
        ("Le colis est arrivé cassé et personne ne répond. C'est inadmissible.", "complaint", []),
        ("Vielen Dank an Frau Schmidt, sie war sehr hilfsbereit.", "compliment", ["Schmidt"]),
        ("Ich warte seit zwei Wochen auf mein Paket. Das ist inakzeptabel.", "complaint", []),
        ("¡Muchas gracias a Lucía, fue muy amable!", "compliment", ["Lucía"]),
        ("Quisiera saber si puedo cambiar la fecha de entrega.", "question", []),
        ("Dziękuję bardzo, pani Ania była bardzo pomocna.", "compliment", ["Ania"]),
        ("Czy mogę zmienić adres dostawy?", "question", []),
        ("Heel erg bedankt aan Sanne, ze was super vriendelijk.", "compliment", ["Sanne"]),
        ("Het pakket is kapot aangekomen.", "complaint", []),
        ("Grazie mille a Marco, gentilissimo!", "compliment", ["Marco"]),
        ("Il pacco è arrivato in ritardo e danneggiato.", "complaint", []),
        ("Diolch yn fawr i Rhys, roedd e'n wych.", "compliment", ["Rhys"]),
        ("Mae'r parsel wedi torri ac mae'n hwyr.", "complaint", []),
    ],
)
def test_common_praise_and_complaint_words_in_other_languages(message, kind, names):
    result = classify(message)
    assert (result.kind, result.praised_names) == (kind, names)


@pytest.mark.parametrize(
    "message", ["", "   \n", "我的包裹在哪里？", "Где моя посылка", "😀😀😀", "\x00\x01\x02", "ﬁ" * 10, "İİİ was brilliant"]
)
def test_text_it_cannot_read_falls_back_without_breaking(message):
    result = classify(message)
    assert result.kind in ("question", "compliment")


def test_unknown_script_is_a_question_with_nobody_praised():
    assert (classify("我的包裹在哪里？").kind, classify("我的包裹在哪里？").praised_names) == ("question", [])


def test_spans_point_at_the_words_that_decided():
    message = "Priya was brilliant, thank you."
    spans = {(span.label, message[span.start:span.end]) for span in classify(message).spans}
    assert {("name", "Priya"), ("praise", "brilliant"), ("thanks", "thank you")} <= spans


def test_text_past_the_limit_is_not_read():
    result = classify("x " * MAX_CHARS + " Priya was brilliant")
    assert (result.kind, result.praised_names) == ("question", [])


@pytest.mark.parametrize(
    ("message", "signal"),
    [
        ("We are now five weeks in and still nothing from the warehouse.", "still nothing"),
        ("I've waited ten days for a reply.", "waited ten days"),
        ("That makes it the fourth time I've sent these photos.", "fourth time"),
        ("The frame arrived with a cracked corner.", "cracked"),
        ("You have taken £12.50 from my card for a box I cancelled.", "taken £12.50"),
        ("The man said the washer would be swapped on Friday. It wasn't.", "It wasn't."),
        ("The fitter never turned up.", "never turned up"),
        ("Der Fahrer hat das Paket schon wieder beim Nachbarn abgegeben.", "schon wieder"),
    ],
)
def test_complaints_without_complaint_words(message, signal):
    """Time without result, repetition, damage, money taken, broken promises, in general patterns."""
    result = classify(message)
    assert result.kind == "complaint"
    assert any(s.label == "complaint" and signal.lower() in s.text.lower() for s in result.spans), result.spans


def test_names_that_are_also_words():
    assert classify("Will at the call centre was extremely patient.").praised_names == ["Will"]
    assert classify("Many thanks to Hope and Bill for the quick fix!").praised_names == ["Hope", "Bill"]
    assert classify("Will you ring me after six?").praised_names == []
    assert classify("Hope you are well. Could you resend the link?").kind == "question"
    assert classify("Thanks so much, Grace O'Reilly, that was superb.").praised_names == ["Grace O'Reilly"]


def test_contrast_keeps_praise_sincere_and_manners_stay_manners():
    result = classify("Great job by Kasia on the chat, but the courier still hasn't collected the return.")
    assert (result.kind, result.praised_names) == ("mixed", ["Kasia"])
    assert classify("Thanks a bunch for cancelling my booking without asking, very helpful.").kind == "complaint"
    assert classify("Could you tell me when the sale ends? Much appreciated.").kind == "question"
    assert classify("I ordered two by mistake, please cancel one.").kind == "question"


def _alternation(*entries: str) -> re.Pattern:
    """The lexicon as it was before the trie: one alternation, longest phrase first."""
    parts = []
    for entry in sorted(set(entries), key=len, reverse=True):
        words = [re.escape(w) for w in entry.rstrip("*").split()]
        parts.append(r"\s+".join(words) + (r"\w*" if entry.endswith("*") else ""))
    return re.compile(r"(?<!\w)(?<!\w')(?:" + "|".join(parts) + r")(?!\w)(?!'(?!s(?!\w))\w)")


LEXICON_ENTRIES = (
    "thank you", "thank you so much", "thank*", "thanks", "so much", "dis*", "disappoint*", "disappointing",
    "let down", "let me down", "let me", "late", "late again", "can", "can't", "a", "a bit", "not good",
)


@given(st.lists(st.sampled_from([*{w for e in LEXICON_ENTRIES for w in e.rstrip("*").split()}, "ed", "x",
                                 "me's", "late's", ",", ".", "\n", "  "]), max_size=30))
def test_a_lexicon_as_a_trie_matches_what_the_alternation_of_its_phrases_matched(words):
    """_lexicon builds a trie for speed; it must find the same spans as the plain alternation it replaced."""
    text = " ".join(words).replace(" ed", "ed").replace(" x", "x")
    trie = _lexicon(*LEXICON_ENTRIES)
    expected = [m.span() for m in _alternation(*LEXICON_ENTRIES).finditer(text)]
    assert [m.span() for m in trie.finditer(text)] == expected


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_folding_plain_ascii_by_lower_case_gives_what_folding_each_character_gives(text):
    """fold() takes a short cut for ASCII text (str.lower); it must agree with the character by character fold."""
    assert fold(text) == "".join(_fold_char(char) for char in text)


SIGNAL_WORDS = sorted({word for pattern in COMPLAINT_PATTERNS for word in re.findall(r"[a-z']{2,}", pattern.pattern)})


@given(st.lists(st.sampled_from([*SIGNAL_WORDS, "3", "£12", ".", ",", "\n", "x"]), max_size=25))
def test_any_signal_matches_exactly_when_one_of_the_complaint_signals_does(words):
    """_signals_in asks ANY_SIGNAL first and skips the signals one by one when it finds nothing."""
    text = " ".join(words)
    unanchored = [pattern for pattern in COMPLAINT_PATTERNS if pattern not in END_SIGNALS]
    assert all(pattern.pattern.startswith(r"(?<!\w)") for pattern in unanchored)
    assert bool(ANY_SIGNAL.search(text)) == any(pattern.search(text) for pattern in unanchored)
