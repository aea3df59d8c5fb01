"""Queries per inbound email, so the pipeline's throughput cannot silently regress (bench/mail_pipeline.py).

Processing runs with the database task backend, as in production. A queued task costs one INSERT here but
a claim, a finish and its own queries in a worker, so the tasks queued are checked as well: processing
indexes the ticket itself (conversations.indexed_inline) instead of queueing index_ticket.
"""

import email

import pytest
from django.core.cache import caches
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
# Savepoints included. The tests run in a transaction, so the transaction of a batch (or of one email
# processed alone) is a savepoint here: SAVEPOINT and RELEASE, where production has BEGIN and COMMIT (not
# counted). Caches are emptied before each measurement (_cold_caches): the event kinds automation rules react
# to, kept per process for a few seconds, are read once.

# One new request processed alone (services.process). 36 before the batch-wide reads (2026-11-26), 32 before
# batches (2026-11-25).
NEW_REQUEST_QUERIES = (
    2  # the email's transaction
    + 1  # the email locked and read, its team joined
    + 2  # the customer by address; a new one: the organisation of its domain
    + 3  # the customer inserted, in a savepoint of its own (a concurrent insert of the same address is caught)
    + 3  # ticket, message, CREATED event (the service takes no savepoint: transactions.all_or_nothing)
    + 3  # hooks: the enabled service policies (none here), whether the team routes, the automation kinds
    + 1  # the email's outcome
    + 3  # acknowledgement: the loop breaker's count, the team's wording, its mailbox address
    + 3  # the acknowledgement stored, in a savepoint of its own (its failure never costs the ticket)
    + 3  # the search document: subject, message bodies, one upsert
    + 1  # the acknowledgement's send task
    + 7  # reports rollup: the events still there, the state read and inserted, facts read and inserted,
    #      the daily and the monthly figures upserted
)
# One reply processed alone. 24 before the batch-wide reads (2026-11-26), 21 before batches.
REPLY_QUERIES = (
    2  # the email's transaction
    + 1  # the email locked and read
    + 1  # the customer by address
    + 3  # the thread: the Message-IDs we sent, those we received; the ticket
    + 1  # the ticket locked, team, customer and owner joined
    + 2  # message, CUSTOMER_REPLIED event
    + 3  # hooks: the ticket's open target clocks, the enabled service policies (none: no next-reply clock),
    #      the automation kinds
    + 1  # the ticket touched (updated_at)
    + 1  # the owner's notification queued
    + 1  # the email's outcome
    + 3  # the search document
    + 2  # reports rollup: the event still there, the ticket's state read (unchanged: not written)
)
# In a batch (services.process_batch), a new request with no thread headers and no ticket token costs no
# query of its own: they are opened together (services._open_together). 9 before that (2026-11-26): the
# email's savepoint, its new customer in a savepoint, its ticket, message and event, its outcome. 21 before
# the batch-wide reads: the customer, policies, routing, kudos, the message read back, the acknowledgement and
# its loop breaker, and the open_ticket savepoint were per email then.
NEW_REQUEST_IN_A_BATCH = 0
# Per reply in a batch. 17 before the batch-wide reads (2026-11-26): the customer, the thread, the policies,
# kudos and the customer_reply savepoint were per email then.
REPLY_IN_A_BATCH = (
    2  # the email's savepoint
    + 1  # the ticket locked, team, customer and owner joined
    + 2  # message, CUSTOMER_REPLIED event
    + 1  # the ticket's open target clocks
    + 1  # the ticket touched
    + 1  # the owner's notification queued
    + 1  # the email's outcome
)
# Once per batch of new requests. 27 before they were opened together, 19 before the batch-wide reads
# (2026-11-26); the new customers' insert was in a savepoint, one more, until 2026-11-27.
BATCH_QUERIES = (
    2  # the batch's transaction
    + 2  # the claim: sizes, then rows
    + 2  # the customers of all senders; the organisations of the new ones' domains (customers.known)
    + 2  # the savepoint of the new requests opened together
    + 2  # the new customers inserted at once (rows a concurrent batch made are skipped), and read back
    + 3  # tickets, messages, CREATED events: one INSERT each
    + 1  # the emails' outcomes: one UPDATE
    + 3  # hooks, once a batch (caredesk.system.memo): the enabled service policies, whether the team routes,
    #      the automation kinds
    + 3  # acknowledgements: the loop breaker's counts for all senders, the team's wording, its mailbox address
    + 3  # the acknowledgements stored in one insert, in a savepoint
    + 3  # the search documents: subjects, message bodies, one upsert
    + 1  # the finished emails' queued tasks dropped
    + 1  # one task sends every acknowledgement
    + 7  # reports rollup of the batch's events (as above, for all its tickets at once)
)
# Once per batch of replies.
REPLY_BATCH_QUERIES = (
    2  # the batch's transaction
    + 2  # the claim
    + 1  # the customers of all senders (all known: no organisation read)
    + 3  # the thread of every email: the Message-IDs we sent, those we received, their tickets
    + 2  # hooks, once a batch: the enabled service policies, the automation kinds
    + 3  # the search documents
    + 1  # the finished emails' queued tasks dropped
    + 2  # reports rollup: the events still there, the tickets' states read (unchanged: not written)
)

