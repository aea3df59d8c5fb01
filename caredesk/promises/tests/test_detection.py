"""Promise detection on replies as agents write them. The labelled examples below are the measure of
precision and recall quoted in the docs; each expected due time is what a person would write down."""

import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from caredesk.calendars.business_time import build
from caredesk.promises import detection

LONDON = ZoneInfo("Europe/London")
CALENDAR = build(hours="mon-fri 09:00-17:30", tz="Europe/London", holidays="GB-ENG")
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=LONDON)  # a Thursday morning


def at(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=LONDON)


# (reply, expected due of each promise in it, in order; [] when it holds none)
EXAMPLES = [
    ("Hello Mrs Miggins,\n\nI'm sorry about the mix-up. I'll call you back on Tuesday before noon.\n\nAlice", ["2026-12-01 12:00"]),
    ("Your refund will arrive within 5 working days.", ["2026-12-03 17:30"]),
    ("We'll send a replacement hamper by Friday, and I'll email you the tracking number.", ["2026-11-27 17:30"]),
    ("I will get back to you by end of day with an answer from the warehouse.", ["2026-11-26 17:30"]),
    ("You'll receive a confirmation email within 24 hours.", ["2026-11-27 10:00"]),
    ("Expect a call from me tomorrow at 3pm.", ["2026-11-27 15:00"]),
    ("We'll have the credit on your account in 2 business hours.", ["2026-11-26 12:00"]),
    ("I'll look into this and get back to you by the 30th.", ["2026-11-30 17:30"]),
    ("The driver will be with you next Monday morning.", ["2026-11-30 12:00"]),
    ("We will deliver on 3 December between 8am and noon.", ["2026-12-03 12:00"]),
    ("Thanks for bearing with us. I promise to ring you back within the hour.", ["2026-11-26 11:00"]),
    ("I'm going to chase the courier and update you by 4pm today.", ["2026-11-26 16:00"]),
    ("The missing pies will be dispatched tomorrow.", ["2026-11-27 17:30"]),
    ("We aim to process every return within 3-5 working days of receiving it.", ["2026-12-03 17:30"]),
    ("I'll personally make sure the new card reader reaches you by 1 December.", ["2026-12-01 17:30"]),
    ("Our engineer will be in touch by close of business.", ["2026-11-26 17:30"]),
    ("Sorry again! We will refund the delivery charge by the end of the week.", ["2026-11-27 17:30"]),
    ("I'll call you back this afternoon, and the voucher will be with you within 2 working days.", ["2026-11-26 17:00", "2026-11-30 17:30"]),
    ("Your replacement will arrive on Saturday between 10am and 2pm.", ["2026-11-28 14:00"]),
    ("We'll be in touch next week with the results of the investigation.", ["2026-12-04 17:30"]),
    # No promise.
    ("I can't promise anything, but we will try to deliver tomorrow.", []),
    ("We sent it on Tuesday, so it should be with you already.", []),
    ("If you send us a photo of the damaged box, we will refund you within 3 days.", []),
    ("Once we receive the parcel back, we'll issue the refund within 5 working days.", []),
    ("Could we call you on Monday to talk it through?", []),
    ("Thank you for your kind words about Tomasz!", []),
    ("Our warehouse is closed on Monday for the bank holiday.", []),
    ("The refund was processed on 20 November.", []),
    ("I'm afraid we won't be able to deliver before Christmas.", []),
    ("Please let us know if there is anything else we can do.", []),
    ("Would Tuesday afternoon suit you for a call?", []),
    ("I'll pass your comments on to the kitchen team.", []),
    # Hard ones (kept in the measure, whichever way they go).
    ("Let me check with the warehouse; you should hear from us on Monday.", ["2026-11-30 17:30"]),
    ("Someone from Billing will ring you on Friday.", ["2026-11-27 17:30"]),
    ("Our offices will be closed on Friday, so expect the usual delay.", []),
    ("I'll try to have an answer for you by Wednesday.", ["2026-12-02 17:30"]),
]


# Written after the rules were settled and not tuned against: the honest measure (see the docs). Measured
# once as precision 0.83, recall 0.62; the one fix made after (an amount, £12.50, read as 12:50) moves it to
# precision 1.00, recall 0.75. The two misses left are phrasings the rules do not know.
HELD_OUT = [
    ("Hi Peter, a fresh box of apples is going out to you on Monday.", ["2026-11-30 17:30"]),
    ("I've asked the bank to reverse the charge; it will show on your statement within 3 working days.", ["2026-12-01 17:30"]),
    ("We're going to replace the whole order free of charge, delivered by Saturday lunchtime.", ["2026-11-28 12:00"]),
    ("My colleague Lena will phone you tomorrow morning to arrange a collection.", ["2026-11-27 12:00"]),
    ("I will personally check on the order at 2pm and text you.", ["2026-11-26 14:00"]),
    ("You'll get the voucher code by email in the next hour or so.", ["2026-11-26 11:00"]),
    # A Saturday: no working hours, so 17:00.
    ("We will credit £12.50 to your account by the 5th of December.", ["2026-12-05 17:00"]),
    ("Leave it with me, I'll sort it out by Monday.", ["2026-11-30 17:30"]),
    ("We delivered your order on Monday at 10:14, as the photo shows.", []),
    ("Refunds usually take 3 to 5 working days to appear.", []),
    ("I have spoken to the driver and he apologises.", []),
    ("We cannot guarantee delivery times on Saturdays.", []),
    ("If the parcel doesn't arrive by Friday, let me know and we'll send another.", []),
    ("Happy to help - have a lovely weekend!", []),
]


