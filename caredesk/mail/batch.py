"""What several inbound emails processed in one transaction share (services.process_batch).

Inside `scope()`:
- the acknowledgements' sends are collected and queued as ONE send task when the batch ends, instead of a
  send task each (outbox.queue asks `collect_send`);
- values that cannot change within the batch's transaction and are asked for once per email (the team's
  acknowledgement wording, its mailbox address, the service policies) are read once: the batch is a
  caredesk.system.memo scope.
Outside a scope everything works one email at a time, as before.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from caredesk.system import memo


@dataclass
class Batch:
    sends: list[int] = field(default_factory=list)


_current: ContextVar[Batch | None] = ContextVar("caredesk_mail_batch", default=None)


@contextmanager
def scope() -> Iterator[Batch]:
    """A batch for the block; nested scopes share the outer one."""
    if (outer := _current.get()) is not None:
        yield outer
        return
    batch = Batch()
    token = _current.set(batch)
    try:
        with memo.scope():
            yield batch
    finally:
        _current.reset(token)


def collect_send(outbound_id: int) -> bool:
    """Inside a batch: keep the email's send for the batch's one send task and return True. Outside:
    False, and the caller queues the send itself."""
    if (batch := _current.get()) is None:
        return False
    batch.sends.append(outbound_id)
    return True