# Per reply added together with the batch's replies to other tickets (services._reply_together,
# conversations.customer_replies, 2026-11-27). REPLY_IN_A_BATCH (9) when each was added on its own.
REPLY_TOGETHER = (
    1  # the ticket's open target clocks (service levels)
    + 1  # the owner's notification queued
)
# Once per batch of replies added together.
REPLIES_TOGETHER_QUERIES = (
    2  # the batch's transaction
    + 2  # the claim
    + 3  # the thread of every email: the Message-IDs we sent, those we received, their tickets
    + 1  # the customers of all senders
    + 2  # the savepoint of the replies added together
    + 1  # their tickets locked, in one query
    + 3  # messages and CUSTOMER_REPLIED events, one INSERT each; the tickets, one UPDATE
    + 2  # hooks, once a batch: the enabled service policies, the automation kinds
    + 1  # the emails' outcomes: one UPDATE
    + 3  # the search documents
    + 1  # the finished emails' queued tasks dropped
    + 2  # reports rollup: the events still there, the tickets' states read
)


def _cold_caches() -> None:
    for cache in caches.all():
        cache.clear()


def _searchable(ticket: Ticket, word: str) -> bool:
    return search.filter_tickets(Ticket.objects.all(), word).filter(pk=ticket.pk).exists()


def _queued() -> list[str]:
    return sorted(DBTaskResult.objects.values_list("task_path", flat=True))


@pytest.fixture
def database_tasks(db):
    with override_settings(TASKS=DATABASE_TASKS):
        yield


def test_a_new_request_is_processed_in_few_queries_and_searchable_at_once(database_tasks, billing, django_assert_num_queries):
    inbound, _ = services.store(eml(subject="Twelve pies missing"), source=InboundEmail.Source.SMTP, team=billing)
    _cold_caches()
    with django_assert_num_queries(NEW_REQUEST_QUERIES):
        inbound = services.process(inbound)
    assert (inbound.status, inbound.started_ticket, inbound.ticket.team) == ("processed", True, billing)
    assert _searchable(inbound.ticket, "pies")
    # Indexed and acknowledged inline, not by more tasks; only sending the acknowledgement waits for a worker.
    assert _queued() == ["caredesk.mail.tasks.send_email"]


