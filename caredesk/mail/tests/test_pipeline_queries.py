"""Queries per inbound email, so the pipeline's throughput cannot silently regress (bench/mail_pipeline.py).

Processing runs with the database task backend, as in production. A queued task costs one INSERT here but
a claim, a finish and its own queries in a worker, so the tasks queued are checked as well: processing
indexes the ticket itself (conversations.indexed_inline) instead of queueing index_ticket.
"""

import email

import pytest
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from caredesk.conversations import search
from caredesk.conversations import services as conversations
from caredesk.conversations.models import Ticket
from caredesk.mail import services
from caredesk.mail.models import InboundEmail
from caredesk.mail.parsing import headers

from .mails import eml

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": []}}
# As measured, savepoints included: lock and read the email (its team joined), the customer (new: its
# organisation, the insert), ticket, message and event, the message read back, the email's outcome, the
# search document (subject, bodies, one upsert), and the acknowledgement made inline (loop breaker count,
# template, team mailbox, the email and its savepoint, its send task): 25. 32 before batches (2026-11-25).
# Plus what the service commitments ask of every new ticket (conversations.hooks): the service policy that
# applies (none here, so no targets), whether the team routes automatically, and the event kinds automation
# rules react to (read once a process every few seconds; each test starts with empty caches).
# Plus care quality (2026-11-26): kudos reads the customer's message to classify it (a task only for praise),
# and the reports rollup folds the CREATED event in the same transaction (the ticket's state read and
# inserted, its backlog measurement read and inserted, the daily and the monthly figures upserted): 1 + 6.
# The rollup is deferred to the end of the block (hooks.deferred), which first checks which of the block's
# events still exist (a savepoint may have undone some): + 1 for an email processed alone.
HOOKS_ON_A_NEW_TICKET = 3 + 1 + 6 + 1
NEW_REQUEST_QUERIES = 25 + HOOKS_ON_A_NEW_TICKET
# Lock and read the email, the customer, the thread (sent and received Message-IDs, the ticket), the ticket
# locked, message, event, ticket touched, the owner's notification queued, the email's outcome, the search
# document. 21 before batches. Plus the hooks: the ticket's running target clocks, the automation kinds;
# kudos reading the message; the rollup reading the ticket's state and updating it, after checking its
# events still exist.
REPLY_QUERIES = 18 + 2 + 3 + 1
# In a batch (services.process_batch), per email: its savepoint, and the above less what the batch does
# once (the lock, the template and mailbox, the search document's reads and upsert, the send task), plus
# the hooks' reads (policy and routing for a new ticket, target clocks for a reply; the automation kinds
# once a batch).
NEW_REQUEST_IN_A_BATCH = 18 + 2 + 1  # + kudos; the rollup folds the whole batch at its end (below)
REPLY_IN_A_BATCH = 14 + 2 + 1  # with the owner's notification queued; + kudos
# Once per batch: claim (sizes, then rows), search reads and upsert, the finished emails' tasks dropped,
# the send task queued, the automation kinds; the reports rollup of the batch's events (which still exist,
# the tickets' states read and written, their facts read and written, the daily and monthly upserts): 7.
# (Before 2026-11-26, stop 12, the rollup cost 6 queries per new ticket and 2 per reply inside the batch.)
BATCH_QUERIES = 11 + 1 + 7


def _searchable(ticket: Ticket, word: str) -> bool:
    return search.filter_tickets(Ticket.objects.all(), word).filter(pk=ticket.pk).exists()


def _queued() -> list[str]:
    return sorted(DBTaskResult.objects.values_list("task_path", flat=True))


@pytest.fixture
def database_tasks(db):
    with override_settings(TASKS=DATABASE_TASKS):
        yield


def test_a_new_request_is_processed_in_few_queries_and_searchable_at_once(database_tasks, billing, django_assert_max_num_queries):
    inbound, _ = services.store(eml(subject="Twelve pies missing"), source=InboundEmail.Source.SMTP, team=billing)
    with django_assert_max_num_queries(NEW_REQUEST_QUERIES):
        inbound = services.process(inbound)
    assert (inbound.status, inbound.started_ticket, inbound.ticket.team) == ("processed", True, billing)
    assert _searchable(inbound.ticket, "pies")
    # Indexed and acknowledged inline, not by more tasks; only sending the acknowledgement waits for a worker.
    assert _queued() == ["caredesk.mail.tasks.send_email"]


