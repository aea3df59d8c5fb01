"""caredesk.system.transactions: services take a savepoint of their own, except inside all_or_nothing()."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from caredesk.accounts.models import Team
from caredesk.system import transactions

pytestmark = pytest.mark.django_db(transaction=True)


@transactions.atomic
def make_team(name: str, *, fail: bool = False) -> Team:
    team = Team.objects.create(name=name)
    if fail:
        raise RuntimeError("refused")
    return team


def _savepoints(queries: CaptureQueriesContext) -> int:
    return sum(query["sql"].startswith("SAVEPOINT") for query in queries.captured_queries)


def test_inside_a_transaction_a_service_takes_a_savepoint_and_its_caller_may_go_on_after_its_error():
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        make_team("Billing")
        with pytest.raises(RuntimeError):
            make_team("Refused", fail=True)
        make_team("Deliveries")
    assert _savepoints(queries) == 3
    assert sorted(Team.objects.values_list("name", flat=True)) == ["Billing", "Deliveries"]


def test_inside_all_or_nothing_services_share_its_savepoint_and_an_error_undoes_the_whole_block():
    with transaction.atomic():
        make_team("Billing")
        with CaptureQueriesContext(connection) as queries:
            with pytest.raises(RuntimeError), transactions.all_or_nothing():
                make_team("Deliveries")
                make_team("Refused", fail=True)
        assert _savepoints(queries) == 1  # all_or_nothing's own
        with transactions.all_or_nothing():
            make_team("Sales")
    assert sorted(Team.objects.values_list("name", flat=True)) == ["Billing", "Sales"]


def test_inside_all_or_nothing_a_caller_with_its_own_atomic_may_still_go_on_after_an_error():
    with transactions.all_or_nothing():
        try:
            with transaction.atomic():
                make_team("Refused", fail=True)
        except RuntimeError:
            pass
        make_team("Billing")
    assert list(Team.objects.values_list("name", flat=True)) == ["Billing"]
