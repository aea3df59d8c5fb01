"""caredesk token create|list|revoke: the bearer tokens of the REST API.

A token is shown once, when it is made; only its SHA-256 is stored, so a lost token is revoked and
replaced, never recovered.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from caredesk.accounts.models import ApiToken, User


def _user(email: str) -> User:
    user = User.objects.filter(email=email.strip().lower()).first()
    if user is None:
        raise CommandError(f"No user has the email address {email}.")
    return user


class Command(BaseCommand):
    help = "Create, list and revoke REST API tokens."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{create,list,revoke}")
        create = actions.add_parser("create", help="Make a token for a user and print it (shown only once).")
        create.add_argument("email")
        create.add_argument("--name", default="", help="What the token is for, e.g. the integration's name.")
        listing = actions.add_parser("list", help="List a user's tokens (never the tokens themselves).")
        listing.add_argument("email")
        revoke = actions.add_parser("revoke", help="Delete a token by id; requests using it get 401 at once.")
        revoke.add_argument("id", type=int)

    def handle(self, *, action: str, **options):
        if action == "create":
            self.create(options["email"], name=options["name"])
        elif action == "list":
            self.list(options["email"])
        else:
            self.revoke(options["id"])

    def create(self, email: str, *, name: str) -> None:
        user = _user(email)
        token, secret = ApiToken.issue(user, name=name.strip()[:100])
        self.stderr.write(f"Token {token.pk} for {user.email}. Keep it now: it cannot be shown again.")
        self.stdout.write(secret)

    def list(self, email: str) -> None:
        user = _user(email)
        tokens = user.api_tokens.order_by("created_at", "pk")
        if not tokens:
            self.stdout.write(f"{user.email} has no tokens.")
        for token in tokens:
            created = timezone.localtime(token.created_at)
            self.stdout.write(f"{token.pk}\t{token.name or '-'}\tcreated {created:%Y-%m-%d %H:%M}")

    def revoke(self, token_id: int) -> None:
        token = ApiToken.objects.select_related("user").filter(pk=token_id).first()
        if token is None:
            raise CommandError(f"There is no token {token_id}.")
        token.delete()
        self.stdout.write(f"Revoked token {token_id} of {token.user.email}.")
