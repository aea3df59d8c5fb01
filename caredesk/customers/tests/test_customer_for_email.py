"""customer_for_email: the customer with an address, made if new; inside known(), without a query each."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from caredesk.customers import services
from caredesk.customers.models import Customer, Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def pie_shops(db) -> Organisation:
    # Two organisations share the domain: the first by name is the one new customers join.
    Organisation.objects.create(name="Zed's Pies", domain="pies.example")
    return Organisation.objects.create(name="Miggins Pies", domain="pies.example")


def test_an_address_is_matched_whatever_its_case_and_a_new_one_joins_the_organisation_of_its_domain(pie_shops):
    made = services.customer_for_email(" Tom@Pies.example ", name="Tom Baker")
    assert (made.email, made.name, made.organisation) == ("tom@pies.example", "Tom Baker", pie_shops)
    assert services.customer_for_email("TOM@pies.example", name="Thomas") == made  # names are kept as first given
    assert Customer.objects.get().name == "Tom Baker"


def test_inside_known_the_customers_and_domains_read_up_front_cost_no_query(
    pie_shops, miggins, django_assert_num_queries
):
    with django_assert_num_queries(2):  # the customers of the addresses, the organisations of the new ones' domains
        with services.known(["MIGGINS@example.com", "tom@pies.example", "ann@elsewhere.example"]):
            with django_assert_num_queries(0):
                assert services.customer_for_email("miggins@example.com") == miggins
                assert services.customer_for_email("Miggins@Example.com") == miggins
    with services.known(["tom@pies.example"]):
        with django_assert_num_queries(3):  # savepoint, insert, release: nothing read
            tom = services.customer_for_email("tom@pies.example", name="Tom")
    assert tom.organisation == pie_shops


def test_inside_known_a_new_address_twice_makes_one_customer(pie_shops):
    with services.known(["tom@pies.example"]):
        first = services.customer_for_email("tom@pies.example", name="Tom")
        again = services.customer_for_email("tom@pies.example", name="Thomas")
    assert first == again and list(Customer.objects.values_list("name", flat=True)) == ["Tom"]


def test_forget_makes_customer_for_email_read_the_database_again(miggins, django_assert_num_queries):
    with services.known(["miggins@example.com"]):
        Customer.objects.filter(pk=miggins.pk).update(name="Mrs M")
        services.forget()
        with django_assert_num_queries(1):
            assert services.customer_for_email("miggins@example.com").name == "Mrs M"


def test_customers_for_emails_finds_the_known_and_makes_the_new_in_one_insert(
    pie_shops, miggins, django_assert_num_queries
):
    names = {"MIGGINS@example.com": "Mrs M", " tom@pies.example": "Tom Baker", "Tom@Pies.example": "Thomas", "ann@x.example": ""}
    # The customers, the new ones' organisations, the insert (skipping rows made meanwhile) and its read back.
    with django_assert_num_queries(4):
        found = services.customers_for_emails(names)
    assert found["miggins@example.com"] == miggins and found["miggins@example.com"].name == "Mrs Miggins"
    tom, ann = found["tom@pies.example"], found["ann@x.example"]
    assert (tom.name, tom.organisation, ann.name, ann.organisation) == ("Tom Baker", pie_shops, "ann", None)
    assert Customer.objects.count() == 3 and tom.pk and ann.pk
    assert services.customers_for_emails({"tom@pies.example": "Other"}) == {"tom@pies.example": tom}


def test_customers_for_emails_takes_a_customer_made_meanwhile_and_makes_the_others(miggins):
    with services.known(["ann@x.example", "bob@x.example"]):
        # Made by another request after known() read the addresses: its row is skipped, the other made, and
        # both read back, without a query for each address.
        made_meanwhile = Customer.objects.create(email="ann@x.example", name="Ann")
        with CaptureQueriesContext(connection) as queries:
            found = services.customers_for_emails({"ann@x.example": "Ann Other", "bob@x.example": "Bob"})
        assert len(queries) == 2
        assert found["ann@x.example"] == made_meanwhile
        assert found["bob@x.example"].name == "Bob" and Customer.objects.filter(email="bob@x.example").exists()


def test_inside_known_customers_for_emails_reads_nothing_and_what_it_made_is_known(miggins, django_assert_num_queries):
    with services.known(["miggins@example.com", "bob@x.example"]):
        with django_assert_num_queries(2):  # the insert and its read back
            found = services.customers_for_emails({"miggins@example.com": "", "bob@x.example": "Bob"})
        with django_assert_num_queries(0):
            assert services.customer_for_email("bob@x.example") == found["bob@x.example"]
