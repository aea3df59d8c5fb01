"""Finding promises in a reply being written, and reading due times people type. Pure: no database.

A sentence is offered as a promise when it has both
- a commitment: "I'll", "I will", "we'll", "we are going to", "you'll receive", "your refund will arrive",
  "get back to you", "expect a call" ...; and
- a time: a duration ("within 5 working days", "in 2 business hours", "within 48 hours"), an end of day
  or week ("by end of day", "by close of business", "end of the week"), or a day with an optional time
  ("on Tuesday before noon", "tomorrow at 3pm", "by 1 December", "next Monday morning").

Each clause is read on its own ("I'll call you this afternoon, and the voucher will be with you within
2 working days" holds two promises; "we sent it on Tuesday, so it should be with you" none), and at most
five are offered. Nothing in a sentence is offered when it is a question, says it cannot commit ("I can't
promise anything, but we will try to deliver tomorrow", "we won't be able to"), or is conditional on the
customer or a third party ("if you send the photos we'll refund within 3 days", "once we receive the
parcel ..."): a conditional promise has no due time of its own until the condition is met, so it is left
for a person to record by hand when it is.

Due times are computed in the team's calendar (its time zone and working hours):
- working/business days: the end of the Nth working day after today ("within 5 working days");
- working/business hours: calendars.business_time.add_business_time;
- plain durations: that much wall-clock time from now ("within 48 hours");
- a day without a time ("by Tuesday", "tomorrow"): the end of that day's working hours (17:00 on a day
  without any); "noon"/"midday" 12:00, "morning" 12:00, "afternoon" 17:00, "evening"/"tonight" 20:00;
- a time without a day ("before noon"): today if that is still ahead, else tomorrow;
- "end of day"/"close of business": the end of today's working hours (the next working day's once
  today's are over); "end of the week"/"next week": the end of its last working day.
Day phrases ("Tuesday", "next Monday", "1 Dec", "December 1st", "12/01") are read by dateparser with
PREFER_DATES_FROM=future, RELATIVE_BASE=now in the team's zone, day-first dates.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from caredesk.calendars.business_time import Calendar, add_business_time

MAX_WHAT = 200
MAX_SENTENCE = 400
MAX_FOUND = 5  # a reply offering more promises than this is not read further

_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fourteen": 14, "fifteen": 15,
    "twenty": 20, "thirty": 30,
}
_NUM = r"(?:\d{1,3}|" + "|".join(sorted(_NUMBERS, key=len, reverse=True)) + r")"
_RANGE = rf"(?P<n>{_NUM})(?:\s*(?:-|–|to|or)\s*(?P<n2>{_NUM}))?"
_WITHIN = r"(?:within|in|inside(?:\s+of)?|over)\s+(?:the\s+next\s+|the\s+coming\s+)?"

_BUSINESS = re.compile(rf"\b{_WITHIN}{_RANGE}\s+(?:working|business)\s+(?P<unit>days?|hours?)\b", re.I)
_PLAIN = re.compile(rf"\b{_WITHIN}{_RANGE}\s+(?P<unit>minutes?|mins?|hours?|hrs?|days?|weeks?)\b", re.I)
_THE_HOUR = re.compile(r"\bwithin\s+the\s+(?:next\s+)?hour\b", re.I)
_END_OF_DAY = re.compile(
    r"\b(?:(?:by|before|at|until|till)\s+)?(?:the\s+)?(?:end\s+of\s+(?:the\s+)?(?:(?:working|business)\s+)?day"
    r"|end\s+of\s+today|close\s+of\s+(?:business|play)|end\s+of\s+play|eod|cob)\b",
    re.I,
)
_WEEK = re.compile(
    r"\b(?:(?:by|before|until|till)\s+)?(?:the\s+)?(?:(?P<end>end\s+of\s+(?:the\s+|this\s+)?week)"
    r"|(?:end\s+of\s+|during\s+|early\s+|later\s+)?(?P<next>next\s+week))\b",
    re.I,
)
_WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_MONTH = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december"
    r"|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?"
)
_ORD = r"(?:st|nd|rd|th)?"
_PART = r"(?P<part>morning|afternoon|evening|night|lunchtime)"
_DATE = re.compile(
    r"\b(?:(?:on|by|before|for|until|till|no\s+later\s+than)\s+)?(?:the\s+)?(?P<day>"
    r"today|tonight|tomorrow|later\s+today|this(?=\s+(?:morning|afternoon|evening))"
    rf"|(?:(?:next|this|coming|this\s+coming)\s+)?{_WEEKDAY}"
    rf"|\d{{1,2}}{_ORD}\s+(?:of\s+)?{_MONTH}(?:\s+\d{{4}})?"
    rf"|{_MONTH}\s+\d{{1,2}}{_ORD}(?:,?\s+\d{{4}})?"
    rf"|(?<=the\s)\d{{1,2}}{_ORD}(?=\W|$)"
    r"|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}(?:/\d{2,4})?"
    rf")(?:\s+{_PART})?\b",
    re.I,
)
_TIME = re.compile(
    r"\b(?:(?:at|by|before|around|until|till|no\s+later\s+than|latest\s+by)\s+)?(?<![£$€])(?P<clock>noon|midday|midnight|lunchtime|lunch\s+time"
    r"|\d{1,2}[:.]\d{2}\s*(?:am|pm|a\.m\.|p\.m\.)?|\d{1,2}\s*(?:am|pm|a\.m\.|p\.m\.)|\d{1,2}\s+o'clock)"
    r"(?=\W|$)",
    re.I,
)

_BETWEEN = re.compile(
    r"\bbetween\s+\S+(?:\s*(?:am|pm))?\s+(?:and|-|–)\s+(?P<clock>noon|midday|\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm)?)(?=\W|$)", re.I
)

_FIRST_PERSON = re.compile(
    r"\b(?:i|we)(?:'ll|\s+will|\s+shall|'m\s+going\s+to|\s+am\s+going\s+to|'re\s+going\s+to|\s+are\s+going\s+to"
    r"|\s+promise(?:\s+to)?|\s+aim\s+to|\s+undertake\s+to|'ll\s+make\s+sure\s+to|\s+will\s+make\s+sure\s+to)\s+"
    r"(?:(?:definitely|certainly|personally|also|then|now|be\s+sure\s+to|make\s+sure\s+to)\s+)?",
    re.I,
)
_YOU_WILL = re.compile(
    r"\byou(?:'ll|\s+will|\s+should)\s+(?:receive|get|have|hear|see|be\s+(?:contacted|refunded|credited|called))\b",
    re.I,
)
_IT_WILL = re.compile(
    r"\b(?:will|should|is\s+going\s+to|are\s+going\s+to)\s+(?:be\s+)?(?:arrive|reach|deliver(?:ed)?|dispatch(?:ed)?"
    r"|ship(?:ped)?|sent|credited|refunded|processed|returned|with\s+you|in\s+touch|collected|replaced|issued"
    r"|back\s+in\s+your\s+account|show|appear|land|(?:ring|call|phone|email|contact|visit)\s+you)\b",
    re.I,
)
_EXPECT = re.compile(r"\b(?:you\s+can\s+)?expect\s+(?:a|an|the|your|it|them|to|my|our)\b", re.I)
_REFUSAL = re.compile(
    r"\b(?:can't|cannot|can\s+not|couldn't|could\s+not|won't|will\s+not|unable\s+to|not\s+able\s+to|no\s+promises"
    r"|not\s+(?:promise|guarantee)|don't\s+know\s+(?:when|if))\b",
    re.I,
)
_CONDITION = re.compile(
    r"(?:^|,\s*|\s)(?:if|once|as\s+soon\s+as|provided(?:\s+that)?|assuming|as\s+long\s+as|unless)\s+"
    r"(?:you|your|we\s+(?:receive|get|hear|have)|the\s+(?:courier|bank|supplier|warehouse))\b",
    re.I,
)
_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+(?=\s|$)|\n|$)|[^\n]+?(?:\n|$)")
_LEADING = re.compile(r"^(?:and|so|then|also|please|,|—|-)\s+", re.I)
_TRAILING = re.compile(
    r"(?:\s+(?:on|by|before|within|in|at|for|until|till|no\s+later\s+than|and|or|but|latest|the|at\s+the\s+latest))+\s*$",
    re.I,
)
_CLAUSE = re.compile(r",\s*(?:and|but|so|as)\s+|;\s*|\s+but\s+|\s+(?:and|so)\s+(?=(?:i|we|the|your|it|they)\b)", re.I)


@dataclass(frozen=True)
class Candidate:
    """A promise found in a draft: the sentence, where it is in the text, a short "what", and when."""

    sentence: str
    span: tuple[int, int]
    what: str
    due_at: datetime
    when: str  # the time expression as written


def find(text: str, *, now: datetime, calendar: Calendar) -> list[Candidate]:
    """The promises in `text`, one per sentence at most, each due after `now` (aware)."""
    text = (text or "").replace("’", "'").replace("‘", "'")
    found = []
    for match in _SENTENCE.finditer(text):
        raw = match.group(0)
        sentence = raw.strip()
        # A question, a quoted line, or a run-on too long to be one commitment (pasted text) is skipped.
        if not 8 <= len(sentence) <= MAX_SENTENCE or sentence.endswith("?") or sentence.startswith(">"):
            continue
        if _REFUSAL.search(sentence) or _CONDITION.search(sentence):
            continue
        # Each clause on its own: "I'll call you this afternoon, and the voucher will be with you within
        # 2 working days" holds two promises; "we sent it on Tuesday, so it should be with you" none.
        base = match.start() + raw.index(sentence)
        position = 0
        for clause in _CLAUSE.split(sentence):
            offset = sentence.index(clause, position)
            position = offset + len(clause)
            clause = clause.strip(" ,;")
            offset = sentence.index(clause, offset) if clause else offset
            commitment = _commitment(clause)
            if commitment is None:
                continue
            when = when_in(clause, now=now, calendar=calendar)
            if when is None:
                continue
            due, (start, end) = when
            if due <= now:
                continue
            found.append(
                Candidate(
                    sentence=clause,
                    span=(base + offset, base + offset + len(clause)),
                    what=_what(clause, commitment, (start, end)),
                    due_at=due,
                    when=clause[start:end],
                )
            )
            if len(found) == MAX_FOUND:
                return found
    return found


def parse_due(text: str, *, now: datetime, calendar: Calendar) -> datetime | None:
    """A due time from what a person typed in the promise form: "2026-12-01T14:00" (the date picker),
    "Tuesday 12:00", "tomorrow 3pm", "within 5 working days", "1 Dec". None when it cannot be read."""
    text = " ".join((text or "").split())
    if not text:
        return None
    try:
        typed = datetime.fromisoformat(text)
    except ValueError:
        pass
    else:
        return typed.replace(tzinfo=calendar.tz) if typed.tzinfo is None else typed.astimezone(calendar.tz)
    when = when_in(text, now=now, calendar=calendar)
    if when is not None:
        return when[0]
    parsed = _dateparser(text, now=now, calendar=calendar)
    return parsed.replace(tzinfo=calendar.tz) if parsed else None


def when_in(sentence: str, *, now: datetime, calendar: Calendar) -> tuple[datetime, tuple[int, int]] | None:
    """The first due time expressed in `sentence`, with the span of its words; None if there is none."""
    tz = calendar.tz
    local_now = now.astimezone(tz)
    if match := _BUSINESS.search(sentence):
        count = _count(match)
        if match.group("unit").lower().startswith("hour"):
            return add_business_time(now, timedelta(hours=count), calendar), match.span()
        return _after_working_days(local_now.date(), count, calendar), match.span()
    if match := _THE_HOUR.search(sentence):
        return local_now + timedelta(hours=1), match.span()
    if match := _PLAIN.search(sentence):
        count, unit = _count(match), match.group("unit").lower()
        step = {"m": timedelta(minutes=1), "h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}
        return local_now + count * step[unit[0]], match.span()
    if match := _WEEK.search(sentence):
        monday = local_now.date() - timedelta(days=local_now.weekday())
        if match.group("next"):
            monday += timedelta(days=7)
        return _end_of_week(monday, calendar), match.span()

    # "between 8am and noon": the promise is the end of the window.
    day_match, clock_match = _DATE.search(sentence), _BETWEEN.search(sentence) or _TIME.search(sentence)
    end_of_day = _END_OF_DAY.search(sentence)
    if day_match is None and clock_match is None and end_of_day is None:
        return None
    spans = [m.span() for m in (day_match, clock_match, end_of_day) if m is not None]
    span = (min(s for s, _ in spans), max(e for _, e in spans))

    clock = _clock(clock_match.group("clock")) if clock_match else None
    part = (day_match.group("part") or "").lower() if day_match else ""
    if clock is None and part:
        clock = {"morning": time(12), "lunchtime": time(12), "afternoon": time(17)}.get(part, time(20))
    if day_match is not None:
        day = _day(day_match.group("day"), local_now, calendar)
        if day is None:
            return None
        if day_match.group("day").lower() == "tonight" and clock is None:
            clock = time(20)
    elif clock is not None:
        day = local_now.date() if datetime.combine(local_now.date(), clock, tzinfo=tz) > local_now else None
        day = day or local_now.date() + timedelta(days=1)
    else:  # end of day alone
        day = local_now.date()
        for _ in range(3 * 366):
            due = _end_of_working_day(day, calendar, closed_is_none=True)
            if due is not None and due > local_now:
                return due, span
            day += timedelta(days=1)
        return None
    if clock is None:
        return _end_of_working_day(day, calendar), span
    return datetime.combine(day, clock, tzinfo=tz), span


# Pieces ------------------------------------------------------------------------------------------


def _commitment(sentence: str) -> re.Match | None:
    for pattern in (_FIRST_PERSON, _YOU_WILL, _IT_WILL, _EXPECT):
        if match := pattern.search(sentence):
            return match
    if re.search(r"\b(?:call|ring|phone)\s+you\s+back\b|\bget\s+back\s+to\s+you\b", sentence, re.I):
        return re.search(r"\b(?:call|ring|phone|get)\b", sentence, re.I)
    return None


def _what(sentence: str, commitment: re.Match, when: tuple[int, int]) -> str:
    """A short paraphrase: the words after "I'll"/"we will" (or the whole clause for "your refund will
    arrive"), without the time expression."""
    start, end = when
    text = sentence[:start] + " " + sentence[end:]
    cut = commitment.end() if commitment.re is _FIRST_PERSON else 0
    if cut:
        cut = cut if cut <= start else cut - (end - start) + 1
        text = text[cut:]
    # Keep the clause that holds the promise: drop a greeting before it and another clause after it.
    clauses = [clause for clause in _CLAUSE.split(text) if clause.strip()]
    if clauses:
        text = clauses[0] if cut else next((c for c in clauses if _commitment(c)), clauses[0])
    text = " ".join(text.split()).strip(" ,.;:!-—")
    if not cut and "," in text:  # "Hi Mrs Miggins, your refund will arrive"
        text = text.rsplit(",", 1)[1].strip()
    text = _TRAILING.sub("", _LEADING.sub("", text)).strip(" ,.;:!-—")
    if len(text) < 3:
        text = sentence.strip(" .!")
    text = text[0].upper() + text[1:]
    return text if len(text) <= MAX_WHAT else text[: MAX_WHAT - 1].rstrip() + "…"


def _count(match: re.Match) -> int:
    value = match.group("n2") or match.group("n")  # "3-5 working days": the promise is the later end
    value = value.lower()
    return int(value) if value.isdigit() else _NUMBERS[value]


def _clock(text: str) -> time | None:
    text = text.lower().replace(".", ":").replace(" ", "")
    if text in ("noon", "midday", "lunchtime", "lunchtime"):
        return time(12)
    if text == "midnight":
        return time(23, 59)
    match = re.fullmatch(r"(\d{1,2})(?::(\d{2}))?(am|pm|a:m:|p:m:|o'clock)?", text)
    if not match:
        return None
    hour, minute, suffix = int(match.group(1)), int(match.group(2) or 0), (match.group(3) or "").replace(":", "")
    if suffix == "pm" and hour < 12:
        hour += 12
    elif suffix == "am" and hour == 12:
        hour = 0
    elif suffix in ("", "o'clock") and 1 <= hour <= 7:  # "by 5" or "at 3 o'clock" in a working day is p.m.
        hour += 12
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def _day(text: str, local_now: datetime, calendar: Calendar) -> date | None:
    words = " ".join(text.lower().split())
    today = local_now.date()
    if words in ("today", "tonight", "later today") or words.startswith("this"):
        return today
    if words == "tomorrow":
        return today + timedelta(days=1)
    if words.startswith("coming ") or words.startswith("this coming "):
        words = words.rsplit(" ", 1)[1]
    parsed = _dateparser(words, now=local_now, calendar=calendar)
    if parsed is None:
        return None
    day = parsed.date()
    if day < today and re.fullmatch(r"\d{1,2}(?:st|nd|rd|th)?", words):  # "the 14th" means the next one
        day = _next_month(day)
    return day if day >= today else None


def _dateparser(text: str, *, now: datetime, calendar: Calendar) -> datetime | None:
    """dateparser's reading of `text`, naive in the calendar's zone."""
    import dateparser

    settings = {
        "PREFER_DATES_FROM": "future",
        "RELATIVE_BASE": now.astimezone(calendar.tz).replace(tzinfo=None),
        "TIMEZONE": str(calendar.tz),
        "RETURN_AS_TIMEZONE_AWARE": False,
        "DATE_ORDER": "DMY",
    }
    try:
        return dateparser.parse(text, languages=["en"], settings=settings)
    except (ValueError, OverflowError):
        return None


def _next_month(day: date) -> date:
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    try:
        return day.replace(year=year, month=month)
    except ValueError:
        return day


def _end_of_working_day(day: date, calendar: Calendar, *, closed_is_none: bool = False) -> datetime | None:
    intervals = calendar.intervals_on(day)
    if intervals:
        return intervals[-1][1].astimezone(calendar.tz)
    if closed_is_none:
        return None
    return datetime.combine(day, time(17), tzinfo=calendar.tz)


def _after_working_days(today: date, count: int, calendar: Calendar) -> datetime:
    """The end of the `count`th working day after `today` (today itself does not count)."""
    day, seen = today, 0
    for _ in range(3 * 366):
        day += timedelta(days=1)
        if calendar.intervals_on(day):
            seen += 1
            if seen >= count:
                return _end_of_working_day(day, calendar)
    return add_business_time(datetime.combine(today, time(0), tzinfo=calendar.tz), timedelta(days=count), calendar)


def _end_of_week(monday: date, calendar: Calendar) -> datetime:
    for offset in range(6, -1, -1):
        if due := _end_of_working_day(monday + timedelta(days=offset), calendar, closed_is_none=True):
            return due
    return _end_of_working_day(monday + timedelta(days=4), calendar)