def _score(examples=EXAMPLES):
    true_positive = false_positive = false_negative = 0
    misses = []
    for text, expected in examples:
        found = [c.due_at.strftime("%Y-%m-%d %H:%M") for c in detection.find(text, now=NOW, calendar=CALENDAR)]
        hits = [due for due in found if due in expected]
        true_positive += len(hits)
        false_positive += len(found) - len(hits)
        false_negative += len(expected) - len(hits)
        if found != expected:
            misses.append((text, expected, found))
    return true_positive, false_positive, false_negative, misses


def test_there_are_enough_examples_with_and_without_promises():
    assert len(EXAMPLES) >= 25
    assert sum(1 for _, expected in EXAMPLES if expected) >= 12
    assert sum(1 for _, expected in EXAMPLES if not expected) >= 12


def test_precision_and_recall_on_the_labelled_replies():
    true_positive, false_positive, false_negative, misses = _score()
    precision = true_positive / (true_positive + false_positive)
    recall = true_positive / (true_positive + false_negative)
    print(f"\npromise detection: precision {precision:.2f}, recall {recall:.2f}; misses: {misses}")
    # The figures the docs quote; a change that lowers them fails here.
    assert (true_positive, false_positive, false_negative) == (24, 0, 0), misses


def test_precision_and_recall_on_replies_the_rules_were_not_tuned_on():
    true_positive, false_positive, false_negative, misses = _score(HELD_OUT)
    precision = true_positive / (true_positive + false_positive)
    recall = true_positive / (true_positive + false_negative)
    print(f"\npromise detection, held out: precision {precision:.2f}, recall {recall:.2f}; misses: {misses}")
    assert (true_positive, false_positive, false_negative) == (6, 0, 2), misses


@pytest.mark.parametrize(
    "text, what",
    [
        ("I'll call you back on Tuesday before noon.", "Call you back"),
        ("Your refund will arrive within 5 working days.", "Your refund will arrive"),
        ("Hi Mrs Miggins, we'll send a replacement by Friday, and I'll email you the tracking number.", "Send a replacement"),
        ("Expect a call from me tomorrow at 3pm.", "Expect a call from me"),
    ],
)
def test_what_is_the_promise_without_its_time(text, what):
    (candidate,) = detection.find(text, now=NOW, calendar=CALENDAR)
    assert candidate.what == what


def test_a_candidate_knows_where_its_sentence_is_and_which_words_gave_the_time():
    text = "Hello,\n\nThanks for waiting. I'll call you back on Tuesday before noon. Best, Alice"
    (candidate,) = detection.find(text, now=NOW, calendar=CALENDAR)
    start, end = candidate.span
    assert text[start:end] == candidate.sentence == "I'll call you back on Tuesday before noon."
    assert candidate.when == "on Tuesday before noon"


def test_working_days_skip_weekends_and_public_holidays():
    christmas_eve = datetime(2026, 12, 24, 10, 0, tzinfo=LONDON)  # Thursday; the 25th and the 28th (Boxing Day's substitute) are holidays
    (candidate,) = detection.find("We'll refund you within 2 working days.", now=christmas_eve, calendar=CALENDAR)
    assert candidate.due_at == at("2026-12-30 17:30")


def test_end_of_day_after_hours_is_the_next_working_days_end():
    friday_evening = datetime(2026, 11, 27, 18, 0, tzinfo=LONDON)
    (candidate,) = detection.find("I'll get back to you by end of day.", now=friday_evening, calendar=CALENDAR)
    assert candidate.due_at == at("2026-11-30 17:30")


def test_times_follow_the_team_calendars_zone():
    new_york = build(hours="mon-fri 08:00-16:00", tz="America/New_York")
    (candidate,) = detection.find("I'll call you back tomorrow at 10am.", now=NOW, calendar=new_york)
    assert candidate.due_at == datetime(2026, 11, 27, 10, 0, tzinfo=ZoneInfo("America/New_York"))


def test_a_reply_is_read_in_well_under_five_milliseconds():
    detection.find("I'll call you back on Tuesday.", now=NOW, calendar=CALENDAR)  # dateparser loads once
    replies = [text for text, _ in EXAMPLES] * 5
    started = time.perf_counter()
    for text in replies:
        detection.find(text, now=NOW, calendar=CALENDAR)
    per_reply = (time.perf_counter() - started) / len(replies)
    print(f"\npromise detection: {per_reply * 1000:.2f} ms per reply")
    assert per_reply < 0.005


@pytest.mark.parametrize(
    "typed, due",
    [
        ("2026-12-01T14:00", "2026-12-01 14:00"),
        ("Tuesday 12:00", "2026-12-01 12:00"),
        ("tomorrow 3pm", "2026-11-27 15:00"),
        ("1 Dec 14:00", "2026-12-01 14:00"),
        ("within 5 working days", "2026-12-03 17:30"),
        ("Friday 9am", "2026-11-27 09:00"),
    ],
)
def test_due_times_typed_in_the_form(typed, due):
    assert detection.parse_due(typed, now=NOW, calendar=CALENDAR) == at(due)


@pytest.mark.parametrize("typed", ["", "whenever", "soonish", "the blue moon"])
def test_unreadable_due_times_are_none(typed):
    assert detection.parse_due(typed, now=NOW, calendar=CALENDAR) is None


def test_a_long_pasted_text_is_read_quickly_and_offers_at_most_five():
    detection.find("I'll call you back on Tuesday.", now=NOW, calendar=CALENDAR)
    started = time.perf_counter()
    found = detection.find("I'll call you back tomorrow. " * 700, now=NOW, calendar=CALENDAR)
    assert len(found) == 5
    assert detection.find("we will be with you by the 3rd of " * 500, now=NOW, calendar=CALENDAR) == []
    assert time.perf_counter() - started < 0.5
