"""Where other apps plug into ticket writes, so that conversations never imports them.

- `on_event(fn)`: fn(event) runs inside the transaction that recorded the event (service targets start
  and stop their clocks, automations look for matching rules). It may write, and may raise to undo the
  whole change. Register in your AppConfig.ready().
- `guard_status(fn)`: fn(ticket, status, by) runs before a ticket's status changes and raises
  ValidationError to refuse it (an open escalation keeps its ticket from being closed).
"""

from collections.abc import Callable

_event_listeners: list[Callable] = []
_status_guards: list[Callable] = []


def on_event(fn: Callable) -> Callable:
    if fn not in _event_listeners:
        _event_listeners.append(fn)
    return fn


def guard_status(fn: Callable) -> Callable:
    if fn not in _status_guards:
        _status_guards.append(fn)
    return fn


def event_recorded(event) -> None:
    for listener in _event_listeners:
        listener(event)


def check_status(ticket, status: str, by) -> None:
    for guard in _status_guards:
        guard(ticket, status, by)
