"""The test harness every app uses (loaded by pytest.ini).

- ``reference_data``: every app's reference data (the role fixtures ``forvaltare``,
  ``registrator``, ``styrgrupp_user``, ``lead``, ``other_lead`` and the eager Celery set-up
  know the apps, so they live in the root ``conftest.py``: ``core`` imports no app);
- ``mailbox``: the messages Django sent in this test;
- ``count_queries``: how many SQL queries a callable makes;
- ``browser_page`` / ``axe_check`` / ``login_as``: Playwright in Debian's Chromium, with
  axe-core injected from node_modules;
- ``services`` marker: tests that need real PostgreSQL and Redis.

Under CI=true a missing browser or service fails the test instead of skipping it.
"""

import os
import sys
from pathlib import Path

import pytest

# Playwright's sync API keeps an event loop in the main thread; the ORM calls made by the
# tests themselves around it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def unavailable(reason: str) -> None:
    """Skip locally; fail in CI, where nothing may be silently left out."""
    if CI:
        pytest.fail(f"I CI får inget hoppas över: {reason}", pytrace=False)
    pytest.skip(reason)


# --- data ----------------------------------------------------------------------------------
@pytest.fixture
def reference_data(db):
    """Loads the reference data of every app (parties, agreements, phases, ladder, …)."""
    from django.core.management import call_command

    call_command("load_reference_data", stdout=open(os.devnull, "w"))


