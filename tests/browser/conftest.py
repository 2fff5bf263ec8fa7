"""Browser tests: Playwright (sync API) driving Debian's Chromium against pytest-django's live server.

No browser is downloaded: the tests launch /usr/bin/chromium (`apt-get install chromium
fonts-noto-cjk`; `.ci/run` does it). Without it they skip, except where EBANK_REQUIRE_BROWSER=1
(CI), where a missing browser fails. Screenshots go to $BROWSER_SCREENSHOTS, else
tests/browser/screenshots/, one folder per test.
"""

import os
import re
import shutil
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(os.environ.get("BROWSER_SCREENSHOTS") or Path(__file__).parent / "screenshots")
PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's


def _unavailable(reason):
    if os.environ.get("EBANK_REQUIRE_BROWSER") == "1":
        pytest.fail(f"EBANK_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="package")
def browser(django_db_setup):
    """One headless Chromium for all the browser tests. Package-scoped, which is one per session
    (pytest-django runs these transactional tests one after another) but ends with the last of them,
    so the tests that follow do not run beside Playwright's event loop. It needs the test database
    first, so that it closes before the database is dropped."""
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing: apt-get install chromium fonts-noto-cjk")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed: pip install -e '.[dev]'")
    from django.db import connections

    serialized = {
        connection.alias: connection._test_serialized_contents
        for connection in connections.all()
        if hasattr(connection, "_test_serialized_contents")
    }
    # Playwright's sync API runs an asyncio loop in this thread. Django then refuses database calls
    # from the thread (SynchronousOnlyOperation) although they are synchronous, hence the
    # variable, set only while the browser is open; and it keeps a second set of connections for
    # code under a running loop (asgiref's Local), which must carry the migrations' data that the
    # serialized rollback restores, and be closed before the test database is dropped.
    allowed = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        for alias, contents in serialized.items():
            connections[alias]._test_serialized_contents = contents
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM))
        yield chromium
        chromium.close()
    finally:
        connections.close_all()
        playwright.stop()
        if allowed is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = allowed


@pytest.fixture(autouse=True)
def _live(live_server, transactional_db, django_db_serialized_rollback):
    """Every browser test talks to the live server, so its rows must be committed; the flush after
    each such test would also empty what the migrations wrote (the role groups), which the
    serialized rollback puts back."""


@pytest.fixture
def screenshot(request):
    """screenshot(page, "name"): save the page as <screenshots>/<test>/<nn>-<name>.png."""
    folder = SCREENSHOTS / re.sub(r"[^\w.-]+", "_", request.node.name)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    taken = []

    def take(page, name, full_page=True):
        path = folder / f"{len(taken) + 1:02d}-{name}.png"
        page.screenshot(path=path, full_page=full_page)
        taken.append(path)
        return path

    return take


class Pages:
    """Opens pages, each in a fresh browser context (its own cookies) on the live server, and
    records the script errors they raise and what the Content-Security-Policy blocks: a test fails
    on any it did not declare with tolerate()."""

    def __init__(self, browser, base_url):
        self.browser, self.base_url = browser, base_url
        self.contexts, self.errors, self.tolerated = [], [], set()

    def __call__(self, width=1280, height=800, **options):
        context = self.browser.new_context(
            base_url=self.base_url,
            viewport={"width": width, "height": height},
            accept_downloads=True,
            **options,
        )
        context.set_default_timeout(15_000)
        self.contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: self.errors.append((page.url, str(error))))
        # A script or style the Content-Security-Policy blocked fails the test like a script error.
        page.on(
            "console",
            lambda message: (
                message.type == "error"
                and "Content Security Policy" in message.text
                and self.errors.append((page.url, message.text))
            ),
        )
        return page

    def tolerate(self, message):
        """Let a known script error pass (a defect reported elsewhere, with its own xfail test)."""
        self.tolerated.add(message)

    def close(self):
        for context in self.contexts:
            context.close()
        unexpected = [(url, error) for url, error in self.errors if error not in self.tolerated]
        assert not unexpected, f"script errors in the browser: {unexpected}"


@pytest.fixture
def new_page(browser, live_server):
    """new_page(width=1280, height=800, **context_options) -> a Playwright page."""
    pages = Pages(browser, live_server.url)
    yield pages
    pages.close()


@pytest.fixture
def log_in():
    """log_in(page, "mgr-101"): through the real login page, as a person does; lands on the home page."""

    def submit(page, username):
        page.goto("/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(lambda url: "/login/" not in url)

    return submit
