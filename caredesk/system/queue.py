"""Enqueue a background task as part of the current transaction's outcome."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction
from django_tasks import task_backends

_suppressed: ContextVar[bool] = ContextVar("caredesk_tasks_suppressed", default=False)


@contextmanager
def suppressed() -> Iterator[None]:
    """Queue nothing inside: for loading history (demo data, imports of old mail), which must not
    send notifications or fire automations. The caller rebuilds what tasks would have (search)."""
    token = _suppressed.set(True)
    try:
        yield
    finally:
        _suppressed.reset(token)


def later(task, **kwargs) -> None:
    """Run `task(**kwargs)` in the background once the current transaction commits.

    With the database backend the task row is written inside the transaction itself (an outbox):
    it commits or rolls back with the change, and a crash between the two cannot lose it. Other
    backends (RQ, Celery) queue outside the database, so they are handed the task after commit.
    """
    if _suppressed.get():
        return
    backend = task_backends[task.backend]
    if type(backend).__module__.startswith(("django_tasks_db", "django_tasks.backends.immediate")):
        task.enqueue(**kwargs)
    else:
        transaction.on_commit(lambda: task.enqueue(**kwargs))