def test_a_reply_is_processed_in_few_queries_and_still_notifies_the_owner(
    database_tasks, billing, alice, django_assert_num_queries
):
    first, _ = services.receive(eml(message_id="<first@mail.example.com>"), source="smtp", team=billing)
    conversations.assign(first.ticket, to=alice, by=alice)
    DBTaskResult.objects.all().delete()
    reply, _ = services.store(
        eml(subject="Re: pies", text="Any news about the marmalade?", in_reply_to="<first@mail.example.com>"),
        source=InboundEmail.Source.SMTP, team=billing,
    )
    _cold_caches()
    with django_assert_num_queries(REPLY_QUERIES):
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
    database_tasks, billing, size, django_assert_num_queries
):
    _new_requests(billing, size)
    _cold_caches()
    with django_assert_num_queries(BATCH_QUERIES + size * NEW_REQUEST_IN_A_BATCH):
        done = services.process_batch(limit=size)
    assert [inbound.status for inbound in done] == ["processed"] * size
    assert _searchable(done[-1].ticket, "pies")
    assert _queued() == ["caredesk.mail.tasks.send_emails"]  # one task sends the batch's acknowledgements


def test_answers_to_mail_the_desk_never_saw_are_opened_together_as_new_requests(
    database_tasks, billing, django_assert_num_queries
):
    """A customer replying to a colleague's email with the desk copied in: thread headers naming nothing the
    desk received or sent. Opened with the batch's new requests, for four more queries in all: the batch's
    thread lookup (the Message-IDs we sent, those we received) and whether the desk knows the ids at all."""
    for number in range(20):
        services.store(
            eml(subject=f"Re: pies, order {number}", sender=f"c{number} <c{number}@example.com>",
                in_reply_to=f"<never-seen-{number}@colleague.example.com>"),
            source="smtp", team=billing,
        )
    _cold_caches()
    with django_assert_num_queries(BATCH_QUERIES + 4 + 20 * NEW_REQUEST_IN_A_BATCH):
        done = services.process_batch(limit=20)
    assert [(inbound.status, inbound.started_ticket) for inbound in done] == [("processed", True)] * 20
    assert Ticket.objects.count() == 20


def test_a_batch_of_replies_costs_a_constant_and_fewer_queries_an_email(
    database_tasks, billing, alice, django_assert_num_queries
):
    first, _ = services.receive(eml(message_id="<first@mail.example.com>"), source="smtp", team=billing)
    conversations.assign(first.ticket, to=alice, by=alice)
    for number in range(20):
        services.store(
            eml(subject="Re: pies", text=f"Any news, day {number}?", in_reply_to="<first@mail.example.com>"),
            source=InboundEmail.Source.SMTP, team=billing,
        )
    _cold_caches()
    with django_assert_num_queries(REPLY_BATCH_QUERIES + 20 * REPLY_IN_A_BATCH):
        done = services.process_batch(limit=20)
    assert {(inbound.status, inbound.ticket_id) for inbound in done} == {("processed", first.ticket.pk)}


@pytest.mark.parametrize("size", [10, 20])
def test_replies_to_many_tickets_in_a_batch_are_added_together(
    database_tasks, billing, alice, size, django_assert_num_queries
):
    for number in range(size):
        first, _ = services.receive(
            eml(message_id=f"<order-{number}@mail.example.com>", sender=f"c{number} <c{number}@example.com>"),
            source="smtp", team=billing,
        )
        conversations.assign(first.ticket, to=alice, by=alice)
        services.store(
            eml(subject="Re: pies", text=f"Any news about order {number}?", sender=f"c{number} <c{number}@example.com>",
                in_reply_to=f"<order-{number}@mail.example.com>"),
            source=InboundEmail.Source.SMTP, team=billing,
        )
    DBTaskResult.objects.all().delete()
    _cold_caches()
    with django_assert_num_queries(REPLIES_TOGETHER_QUERIES + size * REPLY_TOGETHER):
        done = services.process_batch(limit=size)
    assert {(inbound.status, inbound.started_ticket) for inbound in done} == {("processed", False)}
    assert Ticket.objects.filter(messages__body_text__startswith="Any news").distinct().count() == size
    assert _queued() == ["caredesk.conversations.tasks.tell_owner_customer_replied"] * size
