"""The API against its own OpenAPI description: the documents are served, and schemathesis throws generated
input (valid and invalid) at every operation as an admin, expecting no server error anywhere."""

import re

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from caredesk.accounts.models import ApiToken
from caredesk.wsgi import application

# Loaded at collection: serving the document needs no database.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
OPERATIONS = [result.ok() for result in schema.get_all_operations()]


@pytest.fixture
def connection_kept_open(db):
    """Requests go through the real WSGI handler, which closes a connection found inside a transaction
    when a request ends: that would end the test's transaction (on PostgreSQL). Django's test client
    disconnects the same handler for the same reason."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def admin_token(ada) -> str:
    return ApiToken.issue(ada, name="schemathesis")[1]


@pytest.fixture
def existing_tickets(ticket, ticket_factory, parker, deliveries, charlie):
    """Real tickets for generated ids to land on, so writes run for real, not only 404s."""
    return [ticket, ticket_factory.create(customer=parker, team=deliveries, owner=charlie)]


def _answers_without_a_server_error(case, admin_token: str, existing_tickets: list) -> None:
    for name in ("ticket_id", "customer_id"):
        # Half the generated ids become ids of rows that exist, so reads and writes run past the 404.
        value = (case.path_parameters or {}).get(name)
        if isinstance(value, int) and value % 2 == 0:
            ticket = existing_tickets[value // 2 % len(existing_tickets)]
            case.path_parameters[name] = ticket.pk if name == "ticket_id" else ticket.customer_id
    response = case.call(headers={"Authorization": f"Bearer {admin_token}"})
    assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.status_code}"
    case.validate_response(response, checks=[not_a_server_error])


def _fuzz_test(operation_id: str):
    @schema.include(operation_id=operation_id).parametrize()
    @settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def test(case, connection_kept_open, admin_token, existing_tickets):
        _answers_without_a_server_error(case, admin_token, existing_tickets)

    return test


# One test function per operation, named for it. A single @schema.parametrize() test would be simpler, but
# under pytest 9 its per-operation items share one id, and pytest-xdist (the suite's default) then runs only
# the first operation.
for _operation in OPERATIONS:
    _operation_id = _operation.definition.raw["operationId"]
    globals()[f"test_{_operation_id}_never_answers_with_a_server_error"] = _fuzz_test(_operation_id)


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.label)
@pytest.mark.parametrize("authorization", ["", "Bearer cd_not-a-token"], ids=["no token", "wrong token"])
def test_every_operation_refuses_a_request_without_a_valid_token(db, ticket, operation, authorization):
    path = re.sub(r"\{\w+\}", str(ticket.pk), operation.path)
    client = Client(headers={"Authorization": authorization} if authorization else {})
    response = client.generic(operation.method.upper(), path, "{}", content_type="application/json")
    assert (response.status_code, response.json()) == (401, {"detail": "Unauthorized"})


def test_openapi_document_is_served_without_a_token(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert (document["info"]["title"], document["components"]["securitySchemes"]["TokenAuth"]["scheme"]) == (
        "caredesk API",
        "bearer",
    )


def test_openapi_document_lists_every_endpoint(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    operations = {(method.upper(), path) for path, item in paths.items() for method in item}
    assert operations == {
        ("GET", "/api/v1/tickets"),
        ("POST", "/api/v1/tickets"),
        ("GET", "/api/v1/tickets/{ticket_id}"),
        ("PATCH", "/api/v1/tickets/{ticket_id}"),
        ("POST", "/api/v1/tickets/{ticket_id}/reply"),
        ("POST", "/api/v1/tickets/{ticket_id}/note"),
        ("POST", "/api/v1/tickets/{ticket_id}/transfer"),
        ("POST", "/api/v1/tickets/{ticket_id}/assign"),
        ("GET", "/api/v1/tickets/{ticket_id}/events"),
        ("GET", "/api/v1/customers"),
        ("POST", "/api/v1/customers"),
        ("GET", "/api/v1/customers/{customer_id}"),
        ("GET", "/api/v1/users"),
        ("GET", "/api/v1/teams"),
        ("GET", "/api/v1/tickets/{ticket_id}/promises"),
        ("POST", "/api/v1/tickets/{ticket_id}/promises"),
        ("POST", "/api/v1/tickets/{ticket_id}/promises/detect"),
        ("POST", "/api/v1/promises/{promise_id}/keep"),
        ("POST", "/api/v1/promises/{promise_id}/cancel"),
        ("POST", "/api/v1/tickets/{ticket_id}/escalate"),
        ("POST", "/api/v1/escalations/{escalation_id}/resolve"),
        ("POST", "/api/v1/quality/score"),
        ("POST", "/api/v1/quality/classify"),
        ("GET", "/api/v1/surveys"),
        ("GET", "/api/v1/reports/standard"),
        ("POST", "/api/v1/tickets/{ticket_id}/reviews"),
        ("GET", "/api/v1/reviews/{review_id}"),
        ("GET", "/api/v1/coaching/library"),
    }


def test_api_docs_page_is_served_with_its_own_assets(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        '"url": "/api/v1/openapi.json"' in page,
        "/static/ninja/swagger-ui-bundle.js" in page,
        "cdn" in page,
    ) == (
        True,
        True,
        False,
    )


def test_the_docs_assets_are_served(client):
    assert client.get("/static/ninja/swagger-ui-bundle.js").status_code == 200
