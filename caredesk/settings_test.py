"""Settings for the test suite: the production settings with tasks run inline and fast hashing."""

import os
import tempfile

os.environ.setdefault("CAREDESK_SECURE", "false")
os.environ.setdefault("CAREDESK_DATA_DIR", tempfile.mkdtemp(prefix="caredesk-test-"))
# Playwright's sync API runs an event loop in the test thread; the ORM calls made by tests are
# still synchronous, so Django's async-safety check does not apply.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from caredesk.settings import *  # noqa: E402,F403

TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": []}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = DATA_DIR / "media"  # noqa: F405
CACHES = {**CACHES, "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}  # noqa: F405
# Threads the tests start (the SMTP receiver's, the scheduler's) close their connection when their unit
# of work ends, as they do in production; with a connection age they would keep it open past the test
# database's teardown ("database ... is being accessed by other users").
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not Django's in-memory default, so that the live server's threads open their own connections:
    # for an in-memory database Django hands them the test's own, and a test writing while an open page
    # polled used it at the same moment ("SQL statements in progress"). One writer now waits for the
    # other's transaction (settings.py's busy_timeout). pytest-xdist's workers each add their suffix
    # to the name (test.sqlite3_gw0).
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}  # noqa: F405
    # A test database need not survive a crash: nothing waits for the disk, not even a WAL checkpoint.
    # A writer waits up to 30 s for another (5 s in production): on a loaded CI machine a live server's
    # first request inside a transaction (importing every URL module) held the lock longer than 5 s.
    DATABASES["default"]["OPTIONS"]["init_command"] = (  # noqa: F405
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; PRAGMA busy_timeout=30000;"
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    # Tests with committed data empty the tables with DELETE, not TRUNCATE (see the backend's docstring).
    DATABASES["default"]["ENGINE"] = "caredesk.tests.postgresql"  # noqa: F405
    # A test database need not survive a crash: commits return without waiting for the disk.
    options = DATABASES["default"].setdefault("OPTIONS", {})  # noqa: F405
    options["options"] = f"{options.get('options', '')} -c synchronous_commit=off".strip()
