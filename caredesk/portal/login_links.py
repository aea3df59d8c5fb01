"""One-time links that log a customer into the portal. The secret travels only by email; the database
keeps its SHA-256, so a copy of the database cannot be used to log in."""

import secrets
from datetime import timedelta

from caredesk.accounts.models import LoginLink, User
from caredesk.system import clock

LIFETIME = timedelta(minutes=30)


def issue(user: User) -> str:
    """A new link for `user`, valid for LIFETIME; returns the secret, which is not stored."""
    secret = secrets.token_urlsafe(32)
    now = clock.now()
    LoginLink.objects.create(
        user=user, digest=LoginLink.hash(secret), created_at=now, expires_at=now + LIFETIME
    )
    return secret


def usable(secret: str) -> LoginLink | None:
    """The link behind `secret` if it can still log someone in: unused, unexpired, for an active customer."""
    return (
        LoginLink.objects.select_related("user")
        .filter(
            digest=LoginLink.hash(secret),
            used_at__isnull=True,
            expires_at__gt=clock.now(),
            user__is_active=True,
            user__role=User.Role.CUSTOMER,
        )
        .first()
    )


def consume(secret: str) -> User | None:
    """Use the link once: the customer it logs in, or None if it is unknown, used, expired or not a
    customer's. The caller logs the user in."""
    link = usable(secret)
    if link is None:
        return None
    # The conditional update is the lock: of two clicks at the same moment, exactly one wins.
    if not LoginLink.objects.filter(pk=link.pk, used_at__isnull=True).update(used_at=clock.now()):
        return None
    return link.user
