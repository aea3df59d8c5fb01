"""The REST API v1 root: token auth, error mapping, and the routers of each app."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import NinjaAPI
from ninja.security import HttpBearer

from caredesk.accounts.models import ApiToken


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        user = ApiToken.user_for(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="caredesk API",
    version="1",
    description="Tickets, customers, people and the event log. Authenticate with `Authorization: Bearer <token>` "
    "(`caredesk token create EMAIL`).",
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
