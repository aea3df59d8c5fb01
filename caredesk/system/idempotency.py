"""Do a side effect at most once per key, even when the task that does it runs twice."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import IntegrityError, transaction

from .models import Done


@contextmanager
def once(key: str) -> Iterator[bool]:
    """Yields True the first time a key is seen, False after. If the body fails, the claim is
    released so a retry can do it."""
    try:
        with transaction.atomic():
            Done.objects.create(key=key[:200])
    except IntegrityError:
        yield False
        return
    try:
        yield True
    except BaseException:
        Done.objects.filter(key=key[:200]).delete()
        raise
