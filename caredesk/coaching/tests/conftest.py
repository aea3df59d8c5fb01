"""Coaching fixtures on top of the shared cast: dora leads Deliveries (public); alice has replied on
Mrs Miggins's ticket; `scorecard` is a full set of ratings."""

import pytest

from caredesk.accounts.models import User
from caredesk.coaching import services
from caredesk.coaching.models import Rating, Review
from caredesk.conftest import _user
from caredesk.conversations import services as desk


@pytest.fixture
def dora(deliveries) -> User:
    return _user("dora@example.com", "Dora", "Dunn", User.Role.LEAD, [deliveries])


@pytest.fixture
def reply(ticket, alice):
    """Alice's public reply on Mrs Miggins's ticket."""
    return desk.reply(
        ticket, by=alice,
        body="Hello Mrs Miggins, I'm so sorry about the double charge. I've refunded the £42.10 today; "
        "it shows on your card within three working days.",
    )


@pytest.fixture
def scorecard() -> dict:
    return {
        "warm": Rating.YES, "interested": Rating.YES, "willing": Rating.PARTLY,
        "positive": Rating.YES, "empathy": Rating.NO, "polite": None,
    }


@pytest.fixture
def make_review(lena, scorecard):
    def make(ticket, agent, *, by=None, comment="", resolution=Review.Resolution.RESOLVED, accurate=True, **ratings) -> Review:
        return services.review(
            ticket, agent=agent, by=by or lena, ratings={**scorecard, **ratings},
            resolution=resolution, accurate=accurate, comment=comment,
        )

    return make
