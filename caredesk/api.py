"""The REST API v1 root: token auth, error mapping, and the routers of each app."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from caredesk.accounts.api import router as people_router
from caredesk.accounts.models import ApiToken
from caredesk.conversations.api import router as tickets_router
from caredesk.customers.api import router as customers_router
from caredesk.promises.api import router as promises_router
from caredesk.escalations.api import router as escalations_router
from caredesk.quality.api import router as quality_router
from caredesk.surveys.api import router as surveys_router
from caredesk.reports.api import router as reports_router
from caredesk.kudos.api import router as kudos_router
from caredesk.coaching.api import router as coaching_router


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        user = ApiToken.user_for(token)
        if user is not None:
            request.user = user
        return user


class CaredeskAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        # Endpoint functions have unique names (list_tickets, create_customer, ...): clients read better.
        return operation.view_func.__name__


api = CaredeskAPI(
    title="caredesk API",
    version="1",
    description="Tickets, customers, people and the event log. Authenticate with "
    "`Authorization: Bearer <token>` (`caredesk token create EMAIL`). A token acts as its user, with the "
    "same permissions as in the pages: tickets you may not see are 404, sales may read but every write is "
    "403, and customers may only list, read and answer their own tickets. Bad input is 422 with a `detail` "
    "sentence.",
    auth=TokenAuth(),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    return api.create_response(request, {"detail": str(exc) or "You may not do this."}, status=403)


@api.exception_handler(ValidationError)
def invalid(request, exc):
    return api.create_response(request, {"detail": " ".join(exc.messages)}, status=422)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": "Not found."}, status=404)


@api.exception_handler(NinjaValidationError)
def bad_input(request, exc):
    """Input that does not fit the schema: one readable sentence per problem, plus pydantic's details."""
    problems = []
    for error in exc.errors:
        place = ".".join(
            str(part) for part in error["loc"][1:] if part not in ("payload", "filters", "search")
        )
        problems.append(f"{place or error['loc'][0]}: {error['msg']}")
    return api.create_response(request, {"detail": "; ".join(problems), "errors": exc.errors}, status=422)


api.add_router("/", tickets_router)
api.add_router("/", customers_router)
api.add_router("/", people_router)
api.add_router("/", promises_router)
api.add_router("/", escalations_router)
api.add_router("/", quality_router)
api.add_router("/", surveys_router)
api.add_router("/", reports_router)
api.add_router("/", kudos_router)
api.add_router("/", coaching_router)
