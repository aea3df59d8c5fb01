"""Plain text helpers for the scorer: words, sentences and the content words two texts share."""

import re
from functools import lru_cache

WORD = re.compile(r"[A-Za-z][A-Za-z'’]*|\d+(?:[.,:]\d+)*")
SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+|\n|$)")

# Words that say nothing about a customer's particular situation: shared with the customer they prove
# no interest ("order", "help" are in almost every message and reply).
STOPWORDS = frozenset(
    """a about above after again against all am an and any are aren't as at be because been before being
    below between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down
    during each few for from further had hadn't has hasn't have haven't having he he'd he'll he's her here
    here's hers herself him himself his how how's i i'd i'll i'm i've if in into is isn't it it's its itself
    let's me more most mustn't my myself no nor not of off on once only or other ought our ours ourselves
    out over own same shan't she she'd she'll she's should shouldn't so some such than that that's the their
    theirs them themselves then there there's these they they'd they'll they're they've this those through
    to too under until up very was wasn't we we'd we'll we're we've were weren't what what's when when's
    where where's which while who who's whom why why's with won't would wouldn't you you'd you'll you're
    you've your yours yourself yourselves just got get also still really yes ok okay hi hello dear thanks
    thank please sorry regards kind best team hey cheers will one now today yet already back us im dont
    order orders help contact issue problem query request account customer service support message email
    ticket thing things know let like need want make sure could would may might much many well good great
    lovely happy see look looking able time day days week asap""".split()
)


# One reply is read by six behaviours: its words are worked out once (small caches, one reply at a time).
@lru_cache(maxsize=8)
def words(text: str) -> tuple[str, ...]:
    return tuple(word.replace("’", "'") for word in WORD.findall(text.lower()))


def stem(word: str) -> str:
    """A crude stem so 'delivered' meets 'delivery' and 'charges' meets 'charged'."""
    for suffix in ("ing", "ed", "ies", "es", "s", "y", "ery", "ment"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            word = word[: -len(suffix)]
            break
    return word[:-1] if len(word) > 4 and word.endswith("e") else word


@lru_cache(maxsize=8)
def content_stems(text: str) -> frozenset[str]:
    return frozenset(stem(word) for word in words(text) if word not in STOPWORDS and (len(word) > 2 or word.isdigit()))


def sentences(text: str) -> list[tuple[int, int, str]]:
    """(start, end, sentence) for each sentence or line of `text`, blank ones left out."""
    found = []
    for match in SENTENCE.finditer(text):
        chunk = match.group(0)
        if chunk.strip():
            start = match.start() + (len(chunk) - len(chunk.lstrip()))
            found.append((start, match.end(), text[start : match.end()].rstrip()))
    return found
