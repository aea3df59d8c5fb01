""""At most N an hour" for the public forms, counted in Django's cache in fixed hourly windows.

The production cache is the database cache, so every web worker shares the counts; its incr() is a read
and a write rather than one atomic step, so two requests at the same instant may both pass: acceptable
for slowing down spam, which is all this is for.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache

WINDOW_SECONDS = 3600


def _key(scope: str, kind: str, value: str, window: int) -> str:
    # Hashed: addresses are personal data and may hold characters some cache backends refuse in keys.
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"caredesk:rate:{scope}:{kind}:{digest}:{window}"


def _keys(scope: str, values: dict[str, str]) -> list[str]:
    window = int(time.time() // WINDOW_SECONDS)
    return [_key(scope, kind, value, window) for kind, value in values.items() if value]


def hit(scope: str, *, limit: int, **values: str) -> bool:
    """Count one attempt against each value, e.g. email=..., ip=...; False when any is now past `limit`."""
    allowed = True
    for key in _keys(scope, values):
        cache.add(key, 0, timeout=WINDOW_SECONDS + 60)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.set(key, 1, timeout=WINDOW_SECONDS + 60)
            count = 1
        allowed = allowed and count <= limit
    return allowed


def refund(scope: str, **values: str) -> None:
    """Take back an attempt that was refused for another reason (a wrong attachment), so fixing it is not
    punished."""
    for key in _keys(scope, values):
        try:
            if cache.get(key, 0) > 0:
                cache.decr(key)
        except ValueError:  # already expired
            pass


def client_ip(request) -> str:
    """The address the request came from. Behind the TLS proxy (settings.BEHIND_PROXY, the production
    set-up) REMOTE_ADDR is the proxy's own, so the rightmost X-Forwarded-For entry, the one the proxy
    appended, is used; entries to its left are whatever the client claimed and are ignored."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if settings.SECURE_PROXY_SSL_HEADER and forwarded.strip():
        return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")