@pytest.fixture(autouse=True)
def _swedish():
    """Every test starts in Swedish, whatever an earlier test's request activated."""
    from django.utils import translation

    translation.activate("sv")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: a rolled-back test can leave the audit trail's
    newest id where an earlier test found it, so a cached fragment must not outlive its test."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Hashing strength is Django's business; tests only need passwords to work."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _plain_static(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


# --- e-mail and queries ----------------------------------------------------------------------
@pytest.fixture
def mailbox(mailoutbox):
    """The messages sent in this test (Django's locmem backend)."""
    return mailoutbox


@pytest.fixture
def count_queries(db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def run(func, *args, **kwargs) -> int:
        with CaptureQueriesContext(connection) as context:
            func(*args, **kwargs)
        return len(context.captured_queries)

    return run


# --- real services -------------------------------------------------------------------------
def services_configured() -> bool:
    from django.conf import settings

    return settings.DATABASES["default"][
        "ENGINE"
    ] == "django.db.backends.postgresql" and settings.CELERY_BROKER_URL.startswith("redis")


@pytest.fixture
def real_services(transactional_db):
    """PostgreSQL and Redis, reachable, or the test is skipped (failed in CI)."""
    if not services_configured():
        unavailable("kräver PostgreSQL och Redis: sätt DATABASE_URL och CELERY_BROKER_URL")
    import redis
    from django.conf import settings

    try:
        redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=3).ping()
    except redis.RedisError as error:
        unavailable(f"Redis svarar inte: {error}")


# --- browser -------------------------------------------------------------------------------
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def _playwright_browser():
    if not Path(CHROMIUM).exists():
        unavailable(f"ingen webbläsare på {CHROMIUM} (installera Debians chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """No persistent connections in tests: a thread (the live server's request threads) would
    otherwise keep its PostgreSQL session open after it ends, and the test database could not
    be dropped at the end of the run."""
    from django.conf import settings

    for database in settings.DATABASES.values():
        database["CONN_MAX_AGE"] = 0


@pytest.fixture(scope="session", autouse=True)
def _release_test_database(django_db_setup, django_db_blocker):
    """At the end of the run, end any other session still attached to a PostgreSQL test
    database (a connection some thread of the run opened and never closed), so the database
    can be dropped; each one is reported on stderr with its last statement, to be found."""
    yield
    from django.db import connections

    with django_db_blocker.unblock():
        for connection in connections.all():
            if connection.vendor != "postgresql":
                continue
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pid, application_name, backend_start, state, left(query, 300) "
                    "FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid()"
                )
                for row in cursor.fetchall():
                    sys.__stderr__.write(f"\nTestdatabasen hölls öppen av: {row!r}\n")
                    cursor.execute("SELECT pg_terminate_backend(%s)", [row[0]])
            connection.close()


@pytest.fixture(scope="session")
def _server(django_db_setup, live_server):
    """The live server, started after the test databases exist. pytest finalises session
    fixtures in reverse order, so the server stops (and lets go of its database connection)
    before the databases are dropped; started first, it kept PostgreSQL from dropping them."""
    return live_server


def _settled(read):
    """A Page reader that first lets the current document finish loading: after a click that
    submits a form, the new page has committed but may still be arriving, and reading it at
    once saw half a page (a CI failure). Waiting for "load" costs nothing on a loaded page."""

    def reader(self, *args, **kwargs):
        self.wait_for_load_state("load")
        return read(self, *args, **kwargs)

    reader.__wrapped__ = read
    return reader


def _settle_page_readers() -> None:
    from playwright.sync_api import Page

    for name in ("content", "locator", "get_by_text", "get_by_role", "get_by_label", "title"):
        method = getattr(Page, name)
        if not hasattr(method, "__wrapped__"):
            setattr(Page, name, _settled(method))


@pytest.fixture
def browser_page(_playwright_browser, _server, settings):
    """A fresh Chromium tab (Swedish, 1280×900). Fails the test on JS errors or CSP blocks."""
    live_server = _server
    _settle_page_readers()
    settings.SITE_URL = live_server.url
    context = _playwright_browser.new_context(
        locale="sv-SE", viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"JS-fel: {error}"))
    page.on(
        "console",
        lambda msg: (
            problems.append(msg.text)
            if msg.type == "error" and "Content Security Policy" in msg.text
            else None
        ),
    )
    page.base_url = live_server.url
    pages_dir = os.environ.get("VNU_PAGES_DIR")
    if pages_dir:
        page.on(
            "response",
            lambda response: (
                _save_page(response, Path(pages_dir))
                if response.url.startswith(live_server.url)
                else None  # a test identity provider's pages are not the portal's
            ),
        )
    yield page
    context.close()
    assert not problems, problems


def _save_page(response, directory: Path) -> None:
    """Keeps a page the browser loaded, as the server sent it, for the vnu step (one file per
    distinct page; the address beside it)."""
    if response.request.resource_type != "document":
        return
    if not response.headers.get("content-type", "").startswith("text/html"):
        return
    try:
        body = response.body()
    except Exception:  # noqa: BLE001 - a redirect or an aborted load has no body to keep
        return
    import hashlib

    directory.mkdir(parents=True, exist_ok=True)
    name = hashlib.sha256(body).hexdigest()[:24]
    (directory / f"{name}.html").write_bytes(body)
    (directory / f"{name}.url").write_text(response.url, encoding="utf-8")


@pytest.fixture
def axe_check():
    """Run axe-core (all rules but experimental) on the page; fail on any violation."""
    if not AXE_JS.exists():
        unavailable("axe-core saknas: kör 'npm ci' (make gör det)")
    source = AXE_JS.read_text(encoding="utf-8")

    def check(page, *, context: str = "") -> None:
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            page.evaluate(source)
        # A test that just resized the viewport: let the page's own resize handling (a table
        # that now scrolls becomes a focusable region, static/js/portal.js) run before axe
        # looks, as it would before a person could; the browser fires "resize" a frame later.
        page.evaluate("() => window.dispatchEvent(new Event('resize'))")
        result = page.evaluate("async () => await window.axe.run(document)")
        violations = [
            f"{v['id']} ({v['impact']}): {v['help']} – "
            + "; ".join(
                node["target"][0] if isinstance(node["target"][0], str) else str(node["target"])
                for node in v["nodes"][:5]
            )
            for v in result["violations"]
        ]
        where = context or page.url
        assert not violations, f"axe-core på {where}:\n" + "\n".join(violations)

    return check


@pytest.fixture
def login_as(_server):
    """Log a user in through the real login form."""

    def login(page, user, password: str = "losenord-for-test-123") -> None:
        page.goto(f"{_server.url}/konto/logga-in/")
        page.get_by_label("Användarnamn").fill(user.username)
        page.get_by_label("Lösenord").fill(password)
        page.get_by_role("button", name="Logga in").click()
        page.wait_for_load_state()
        assert "/konto/logga-in/" not in page.url, "inloggningen misslyckades"

    return login


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "browser_page" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
        if "real_services" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.services)
            # Real workers share one Redis queue: keep these tests on one xdist worker so a
            # worker started by one test never takes another test's task (--dist loadgroup).
            item.add_marker(pytest.mark.xdist_group(name="real-services"))
