"""Where other apps plug into ticket writes, so that conversations never imports them.

- `on_event(fn)`: fn(event) runs inside the transaction that recorded the event (service targets start
  and stop their clocks, automations look for matching rules). It may write, and may raise to undo the
  whole change. Register in your AppConfig.ready().
- `on_events(fn)`: fn(events) gets events as a list: one for each events.record(), a whole batch from a
  sweep that writes events in bulk (hooks.events_recorded). For listeners whose work is best done once
  per batch (queue one task for a thousand breaches, not a thousand tasks).
  `on_events(fn, deferrable=True)`: inside a `deferred()` block (a batch of inbound email), fn gets the
  block's events in one call at its end instead, still in the caller's transaction, so that its reads
  and writes happen once per batch (the reports rollup).
- `guard_status(fn)`: fn(ticket, status, by) runs before a ticket's status changes and raises
  ValidationError to refuse it (an open escalation keeps its ticket from being closed).
- `replaying_history()`: true inside `history()`, where past events are being written again (the demo's
  six months, an import). Listeners that keep records (target clocks) still run; listeners that act on
  people (escalating a ticket) stay quiet, as an imported email sends no acknowledgement.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_event_listeners: list[Callable] = []
_batch_listeners: list[Callable] = []
_status_guards: list[Callable] = []
_history: ContextVar[bool] = ContextVar("caredesk_history", default=False)
_deferrable: list[Callable] = []
_deferred: ContextVar[list | None] = ContextVar("caredesk_hooks_deferred", default=None)


@contextmanager
def history() -> Iterator[None]:
    token = _history.set(True)
    try:
        yield
    finally:
        _history.reset(token)


def replaying_history() -> bool:
    return _history.get()


def on_event(fn: Callable) -> Callable:
    if fn not in _event_listeners:
        _event_listeners.append(fn)
    return fn


def on_events(fn: Callable, *, deferrable: bool = False) -> Callable:
    if fn not in _batch_listeners:
        _batch_listeners.append(fn)
    if deferrable and fn not in _deferrable:
        _deferrable.append(fn)
    return fn


@contextmanager
def deferred() -> Iterator[None]:
    """Hold the events written inside for the deferrable on_events listeners, and give them all at the
    end of the block in one call (nested blocks share the outer one). Events a rolled-back savepoint
    undid are left out; if the block raises, nothing is given (its transaction is being undone)."""
    if _deferred.get() is not None:
        yield
        return
    held: list = []
    token = _deferred.set(held)
    try:
        yield
    finally:
        _deferred.reset(token)
    if held:
        from .models import Event

        alive = set(Event.objects.filter(pk__in=[event.pk for event in held]).values_list("pk", flat=True))
        events = [event for event in held if event.pk in alive]
        if events:
            for listener in _deferrable:
                listener(events)


def guard_status(fn: Callable) -> Callable:
    if fn not in _status_guards:
        _status_guards.append(fn)
    return fn


def event_recorded(event) -> None:
    events_recorded([event])


def events_recorded(events: list) -> None:
    """Run the listeners for events already written (by events.record, or in bulk by a sweep)."""
    for event in events:
        for listener in _event_listeners:
            listener(event)
    if events:
        held = _deferred.get()
        for listener in _batch_listeners:
            if held is None or listener not in _deferrable:
                listener(events)
        if held is not None and _deferrable:
            held.extend(events)


def check_status(ticket, status: str, by) -> None:
    for guard in _status_guards:
        guard(ticket, status, by)
