"""The cast every test shares (as healthchecks' Alice, Bob and Charlie):

- alice and bob are agents on Billing, a private team; lena leads Billing;
- charlie is an agent on Deliveries (public) and must see nothing of Billing's;
- ada is the admin, sam is in sales (reads, never writes);
- miggins is a customer with a portal log-in; parker is another customer.
State is built through services, so events exist as in real use.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from caredesk.accounts.models import Membership, Team, User

PASSWORD = "caredesk"
ARTEFACTS = Path(__file__).resolve().parent.parent / "test-artefacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-quic", "--no-first-run", "--disable-sync",
]


# Debian packages the tests drive: browser tests chromium, the IMAP tests dovecot (mail/tests/imap_server.py).
PACKAGES = {"chromium": CHROMIUM, "dovecot-imapd": "/usr/sbin/dovecot"}


def pytest_sessionstart(session):
    """Install the missing packages once, in the controller, with one apt-get update (a worker installing
    dovecot in the middle of the run stood still for half a minute)."""
    missing = [package for package, path in PACKAGES.items() if not os.path.exists(path)]
    if hasattr(session.config, "workerinput") or not missing:
        return
    if shutil.which("apt-get") and os.geteuid() == 0:
        subprocess.run(["apt-get", "update", "-qq"], check=False)
        subprocess.run(["apt-get", "install", "-y", "-qq", *missing], check=False)


def pytest_collection_modifyitems(config, items):
    """Files with a test marked `slow` run first, then the others by their number of tests, most first.

    `--dist loadfile` hands whole files to the workers in this order (pyproject turns off xdist's own
    reordering by number of tests, which put the demo's file, minutes long, behind forty others): a long
    file started last keeps one worker busy while the other has finished."""
    files: dict[str, list] = {}
    for item in items:
        files.setdefault(item.nodeid.split("::", 1)[0], []).append(item)
    slow = {path for path, tests in files.items() if any(test.get_closest_marker("slow") for test in tests)}
    order = sorted(files, key=lambda path: (path not in slow, -len(files[path])))
    items[:] = [item for path in order for item in files[path]]


def _user(email: str, first: str, last: str, role: str, teams=()) -> User:
    user = User.objects.create_user(email, PASSWORD, first_name=first, last_name=last, role=role)
    for team in teams:
        Membership.objects.create(user=user, team=team)
    return user


@pytest.fixture(autouse=True)
def _empty_caches():
    """Every test starts with empty caches: figures one test cached (sidebar counts, rate limits)
    must not leak into the next, whose database is new."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()


@pytest.fixture
def billing(db) -> Team:
    return Team.objects.create(name="Billing", is_private=True)


@pytest.fixture
def deliveries(db) -> Team:
    return Team.objects.create(name="Deliveries")


@pytest.fixture
def alice(billing) -> User:
    return _user("alice@example.com", "Alice", "Archer", User.Role.AGENT, [billing])


@pytest.fixture
def bob(billing) -> User:
    return _user("bob@example.com", "Bob", "Baker", User.Role.AGENT, [billing])


@pytest.fixture
def lena(billing) -> User:
    return _user("lena@example.com", "Lena", "Lead", User.Role.LEAD, [billing])


@pytest.fixture
def charlie(deliveries) -> User:
    return _user("charlie@example.com", "Charlie", "Cole", User.Role.AGENT, [deliveries])


@pytest.fixture
def ada(db) -> User:
    return _user("ada@example.com", "Ada", "Admin", User.Role.ADMIN)


@pytest.fixture
def sam(db) -> User:
    return _user("sam@example.com", "Sam", "Sales", User.Role.SALES)


@pytest.fixture
def miggins(db):
    from caredesk.customers.models import Customer

    user = _user("miggins@example.com", "Mrs", "Miggins", User.Role.CUSTOMER)
    return Customer.objects.create(name="Mrs Miggins", email="miggins@example.com", user=user)


@pytest.fixture
def parker(db):
    from caredesk.customers.models import Customer

    user = _user("parker@example.com", "Peter", "Parker", User.Role.CUSTOMER)
    return Customer.objects.create(name="Peter Parker", email="parker@example.com", user=user)


@pytest.fixture
def ticket_factory(db):
    """Open tickets through the service; `create_batch(n, **kw)` makes many."""
    from caredesk.conversations import services

    class Factory:
        count = 0

        def create(self, *, customer, team, owner=None, subject=None, body="My order has not arrived.", by=None, **kw):
            Factory.count += 1
            return services.open_ticket(
                customer=customer, team=team, owner=owner, subject=subject or f"Order question {Factory.count}",
                body=body, by=by, **kw,
            )

        def create_batch(self, n, **kw):
            return [self.create(**kw) for _ in range(n)]

    return Factory()


@pytest.fixture
def ticket(ticket_factory, miggins, billing, alice):
    """Mrs Miggins's open ticket on Billing, owned by alice."""
    return ticket_factory.create(
        customer=miggins, team=billing, owner=alice, subject="Charged twice for my groceries",
        body="Hello, I was charged twice for last week's order. Could you look into it?", by=alice,
    )


# Browser tests --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing; install Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    # Assertions wait as long as actions (Playwright's default for them is 5 s): on a loaded 2-core CI
    # machine an htmx answer once came later than 5 s in the PostgreSQL run (the transfer dialog's owners).
    expect.set_options(timeout=10_000)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, base_url=live_server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    in_flight = set()  # (Playwright takes Python functions as listeners, not a set's bound built-ins)
    page.on("request", lambda request: in_flight.add(request))
    page.on("requestfinished", lambda request: in_flight.discard(request))
    page.on("requestfailed", lambda request: in_flight.discard(request))
    yield page
    _let_the_server_finish(page, in_flight)
    context.close()


def _let_the_server_finish(page, in_flight: set) -> None:
    """Refuse new requests and wait for the answers to those already sent.

    The ticket page polls presence every few seconds; a poll still being handled when the test ends writes
    a row while the test database is flushed, and the flush then fails on a foreign key. The server
    answers only after its transaction committed, so once every request has its answer nothing writes.
    """
    from playwright.sync_api import Error

    try:
        page.route("**/*", lambda route: route.abort())
        for _ in range(100):
            if not in_flight:
                return
            page.wait_for_timeout(50)
    except Error:  # a page that already crashed has nothing left in flight to wait for
        return


@pytest.fixture
def screenshot(page, request):
    """screenshot("name") saves a full-page PNG under test-artefacts/screenshots/ for a person to look at."""
    folder = ARTEFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> Path:
        from playwright.sync_api import Error

        path = folder / f"{name}.png"
        try:
            page.screenshot(path=str(path), full_page=True)
        except Error as error:
            # Chromium now and then refuses one capture on a loaded machine ("Unable to capture screenshot");
            # the page is fine, so one more try after a moment, and a second refusal fails the test.
            if "Unable to capture screenshot" not in str(error):
                raise
            page.wait_for_timeout(500)
            page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def login(live_server):
    """login(page, user) logs in through the real log-in form."""

    def log_in(page, user: User) -> None:
        page.goto("/accounts/login/")
        page.get_by_label("Email").fill(user.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        # Wait until the form's POST has led somewhere else: waiting for the load state alone can return
        # while the log-in page is still the current one, and a goto() then cancels the POST.
        page.wait_for_url(lambda url: "/accounts/login/" not in url, wait_until="commit", timeout=30_000)

    return log_in


# REST API ------------------------------------------------------------------------------------


@pytest.fixture
def api_client():
    """api_client(user) is a test client that sends a real bearer token of `user` on every request."""
    from django.test import Client

    from caredesk.accounts.models import ApiToken

    def make(user: User) -> Client:
        return Client(headers={"Authorization": f"Bearer {ApiToken.issue(user, name='test')[1]}"})

    return make
