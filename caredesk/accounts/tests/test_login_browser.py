import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_agent_logs_in_and_lands_on_the_queue(page, login, alice, screenshot):
    page.goto("/accounts/login/")
    screenshot("login")
    login(page, alice)
    assert page.url.endswith("/tickets/")
