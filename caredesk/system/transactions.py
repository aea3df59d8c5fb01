"""Service transactions that can share their caller's savepoint.

A service owns its transaction (`@atomic`, as `django.db.transaction.atomic`): called on its own it commits
alone; called inside another transaction it takes a savepoint, so that when it raises, nothing it wrote
stays and its caller may catch the error and go on. A savepoint costs two round trips (SAVEPOINT, RELEASE).

Inside `all_or_nothing()` any error undoes the whole block, as for a batch of inbound email and each email
in it (mail.services): there the services called take no savepoint of their own, and an error in one undoes
the block. Code inside that catches a database error and goes on (customers.customer_for_email, the
acknowledgement's outbox.queue) keeps its own `transaction.atomic()`, which always takes one.
"""

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction

_shared: ContextVar[bool] = ContextVar("caredesk_all_or_nothing", default=False)


def atomic(fn: Callable) -> Callable:
    """transaction.atomic for a service, without a savepoint of its own inside all_or_nothing()."""

    @functools.wraps(fn)
    def inner(*args, **kwargs):
        with transaction.atomic(savepoint=not _shared.get()):
            return fn(*args, **kwargs)

    return inner


@contextmanager
def all_or_nothing() -> Iterator[None]:
    """The block in one transaction.atomic() (a transaction, or a savepoint inside one), shared by the
    services (@atomic) called inside: one that raises undoes the whole block, so no caller inside may catch
    a service's error and go on without a transaction.atomic() of its own around the call."""
    token = _shared.set(True)
    try:
        with transaction.atomic():
            yield
    finally:
        _shared.reset(token)
