"""The desk's one source of "now". Services, events and model defaults read it, so the demo loader
and importers can replay history at the time it happened (`clock.travel_to(when)`)."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from django.utils import timezone

_frozen: ContextVar[datetime | None] = ContextVar("caredesk_clock", default=None)


def now() -> datetime:
    return _frozen.get() or timezone.now()


@contextmanager
def travel_to(when: datetime) -> Iterator[None]:
    """Everything written inside happens at `when` (for loading history, never for live requests)."""
    token = _frozen.set(when)
    try:
        yield
    finally:
        _frozen.reset(token)
