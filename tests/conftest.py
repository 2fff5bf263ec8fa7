"""Shared fixtures: a small union (head office → 城关信用社 → 东街分社; 北山信用社 beside it) and one
user per role."""

import pytest
from django.test import Client

from ebank.org.roles import Role
from tests.factories import BranchFactory, user_with_role


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (the test settings' local-memory one): figures and the
    dashboard's latest day cached by one test's data never answer another's."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def tree(db):
    """The branch tree: `hq` → `a` → `a1`, and `b`, a sibling of `a`."""
    hq = BranchFactory(code="000", name="联社营业部", parent=None)
    a = BranchFactory(code="101", name="城关信用社", parent=hq)
    a1 = BranchFactory(code="10101", name="东街分社", parent=a)
    b = BranchFactory(code="201", name="北山信用社", parent=hq)
    return {"hq": hq, "a": a, "a1": a1, "b": b}


@pytest.fixture
def staff(tree):
    return user_with_role(Role.STAFF, username="staff")


@pytest.fixture
def leader(tree):
    return user_with_role(Role.LEADER, username="leader")


@pytest.fixture
def manager(tree):
    """The manager of 城关信用社 (101), who sees 101 and 10101 but not 201."""
    return user_with_role(Role.BRANCH_MANAGER, tree["a"], username="mgr-101")


def _client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def staff_client(staff):
    return _client_for(staff)


@pytest.fixture
def leader_client(leader):
    return _client_for(leader)


@pytest.fixture
def manager_client(manager):
    return _client_for(manager)


@pytest.fixture
def write(tmp_path):
    """Write an extract file: write("cards.csv", "header\\nrow…", encoding="utf-8")."""

    def write_file(name: str, text: str, encoding: str = "utf-8", newline: str = "\n"):
        path = tmp_path / name
        path.write_bytes(text.replace("\n", newline).encode(encoding))
        return path

    return write_file


@pytest.fixture
def window_open_now(settings):
    """Two ATM inspection windows that cover the whole day, so that one is due whenever a test runs."""
    settings.ATM_INSPECTION_WINDOWS = {"morning": "00:00-11:59:59", "evening": "12:00-23:59:59"}


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server (aiosmtpd) on loopback, and the settings that send e-mail through it."""
    from tests.notify.servers import SmtpServer

    server = SmtpServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 2
    settings.NOTIFY_EMAIL = True
    yield server
    server.stop()


@pytest.fixture
def wecom_server(settings):
    """A stand-in for WeCom's robot webhook (a real HTTP server on loopback)."""
    from tests.notify.servers import WeComServer

    server = WeComServer()
    server.start()
    settings.WECOM_TIMEOUT = 1
    yield server
    server.stop()
