import re

import pytest
from django.core.cache import cache

from caredesk.conversations import services


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """The rate limit counts in the cache, which outlives a test: every test starts with none used."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def answered(ticket, alice):
    """Mrs Miggins's ticket with alice's public reply and a note the customer must never see."""
    services.reply(ticket, by=alice, body="I have refunded the second charge; it shows within 3 days.")
    services.add_note(ticket, by=alice, body="Regular customer, refund without fuss.")
    return ticket


LINK = re.compile(r"https?://[^/\s]+(/portal/login/[\w-]+/(?:\?\S+)?)")


def link_path(outbox) -> str:
    """The path of the log-in link in the latest email holding one (its host is CAREDESK_BASE_URL, not the
    test server's)."""
    return next(match.group(1) for email in reversed(outbox) if (match := LINK.search(email.body)))
