"""rows.update_each: bulk_update's result in one statement run per row."""

from datetime import timedelta

import pytest

from caredesk.customers.models import Customer
from caredesk.system import clock
from caredesk.system.rows import update_each

pytestmark = pytest.mark.django_db


def test_each_row_gets_its_own_values_and_only_the_fields_named(django_assert_num_queries):
    people = [Customer.objects.create(email=f"c{number}@example.com", name=f"C{number}") for number in range(3)]
    failing = clock.now() - timedelta(days=1)
    for number, customer in enumerate(people):
        customer.name = f"Renamed {number}"
        customer.email_failing_since = failing if number == 1 else None
        customer.notes = "not written"
    with django_assert_num_queries(1):
        update_each(people, ["name", "email_failing_since"])
    rows = list(Customer.objects.order_by("pk").values_list("name", "email_failing_since", "notes"))
    assert rows == [("Renamed 0", None, ""), ("Renamed 1", failing, ""), ("Renamed 2", None, "")]


def test_nothing_to_write_costs_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        update_each([], ["name"])
