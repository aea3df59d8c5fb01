"""What several inbound emails processed in one transaction share (services.process_batch).

Inside `scope()`:
- the acknowledgements are held (`hold`) and stored together in one INSERT when the batch ends
  (acknowledgements.store_held), and their sends are collected and queued as ONE send task, instead of a
  send task each (outbox asks `collect_send`);
- the loop breaker counts the automatic answers of the batch's senders (`senders`) once, at the batch's first
  acknowledgement (`answered`), and adds the ones held;
- the tickets its emails answer are looked up together at its start (`threads`);
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

from .models import OutboundEmail


@dataclass
class Batch:
    sends: list[int] = field(default_factory=list)
    held: list[OutboundEmail] = field(default_factory=list)
    # The From addresses (lower case) of the batch's emails, and the automatic answers each had in the last
    # hour before the batch, read at its first acknowledgement (acknowledgements.automatic_answers_...).
    senders: set[str] = field(default_factory=set)
    answered: dict[str, int] | None = None
    # The Message-IDs of the batch's emails, and the tickets of the ids they name first in their thread
    # headers, read at the batch's start (queries.ticket_replied_to).
    message_ids: set[str] = field(default_factory=set)
    threads: dict = field(default_factory=dict)


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



def current() -> Batch | None:
    return _current.get()


def hold(outbound: OutboundEmail) -> bool:
    """Inside a batch: keep the email (not stored yet) to be stored with the batch's others at its end, and
    return True. Outside: False, and the caller stores it itself."""
    if (batch := _current.get()) is None:
        return False
    batch.held.append(outbound)
    return True
