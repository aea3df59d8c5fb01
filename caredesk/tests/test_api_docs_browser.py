"""The API's reference page renders in a real browser from caredesk's own files (no CDN)."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_an_integrator_reads_the_api_reference(page, live_server, screenshot):
    elsewhere = []
    page.on(
        "request",
        lambda request: None if request.url.startswith(live_server.url) else elsewhere.append(request.url),
    )
    page.goto("/api/v1/docs")
    # Swagger UI builds the page from the schema in the browser: on a loaded machine (CI, 2026-11-26) that
    # took longer than expect()'s 5 s default.
    expect(page.get_by_role("heading", name="caredesk API")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("/api/v1/tickets/{ticket_id}/transfer")).to_be_visible()
    screenshot("api-docs")
    assert elsewhere == []
