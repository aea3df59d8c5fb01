"""Values read once for a block of work instead of once per item in it (a batch of inbound email).

Inside `scope()`, `memo(key, compute)` runs compute() once per key and hands back that value after; outside
any scope it runs compute() every time, so code that asks behaves the same whoever calls it. Only for reads
the block's own writes cannot change: a team's acknowledgement wording, the enabled service policies,
whether a team routes automatically. A scope lasts one block (mail.services opens one per batch, one
transaction), so an admin's edit is seen by the next batch, as by the next request.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

_values: ContextVar[dict[tuple, Any] | None] = ContextVar("caredesk_memo", default=None)


@contextmanager
def scope() -> Iterator[None]:
    """Remember values for the block; a nested scope shares the outer one."""
    if _values.get() is not None:
        yield
        return
    token = _values.set({})
    try:
        yield
    finally:
        _values.reset(token)


def memo(key: tuple, compute: Callable[[], Any]) -> Any:
    """compute(), once per scope for `key`; every time outside a scope."""
    if (values := _values.get()) is None:
        return compute()
    if key not in values:
        values[key] = compute()
    return values[key]
