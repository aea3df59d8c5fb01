import re

import pytest

from caredesk.conversations.models import OPEN_STATUSES, SavedView

QUEUE = "/tickets/"
SAVE = "/tickets/views/"


def listed(response) -> list[int]:
    return [
        int(pk)
        for pk in re.findall(
            r'<tr class="queue-row[^"]*" data-href="/tickets/(\d+)/"', response.content.decode()
        )
    ]


def save(client, params: str, name: str = "My view", shared: bool = False):
    data = {"params": params, "name": name}
    if shared:
        data["is_shared"] = "on"
    return client.post(SAVE, data)


@pytest.fixture
def as_alice(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def tickets(ticket_factory, miggins, parker, billing, deliveries, alice):
    return {
        "urgent": ticket_factory.create(
            customer=miggins, team=billing, owner=alice, subject="Refund", priority=4
        ),
        "normal": ticket_factory.create(customer=parker, team=billing, subject="Voucher"),
        "delivery": ticket_factory.create(customer=parker, team=deliveries, subject="Parcel", priority=4),
    }


@pytest.fixture
def shared_view(alice):
    return SavedView.objects.create(owner=alice, name="Urgent", filters={"priority": [4]}, is_shared=True)


@pytest.fixture
def private_view(alice):
    return SavedView.objects.create(owner=alice, name="Mine only", filters={"owner": "me"})


# Saving ---------------------------------------------------------------------------------------


def test_saving_keeps_the_filters_and_sort_with_dates_as_iso_strings(as_alice, alice):
    response = save(
        as_alice, "view=all&status=open&status=solved&created_from=2025-03-01&sort=created_at", "March"
    )
    saved = SavedView.objects.get()
    assert (saved.owner, saved.name, saved.is_shared, saved.filters) == (
        alice,
        "March",
        False,
        {"status": ["open", "solved"], "created_from": "2025-03-01", "sort": "created_at"},
    )
    assert response["Location"] == f"/tickets/?saved={saved.pk}"


def test_saving_a_built_in_view_keeps_what_it_showed(as_alice):
    save(as_alice, "view=mine&priority=4")
    assert SavedView.objects.get().filters == {
        "status": list(OPEN_STATUSES),
        "owner": "me",
        "priority": [4],
        "sort": "-updated_at",
    }


def test_saving_my_teams_names_the_one_team_of_the_agent(as_alice, billing):
    save(as_alice, "view=teams")
    assert SavedView.objects.get().filters["team"] == billing.pk


def test_saving_from_a_saved_view_narrows_its_filters(as_alice, alice):
    base = SavedView.objects.create(owner=alice, name="Hot", filters={"priority": [3, 4], "q": "refund"})
    save(as_alice, f"saved={base.pk}&priority=4&q=card&channel=email", "Hotter")
    assert SavedView.objects.get(name="Hotter").filters == {
        "priority": [4],
        "q": "refund card",
        "channel": "email",
        "sort": "-updated_at",
    }


def test_a_view_needs_a_name(as_alice):
    response = save(as_alice, "view=open", name="  ")
    assert "Give the view a name." in response.content.decode()
    assert not SavedView.objects.exists()


def test_one_person_cannot_have_two_views_of_the_same_name(as_alice, private_view):
    response = save(as_alice, "view=open", name="mine ONLY")
    assert "You already have a view called “mine ONLY”." in response.content.decode()
    assert SavedView.objects.count() == 1


def test_saving_with_invalid_filters_saves_nothing(as_alice):
    response = save(as_alice, "view=open&created_from=yesterday", name="Broken")
    html = response.content.decode()
    assert "Fix the filters before saving the view." in html
    assert "Created from: Enter a date as YYYY-MM-DD." in html
    assert not SavedView.objects.exists()


def test_customers_cannot_save_views(client, miggins):
    client.force_login(miggins.user)
    assert save(client, "view=open").status_code == 403
    assert not SavedView.objects.exists()


# Showing --------------------------------------------------------------------------------------


def test_a_saved_view_lists_what_its_filters_select(as_alice, tickets, shared_view):
    response = as_alice.get(QUEUE, {"saved": shared_view.pk})
    assert (response.context["title"], listed(response)) == (
        "Urgent",
        [tickets["delivery"].pk, tickets["urgent"].pk],
    )


def test_a_saved_view_lists_in_its_saved_order(as_alice, tickets, alice):
    saved = SavedView.objects.create(
        owner=alice, name="Oldest", filters={"status": ["new", "open"], "sort": "created_at"}
    )
    response = as_alice.get(QUEUE, {"saved": saved.pk})
    assert listed(response) == [tickets["urgent"].pk, tickets["normal"].pk, tickets["delivery"].pk]


def test_the_filter_bar_narrows_a_saved_view_further(as_alice, tickets, shared_view, billing):
    assert listed(as_alice.get(QUEUE, {"saved": shared_view.pk, "team": billing.pk})) == [
        tickets["urgent"].pk
    ]


def test_saved_views_are_in_the_sidebar_with_counts_and_the_current_one_highlighted(
    as_alice, tickets, shared_view, private_view
):
    html = as_alice.get(QUEUE, {"saved": private_view.pk}).content.decode()
    entry = r'href="/tickets/\?saved=(\d+)"[^>]*>\s*<span[^>]*><i[^>]*></i>([^<]+)</span>'
    entries = re.findall(entry + r"\s*<span[^>]*>(\d+)</span>", html)
    assert entries == [(str(private_view.pk), "Mine only", "1"), (str(shared_view.pk), "Urgent", "2")]
    assert f'active" href="/tickets/?saved={private_view.pk}" aria-current="page"' in html


def test_the_header_describes_a_saved_views_filters(as_alice, alice, billing):
    saved = SavedView.objects.create(
        owner=alice,
        name="Billing cards",
        filters={"team": billing.pk, "tag": "card", "status": ["new"], "sort": "created_at"},
    )
    html = as_alice.get(QUEUE, {"saved": saved.pk}).content.decode()
    chips = re.findall(
        r'<span class="badge bg-body text-body-secondary border fw-normal">([^<]+)</span>', html
    )
    assert chips == ["Status: New", "Team: Billing", "Tag: card", "Sorted by: Oldest"]


def test_the_header_calls_every_open_status_any_open(as_alice):
    save(as_alice, "view=open")
    html = as_alice.get(QUEUE, {"saved": SavedView.objects.get().pk}).content.decode()
    assert ">Status: any open</span>" in html


def test_a_shared_view_shows_to_other_staff_read_only(client, bob, shared_view):
    client.force_login(bob)
    response = client.get(QUEUE, {"saved": shared_view.pk})
    html = response.content.decode()
    assert "Shared by Alice Archer · read-only" in html
    assert (f"/tickets/views/{shared_view.pk}/" in html, "edit_form" in response.context) == (False, False)


def test_a_shared_view_never_names_a_private_team_to_outsiders(client, charlie, alice, billing, tickets):
    saved = SavedView.objects.create(
        owner=alice, name="Billing", filters={"team": billing.pk}, is_shared=True
    )
    client.force_login(charlie)
    response = client.get(QUEUE, {"saved": saved.pk})
    assert "Team: a team you cannot see" in response.content.decode()
    assert listed(response) == []


def test_someone_elses_private_view_is_404_and_not_in_the_sidebar(client, bob, private_view, shared_view):
    client.force_login(bob)
    assert client.get(QUEUE, {"saved": private_view.pk}).status_code == 404
    assert "Mine only" not in client.get(QUEUE).content.decode()


@pytest.mark.parametrize("saved", ["999999", "abc", "١"])
def test_an_unknown_saved_view_is_404(as_alice, saved):
    assert as_alice.get(QUEUE, {"saved": saved}).status_code == 404


# Renaming and deleting ------------------------------------------------------------------------


def test_the_owner_renames_a_view_and_shares_it(as_alice, private_view):
    response = as_alice.post(
        f"/tickets/views/{private_view.pk}/", {"edit-name": "Mine, all of it", "edit-is_shared": "on"}
    )
    private_view.refresh_from_db()
    assert (private_view.name, private_view.is_shared, private_view.filters) == (
        "Mine, all of it",
        True,
        {"owner": "me"},
    )
    assert response["Location"] == f"/tickets/?saved={private_view.pk}"


def test_renaming_to_nothing_is_refused(as_alice, private_view):
    response = as_alice.post(f"/tickets/views/{private_view.pk}/", {"edit-name": ""})
    private_view.refresh_from_db()
    assert "Give the view a name." in response.content.decode()
    assert private_view.name == "Mine only"


def test_the_owner_deletes_a_view(as_alice, private_view):
    response = as_alice.post(f"/tickets/views/{private_view.pk}/delete/")
    assert (response["Location"], SavedView.objects.exists()) == ("/tickets/", False)


def test_others_cannot_rename_or_delete_a_shared_view(client, bob, shared_view):
    client.force_login(bob)
    renamed = client.post(f"/tickets/views/{shared_view.pk}/", {"edit-name": "Mine now"})
    deleted = client.post(f"/tickets/views/{shared_view.pk}/delete/")
    shared_view.refresh_from_db()
    assert (renamed.status_code, deleted.status_code, shared_view.name) == (404, 404, "Urgent")
