"""The composer's promise check, the sidebar's Promises block and the portal's list, with who may do what."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from caredesk.calendars.services import calendar_for
from caredesk.conversations.models import Event
from caredesk.promises import services
from caredesk.promises.models import Promise
from caredesk.system import clock


def _detect(client, ticket, body, kind="reply"):
    return client.post(f"/promises/tickets/{ticket.pk}/detect", {"body": body, "kind": kind})


def _make(client, ticket, **data):
    return client.post(f"/promises/tickets/{ticket.pk}/promises", data)


@pytest.fixture
def promise(ticket, alice):
    return services.make_promise(
        ticket, what="Call back about the refund", due=clock.now() + timedelta(days=2), owner=alice, by=alice
    )


# The composer's check ------------------------------------------------------------------------------


def test_a_promise_in_a_draft_reply_is_offered_with_its_due_time(client, ticket, alice):
    client.force_login(alice)
    response = _detect(client, ticket, "Hello Mrs Miggins,\n\nI'll call you back within 2 working days.\n\nAlice")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Record this promise?" in html and "‘Call you back’" in html
    assert 'name="due"' in html and 'type="datetime-local"' in html


def test_a_draft_without_a_promise_or_a_note_offers_nothing(client, ticket, alice):
    client.force_login(alice)
    assert "Record this promise" not in _detect(client, ticket, "Thanks for your patience!").content.decode()
    note = _detect(client, ticket, "I'll call her back tomorrow at 3pm.", kind="note").content.decode()
    assert "Record this promise" not in note


def test_a_promise_already_recorded_is_not_offered_again(client, ticket, alice):
    client.force_login(alice)
    sentence = "I'll call you back tomorrow at 3pm."
    _make(client, ticket, what="Call you back", due="tomorrow 3pm", owner=alice.pk, source="detected", sentence=sentence)
    assert "Record this promise" not in _detect(client, ticket, f"Hello. {sentence}").content.decode()


def test_recording_an_offered_promise_saves_it_and_refreshes_the_sidebar(client, ticket, alice):
    client.force_login(alice)
    due = (clock.now() + timedelta(days=3)).astimezone(ZoneInfo("Europe/London")).strftime("%Y-%m-%dT%H:%M")
    response = _make(
        client, ticket, what="Call you back", due=due, owner=alice.pk, source="detected",
        sentence="I'll call you back on Tuesday.",
    )
    html = response.content.decode()
    promise = Promise.objects.get()
    assert (promise.what, promise.source, promise.owner, promise.sentence) == (
        "Call you back", "detected", alice, "I'll call you back on Tuesday.",
    )
    assert "Promise recorded: ‘Call you back’" in html
    assert 'id="promises"' in html and 'hx-swap-oob="true"' in html


# The sidebar ---------------------------------------------------------------------------------------


def test_a_promise_is_added_by_hand_with_a_due_time_in_words(client, ticket, alice, bob):
    client.force_login(alice)
    response = _make(client, ticket, what="Send a new card reader", due="within 5 working days", owner=bob.pk)
    assert response.status_code == 200
    promise = Promise.objects.get()
    assert (promise.what, promise.owner, promise.made_by, promise.source) == ("Send a new card reader", bob, alice, "manual")
    assert "Send a new card reader" in response.content.decode()


def test_an_unparseable_promise_date_gets_a_clear_error_and_changes_nothing(client, ticket, alice):
    client.force_login(alice)
    events = ticket.events.count()
    response = _make(client, ticket, what="Call back", due="when pigs fly", owner=alice.pk)
    assert response.status_code == 422
    assert (
        "Could not read “when pigs fly” as a date and time. Try “Tuesday 12:00”, “tomorrow 3pm”, "
        "“1 Dec 14:00” or “within 5 working days”."
    ) in response.content.decode()
    assert (Promise.objects.count(), ticket.events.count()) == (0, events)


def test_an_unparseable_date_in_the_composers_suggestion_is_refused_too(client, ticket, alice):
    client.force_login(alice)
    response = _make(client, ticket, what="Call back", due="", owner=alice.pk, source="detected", sentence="x")
    assert response.status_code == 422
    assert "Say when it is due, e.g. Tuesday 12:00." in response.content.decode()
    assert not Promise.objects.exists()


def test_a_due_time_in_the_past_is_refused(client, ticket, alice):
    client.force_login(alice)
    response = _make(client, ticket, what="Call back", due="2020-01-01T10:00", owner=alice.pk)
    assert response.status_code == 422
    assert "which has passed; a promise falls due in the future." in response.content.decode()
    assert not Promise.objects.exists()


def test_keep_and_cancel_from_the_sidebar(client, ticket, alice, promise):
    client.force_login(alice)
    response = client.post(f"/promises/{promise.pk}/cancel", {"reason": ""})
    assert response.status_code == 422
    assert "Say why the promise is cancelled" in response.content.decode()
    assert client.post(f"/promises/{promise.pk}/keep").status_code == 200
    promise.refresh_from_db()
    assert promise.state == "kept"
    response = client.post(f"/promises/{promise.pk}/cancel", {"reason": "Not needed"})
    assert (response.status_code, "This promise is kept already." in response.content.decode()) == (422, True)


def test_the_ticket_page_shows_open_promises_with_due_time_and_owner(client, ticket, alice, promise):
    client.force_login(alice)
    html = client.get(ticket.get_absolute_url()).content.decode()
    due = promise.due_at.astimezone(ZoneInfo("Europe/London"))  # the desk's zone: Billing has no calendar
    assert "Call back about the refund" in html
    assert f"{due:%a} {due.day} {due:%b, %H:%M}" in html and "Alice Archer" in html
    assert f"/promises/{promise.pk}/keep" in html and f"/promises/{promise.pk}/cancel" in html
    assert 'id="promise-check"' in html  # the composer's check


def test_the_add_form_is_fetched_when_opened_with_the_team_as_owners(client, ticket, alice, bob, charlie):
    client.force_login(alice)
    page = client.get(ticket.get_absolute_url()).content.decode()
    url = f"/promises/tickets/{ticket.pk}/promises/new"
    assert f'hx-get="{url}"' in page and 'name="what"' not in page  # not built with the page
    form = client.get(url).content.decode()
    assert 'name="what"' in form and 'name="due"' in form and f'hx-post="/promises/tickets/{ticket.pk}/promises"' in form
    owners = re.findall(r'<option value="(\d+)"( selected)?>', form)
    assert {int(pk) for pk, _ in owners} == {alice.pk, bob.pk}  # the team's agents; charlie is not on it
    assert [int(pk) for pk, selected in owners if selected] == [ticket.owner_id]
    assert client.post(url).status_code == 405


def test_ticket_page_queries_do_not_grow_with_promises(client, ticket, alice):
    client.force_login(alice)
    counts = []
    for count in (1, 15):
        for n in range(count):
            services.make_promise(ticket, what=f"Promise {n}", due=clock.now() + timedelta(days=1), owner=alice, by=alice)
        caches["local"].clear()  # each page counts what it would with nothing cached (the nav link's count)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(ticket.get_absolute_url()).status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]



def test_the_team_time_zone_labels_due_times_and_is_looked_up_only_when_there_are_some(client, ticket, alice):
    client.force_login(alice)
    label = "Due times are in the team"
    with CaptureQueriesContext(connection) as captured:
        page = client.get(ticket.get_absolute_url()).content.decode()
    assert label not in page
    assert not [q for q in captured.captured_queries if "calendars_businesscalendar" in q["sql"]]
    services.make_promise(ticket, what="Call back", due=clock.now() + timedelta(days=1), owner=alice, by=alice)
    page = client.get(ticket.get_absolute_url()).content.decode()
    zone = str(calendar_for(ticket.team).tz)
    assert re.search(label + r"[^>]*>" + re.escape(zone) + "<", page)

# Who may do what -----------------------------------------------------------------------------------


def test_a_colleague_on_the_team_may_record_keep_and_cancel(client, ticket, bob, promise):
    client.force_login(bob)
    assert _make(client, ticket, what="Email the invoice", due="tomorrow 3pm", owner=bob.pk).status_code == 200
    assert client.post(f"/promises/{promise.pk}/keep").status_code == 200


@pytest.fixture
def deliveries_promise(deliveries, charlie, miggins, ticket_factory):
    """A promise on a ticket of Deliveries, a public team: sales may read it."""
    ticket = ticket_factory.create(customer=miggins, team=deliveries, owner=charlie, by=charlie)
    return services.make_promise(ticket, what="Redeliver the parcel", due=clock.now() + timedelta(days=1), owner=charlie, by=charlie)


def _try_everything(client, promise) -> list[int]:
    """The status of each promise action tried on the promise's ticket: open the form, record, detect, keep,
    cancel."""
    ticket = promise.ticket
    return [
        client.get(f"/promises/tickets/{ticket.pk}/promises/new").status_code,
        _make(client, ticket, what="Call back", due="tomorrow 3pm", owner=promise.owner_id).status_code,
        _detect(client, ticket, "I'll call you back tomorrow.").status_code,
        client.post(f"/promises/{promise.pk}/keep").status_code,
        client.post(f"/promises/{promise.pk}/cancel", {"reason": "No"}).status_code,
    ]


def _unchanged(promise) -> tuple[int, str]:
    promise.refresh_from_db()
    return Promise.objects.count(), promise.state


def test_sales_may_not_record_keep_or_cancel(client, sam, deliveries_promise):
    client.force_login(sam)
    assert _try_everything(client, deliveries_promise) == [403] * 5
    assert _unchanged(deliveries_promise) == (1, "open")


def test_the_customer_may_not_record_keep_or_cancel_on_their_own_ticket(client, miggins, promise):
    client.force_login(miggins.user)
    assert _try_everything(client, promise) == [403] * 5
    assert _unchanged(promise) == (1, "open")


def test_an_agent_outside_a_private_team_gets_404(client, ticket, charlie, promise):
    client.force_login(charlie)
    assert client.get(f"/promises/tickets/{ticket.pk}/promises/new").status_code == 404
    assert _make(client, ticket, what="Call back", due="tomorrow 3pm", owner=charlie.pk).status_code == 404
    assert _detect(client, ticket, "I'll call you back tomorrow.").status_code == 404
    assert client.post(f"/promises/{promise.pk}/keep").status_code == 404
    assert client.post(f"/promises/{promise.pk}/cancel", {"reason": "No"}).status_code == 404
    promise.refresh_from_db()
    assert (Promise.objects.count(), promise.state) == (1, "open")


def test_a_promise_cannot_be_given_to_someone_outside_the_team(client, ticket, alice, charlie):
    client.force_login(alice)
    response = _make(client, ticket, what="Call back", due="tomorrow 3pm", owner=charlie.pk)
    assert response.status_code == 422
    assert not Promise.objects.exists()


def test_sales_see_promises_read_only(client, sam, deliveries_promise):
    client.force_login(sam)
    html = client.get(deliveries_promise.ticket.get_absolute_url()).content.decode()
    assert "Redeliver the parcel" in html
    assert "/keep" not in html and "Add a promise" not in html


# The portal ----------------------------------------------------------------------------------------


def test_the_customer_sees_what_was_promised_and_whether_it_was_kept(client, ticket, alice, miggins, promise):
    kept = services.make_promise(ticket, what="Refund the second charge", due=clock.now() + timedelta(days=1), owner=alice, by=alice)
    services.keep(kept, by=alice)
    cancelled = services.make_promise(ticket, what="Internal: ring the bank", due=clock.now() + timedelta(days=1), owner=alice, by=alice)
    services.cancel(cancelled, by=alice, reason="Bank sorted it; Mrs M is cross with us")
    client.force_login(miggins.user)
    html = client.get(f"/portal/tickets/{ticket.pk}/").content.decode()
    assert "What we promised you" in html
    assert "Call back about the refund" in html and "Refund the second charge" in html and "Done" in html
    assert "ring the bank" not in html and "cross with us" not in html and "Alice Archer" not in html


def test_another_customer_sees_nothing_of_them(client, ticket, parker, promise):
    client.force_login(parker.user)
    assert client.get(f"/portal/tickets/{ticket.pk}/").status_code == 404


def test_an_event_names_the_promise_on_the_ticket(ticket, promise):
    assert ticket.events.filter(kind=Event.Kind.PROMISE_MADE, data__promise=promise.pk).exists()


def test_the_timeline_says_what_was_promised_kept_and_broken(client, ticket, alice, promise):
    services.keep(promise, by=alice)
    late = services.make_promise(ticket, what="Post the cheque", due=clock.now() + timedelta(hours=1), owner=alice, by=alice)
    services.check(late.due_at + timedelta(minutes=1))
    client.force_login(alice)
    html = client.get(ticket.get_absolute_url()).content.decode()
    due = late.due_at.astimezone(ZoneInfo("Europe/London"))
    assert "<strong>Alice Archer</strong> promised ‘Call back about the refund’, due" in html
    assert "<strong>Alice Archer</strong> kept the promise ‘Call back about the refund’" in html
    assert f"The promise ‘Post the cheque’ was broken: it was due {due:%a} {due.day} {due:%b, %H:%M}" in html


def test_admins_read_promises_in_the_admin_but_do_not_change_them(client, ada, promise):
    client.force_login(ada)
    assert "Call back about the refund" in client.get("/admin/promises/promise/").content.decode()
    assert client.get("/admin/promises/promise/add/").status_code == 403
