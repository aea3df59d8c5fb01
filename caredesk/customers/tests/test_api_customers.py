"""The customers API: finding customers, reading one with their tickets, adding one."""

import pytest
from django.core.serializers.json import DjangoJSONEncoder

from caredesk.customers.models import Customer, Organisation

URL = "/api/v1/customers"


def _post(client, body: dict):
    return client.post(URL, body, content_type="application/json")


@pytest.fixture
def crowd(db):
    """Customers whose names and addresses start alike, so prefixes tell them apart."""
    acme = Organisation.objects.create(name="Acme Ltd", domain="acme.example")
    return [
        Customer.objects.create(name="Anna Able", email="anna@acme.example", organisation=acme),
        Customer.objects.create(name="Annabel Lee", email="lee@example.com"),
        Customer.objects.create(name="Zed Zulu", email="annex@example.org"),
        Customer.objects.create(name="Bo Brown", email="bo@example.com"),
    ]


def test_customers_are_listed_by_name(api_client, alice, crowd):
    response = api_client(alice).get(URL)
    assert response.status_code == 200
    assert [item["name"] for item in response.json()["items"]] == [
        "Anna Able",
        "Annabel Lee",
        "Bo Brown",
        "Zed Zulu",
    ]
    assert response.json()["next_offset"] is None


def test_a_listed_customer_shows_their_details(api_client, alice, crowd):
    anna = crowd[0]
    item = api_client(alice).get(URL, {"q": "anna@"}).json()["items"]
    assert item == [
        {
            "id": anna.pk,
            "name": "Anna Able",
            "email": "anna@acme.example",
            "phone": "",
            "organisation": "Acme Ltd",
            "created_at": DjangoJSONEncoder().default(anna.created_at),
        }
    ]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("ann", ["Anna Able", "Annabel Lee", "Zed Zulu"]),  # two names and one address start with "ann"
        ("ANNABEL", ["Annabel Lee"]),
        ("lee@", ["Annabel Lee"]),
        ("lee", ["Annabel Lee"]),
        ("Brown", []),  # a prefix, not any word: "Bo Brown" starts with "Bo"
        ("nobody", []),
    ],
)
def test_customers_are_found_by_the_start_of_their_email_or_name(api_client, alice, crowd, q, expected):
    items = api_client(alice).get(URL, {"q": q}).json()["items"]
    assert [item["name"] for item in items] == expected


def test_customers_come_a_page_at_a_time(api_client, alice, crowd):
    client = api_client(alice)
    first = client.get(URL, {"limit": 3}).json()
    second = client.get(URL, {"limit": 3, "offset": first["next_offset"]}).json()
    assert ([item["name"] for item in first["items"]], first["next_offset"]) == (
        ["Anna Able", "Annabel Lee", "Bo Brown"],
        3,
    )
    assert ([item["name"] for item in second["items"]], second["next_offset"]) == (["Zed Zulu"], None)


@pytest.mark.parametrize(
    ("query", "detail"),
    [
        ({"offset": 10001}, "offset: Input should be less than or equal to 10000"),
        ({"limit": 0}, "limit: Input should be greater than or equal to 1"),
        ({"limit": 101}, "limit: Input should be less than or equal to 100"),
    ],
)
def test_paging_stays_within_its_bounds(api_client, alice, query, detail):
    response = api_client(alice).get(URL, query)
    assert (response.status_code, response.json()["detail"]) == (422, detail)


def test_a_customer_is_read_with_the_tickets_the_reader_may_see(
    api_client, charlie, miggins, ticket, ticket_factory, deliveries
):
    parcel = ticket_factory.create(customer=miggins, team=deliveries, subject="Parcel missing")
    body = api_client(charlie).get(f"{URL}/{miggins.pk}").json()
    assert (body["name"], body["email"]) == ("Mrs Miggins", "miggins@example.com")
    assert body["tickets"] == [
        {
            "id": parcel.pk,
            "subject": "Parcel missing",
            "status": "new",
            "created_at": DjangoJSONEncoder().default(parcel.created_at),
        }
    ]


def test_alice_sees_the_billing_ticket_on_the_customer(api_client, alice, miggins, ticket):
    body = api_client(alice).get(f"{URL}/{miggins.pk}").json()
    assert [item["id"] for item in body["tickets"]] == [ticket.pk]


def test_an_unknown_customer_is_404(api_client, alice):
    response = api_client(alice).get(f"{URL}/999999")
    assert (response.status_code, response.json()) == (404, {"detail": "Not found."})


def test_alice_adds_a_customer(api_client, alice):
    response = _post(api_client(alice), {"email": " Jo@Example.COM ", "name": "Jo Bloggs"})
    assert response.status_code == 201
    customer = Customer.objects.get()
    assert (response.json()["id"], customer.email, customer.name) == (
        customer.pk,
        "jo@example.com",
        "Jo Bloggs",
    )


def test_a_customer_without_a_name_is_named_for_their_address(api_client, alice):
    response = _post(api_client(alice), {"email": "jo@example.com"})
    assert response.json()["name"] == "jo"


def test_an_address_already_known_is_refused(api_client, alice, miggins):
    response = _post(api_client(alice), {"email": "MIGGINS@example.com", "name": "Imposter"})
    assert (response.status_code, response.json()) == (
        422,
        {"detail": f"A customer with the address miggins@example.com already exists: {miggins.pk}."},
    )
    miggins.refresh_from_db()
    assert miggins.name == "Mrs Miggins"


def test_a_bad_address_is_refused(api_client, alice):
    response = _post(api_client(alice), {"email": "jo at example", "name": "Jo"})
    assert (response.status_code, response.json()["detail"]) == (
        422,
        "email: Value error, must be an email address",
    )
    assert not Customer.objects.exists()


def test_an_address_longer_than_email_allows_before_the_at_is_refused(api_client, alice):
    response = _post(api_client(alice), {"email": "a" * 65 + "@example.com"})
    assert (response.status_code, response.json()["detail"]) == (
        422,
        "email: Value error, must have at most 64 characters before the @",
    )
    assert not Customer.objects.exists()


def test_sam_reads_customers_but_may_not_add_one(api_client, sam, crowd):
    client = api_client(sam)
    assert client.get(URL).status_code == 200
    response = _post(client, {"email": "jo@example.com"})
    assert (response.status_code, response.json()) == (
        403,
        {"detail": "You may read customers but not add them."},
    )
    assert Customer.objects.count() == 4


@pytest.mark.parametrize("path", [URL, f"{URL}/1"])
def test_customers_may_not_look_up_other_customers(api_client, miggins, path):
    response = api_client(miggins.user).get(path)
    assert (response.status_code, response.json()) == (403, {"detail": "Only staff may use this endpoint."})