def test_a_reply_is_processed_in_few_queries_and_still_notifies_the_owner(
    database_tasks, billing, alice, django_assert_max_num_queries
):
    first, _ = services.receive(eml(message_id="<first@mail.example.com>"), source="smtp", team=billing)
    conversations.assign(first.ticket, to=alice, by=alice)
    DBTaskResult.objects.all().delete()
    reply, _ = services.store(
        eml(subject="Re: pies", text="Any news about the marmalade?", in_reply_to="<first@mail.example.com>"),
        source=InboundEmail.Source.SMTP, team=billing,
    )
    with django_assert_max_num_queries(REPLY_QUERIES):
        reply = services.process(reply)
    assert (reply.status, reply.started_ticket, reply.ticket) == ("processed", False, first.ticket)
    assert _searchable(first.ticket, "marmalade")
    assert _queued() == ["caredesk.conversations.tasks.tell_owner_customer_replied"]


def test_a_reply_to_a_closed_ticket_starts_a_follow_up_that_is_searchable(database_tasks, billing, alice):
    first, _ = services.receive(eml(message_id="<first@mail.example.com>"), source="smtp", team=billing)
    conversations.change_status(first.ticket, status=Ticket.Status.CLOSED, by=alice)
    reply, _ = services.receive(
        eml(text="The quince jam never came either.", in_reply_to="<first@mail.example.com>"),
        source="smtp", team=billing,
    )
    assert reply.started_ticket is True and reply.ticket != first.ticket
    assert _searchable(reply.ticket, "quince") and not _searchable(first.ticket, "quince")
    assert "caredesk.conversations.tasks.index_ticket" not in _queued()


def test_parsing_reuses_each_short_header_and_parses_a_long_one_afresh():
    """The parse is mostly header parsing without it (parsing.headers.POLICY); long ones are not kept."""
    one, two = (email.message_from_bytes(eml(subject="Pies"), policy=headers.POLICY) for _ in range(2))
    assert one["Subject"] is two["Subject"] and one["Content-Type"] is two["Content-Type"]
    subject = " ".join(["pies"] * (headers.REUSED_HEADER_LENGTH // 5 + 1))
    one, two = (email.message_from_bytes(eml(subject=subject), policy=headers.POLICY) for _ in range(2))
    assert one["Subject"] == two["Subject"] == subject and one["Subject"] is not two["Subject"]


def _new_requests(billing, count: int, start: int = 0) -> None:
    for number in range(start, start + count):
        services.store(
            eml(subject=f"Pies, order {number}", sender=f"c{number} <c{number}@example.com>"), source="smtp", team=billing
        )


@pytest.mark.parametrize("size", [10, 20])
def test_a_batch_of_new_requests_costs_a_constant_and_fewer_queries_an_email(
    database_tasks, billing, size, django_assert_max_num_queries
):
    _new_requests(billing, size)
    with django_assert_max_num_queries(BATCH_QUERIES + size * NEW_REQUEST_IN_A_BATCH):
        done = services.process_batch(limit=size)
    assert [inbound.status for inbound in done] == ["processed"] * size
    assert _searchable(done[-1].ticket, "pies")
    assert _queued() == ["caredesk.mail.tasks.send_emails"]  # one task sends the batch's acknowledgements


def test_a_batch_of_replies_costs_a_constant_and_fewer_queries_an_email(
    database_tasks, billing, alice, django_assert_max_num_queries
):
    first, _ = services.receive(eml(message_id="<first@mail.example.com>"), source="smtp", team=billing)
    conversations.assign(first.ticket, to=alice, by=alice)
    for number in range(20):
        services.store(
            eml(subject="Re: pies", text=f"Any news, day {number}?", in_reply_to="<first@mail.example.com>"),
            source=InboundEmail.Source.SMTP, team=billing,
        )
    with django_assert_max_num_queries(BATCH_QUERIES + 20 * REPLY_IN_A_BATCH):
        done = services.process_batch(limit=20)
    assert {(inbound.status, inbound.ticket_id) for inbound in done} == {("processed", first.ticket.pk)}
