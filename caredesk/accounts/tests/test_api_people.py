"""The people API: staff and teams, for choosing owners and teams from outside caredesk."""

import pytest

from caredesk.accounts.models import Membership, User


def test_staff_are_listed_by_name_with_their_teams(
    api_client, alice, bob, lena, charlie, ada, sam, miggins, billing, deliveries
):
    Membership.objects.create(user=lena, team=deliveries)
    response = api_client(sam).get("/api/v1/users")
    assert response.status_code == 200
    assert response.json() == [
        {"id": ada.pk, "name": "Ada Admin", "email": "ada@example.com", "role": "admin", "team_ids": []},
        {
            "id": alice.pk,
            "name": "Alice Archer",
            "email": "alice@example.com",
            "role": "agent",
            "team_ids": [billing.pk],
        },
        {
            "id": bob.pk,
            "name": "Bob Baker",
            "email": "bob@example.com",
            "role": "agent",
            "team_ids": [billing.pk],
        },
        {
            "id": charlie.pk,
            "name": "Charlie Cole",
            "email": "charlie@example.com",
            "role": "agent",
            "team_ids": [deliveries.pk],
        },
        {
            "id": lena.pk,
            "name": "Lena Lead",
            "email": "lena@example.com",
            "role": "lead",
            "team_ids": sorted([billing.pk, deliveries.pk]),
        },
        {"id": sam.pk, "name": "Sam Sales", "email": "sam@example.com", "role": "sales", "team_ids": []},
    ]


def test_staff_can_be_narrowed_to_one_team_and_role(api_client, alice, bob, lena, charlie, billing):
    client = api_client(charlie)
    assert [user["name"] for user in client.get("/api/v1/users", {"team": billing.pk}).json()] == [
        "Alice Archer",
        "Bob Baker",
        "Lena Lead",
    ]
    assert [
        user["name"] for user in client.get("/api/v1/users", {"team": billing.pk, "role": "lead"}).json()
    ] == ["Lena Lead"]


def test_deactivated_staff_are_not_listed(api_client, alice, bob):
    bob.is_active = False
    bob.save()
    assert [user["name"] for user in api_client(alice).get("/api/v1/users").json()] == ["Alice Archer"]


def test_listing_staff_takes_the_same_number_of_queries_for_any_team_size(
    api_client, alice, billing, django_assert_num_queries
):
    client = api_client(alice)
    client.get("/api/v1/users")  # the first use stamps the token's last_used_at (at most once a minute)
    for count in (2, 20):
        for n in range(count):
            agent = User.objects.create_user(
                f"agent{count}-{n}@example.com", first_name="Agent", last_name=str(n)
            )
            Membership.objects.create(user=agent, team=billing)
        # token and user, the staff, their memberships
        with django_assert_num_queries(3):
            assert client.get("/api/v1/users").status_code == 200


def test_teams_are_listed_by_name(api_client, charlie, billing, deliveries):
    response = api_client(charlie).get("/api/v1/teams")
    assert response.json() == [
        {"id": billing.pk, "name": "Billing", "is_private": True},
        {"id": deliveries.pk, "name": "Deliveries", "is_private": False},
    ]


@pytest.mark.parametrize("path", ["/api/v1/users", "/api/v1/teams"])
def test_customers_may_not_list_staff_or_teams(api_client, miggins, path):
    response = api_client(miggins.user).get(path)
    assert (response.status_code, response.json()) == (403, {"detail": "Only staff may use this endpoint."})


def test_an_unknown_role_is_refused(api_client, alice):
    response = api_client(alice).get("/api/v1/users", {"role": "customer"})
    assert (response.status_code, response.json()["detail"]) == (
        422,
        "role: Input should be 'agent', 'lead', 'admin' or 'sales'",
    )
