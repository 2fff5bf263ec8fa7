"""No log line carries a card or ID number in clear: every handler of every logger masks, the
development server's and gunicorn's access logs included, and a number typed into any admin
list's search box never stands in a URL."""

import logging
import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from django.conf import settings
from django.contrib import admin
from django.urls import reverse

from ebank import pii
from ebank.redaction import MaskNumbersFilter

SENTINEL_CARD = "6212345678901234569"
SENTINEL_ID = "11010519491231002X"


def _handlers():
    loggers = [logging.getLogger(), *(logging.getLogger(name) for name in logging.root.manager.loggerDict)]
    for logger in loggers:
        for handler in logger.handlers:
            yield logger.name, handler


def _ours(handler) -> bool:
    """A handler of the application's (pytest's own capturing handlers are not)."""
    return not type(handler).__module__.startswith("_pytest") and not isinstance(handler, logging.NullHandler)


def test_every_handler_of_every_logger_masks():
    import celery.app.log  # noqa: F401  (Celery's loggers exist once it is imported)

    handlers = [(name, handler) for name, handler in _handlers() if _ours(handler)]
    assert {"root", "django", "django.server"} <= {name for name, _handler in handlers}
    unmasked = [
        (name, handler)
        for name, handler in handlers
        if not any(isinstance(f, MaskNumbersFilter) for f in handler.filters)
    ]
    assert unmasked == []
    assert settings.CELERY_WORKER_HIJACK_ROOT_LOGGER is False  # the worker keeps these handlers


@pytest.mark.parametrize("name", ["django.server", "django.request", "django", "celery.app.trace", "ebank"])
def test_a_record_with_a_number_is_masked_by_the_handlers_it_reaches(name):
    import io

    logger, reached = logging.getLogger(name), []
    while logger:
        reached += [handler for handler in logger.handlers if _ours(handler)]
        logger = logger.parent if logger.propagate else None
    assert reached
    for handler in reached:
        written = io.StringIO()
        previous = handler.setStream(written)
        try:
            logging.getLogger(name).error('"GET /cards/?q=%s&id=%s HTTP/1.1" 404', SENTINEL_CARD, SENTINEL_ID)
        finally:
            handler.setStream(previous)
        assert "621234*********4569" in written.getvalue()
        assert SENTINEL_CARD not in written.getvalue() and SENTINEL_ID not in written.getvalue()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _serve_and_get(command, port, tmp_path) -> str:
    """Start a server process, GET two URLs carrying numbers in their query, return its output."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ebank.settings.local",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "PYTHONUNBUFFERED": "1",
    }
    log = open(tmp_path / "server.log", "w+")
    process = subprocess.Popen(command, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        for path in (f"/healthz?card={SENTINEL_CARD}", f"/no-such-page/?id={SENTINEL_ID}&q={SENTINEL_CARD}"):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=20)
            except urllib.error.HTTPError:
                pass
        time.sleep(0.5)
    finally:
        process.terminate()
        process.wait(timeout=20)
    log.seek(0)
    return log.read()


def _gunicorn(port, *options):
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "ebank.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "1",
    ]
    return [*command, "--access-logfile", "-", *options]


def test_the_development_servers_access_log_masks(tmp_path):
    port = _free_port()
    command = [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"]
    output = _serve_and_get(command, port, tmp_path)
    assert "GET /healthz?card=621234*********4569" in output
    assert SENTINEL_CARD not in output and SENTINEL_ID not in output


def test_gunicorns_logs_mask_whatever_the_access_format(tmp_path):
    port = _free_port()
    output = _serve_and_get(
        _gunicorn(port, "--access-logformat", '%(h)s "%(r)s" %(s)s "%(f)s"'), port, tmp_path
    )
    assert "/healthz?card=621234*********4569" in output
    assert SENTINEL_CARD not in output and SENTINEL_ID not in output


def test_the_configured_access_format_leaves_the_query_out(tmp_path):
    port = _free_port()
    output = _serve_and_get(_gunicorn(port), port, tmp_path)
    assert '"GET /healthz"' in output and "card=" not in output


# --- the admin's search boxes -------------------------------------------------------------------


SEARCHABLE = sorted(
    (model for model, model_admin in admin.site._registry.items() if model_admin.search_fields),
    key=lambda model: model._meta.label_lower,
)


@pytest.mark.parametrize("model", SEARCHABLE, ids=lambda model: model._meta.label_lower)
def test_a_number_in_a_search_url_is_swapped_for_its_hash(model, staff_client):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    response = staff_client.get(url, {"q": SENTINEL_CARD})
    assert response.status_code == 302, model._meta.label_lower
    assert response["Location"] == f"{url}?q={pii.search_term_hashed(SENTINEL_CARD).replace(':', '%3A')}"
    assert staff_client.get(response["Location"]).status_code == 200


def test_a_long_number_that_is_no_card_is_searched_as_typed(staff_client, tree):
    """A transfer's reference of 16 digits is no card number (it fails the Luhn check): it stays
    in the URL and finds its transfer."""
    from tests.netbanking.factories import CustomerFactory, TransferFactory

    reference = "2011060100001234"
    assert not pii.looks_like_card_or_id(reference)
    TransferFactory(customer=CustomerFactory(branch=tree["a"]), reference=reference)
    TransferFactory(customer=CustomerFactory(branch=tree["a"]), reference="2011060100009999")
    url = reverse("admin:netbanking_transfer_changelist")
    response = staff_client.get(url, {"q": reference})
    assert response.status_code == 200
    page = response.content.decode()
    assert reference in page and "2011060100009999" not in page


def test_the_search_keeps_the_lists_filters(manager_client):
    listing = reverse("admin:terminals_retainedcard_changelist")
    response = manager_client.post(
        "/search/", {"q": SENTINEL_CARD, "next": f"{listing}?is_void__exact=0&p=3"}
    )
    assert response["Location"].startswith(f"{listing}?is_void__exact=0&q=hash%3A")


def test_a_retained_card_is_found_by_its_number_posted_from_the_search_box(tree, manager, manager_client):
    from ebank.registers import services as logbooks
    from terminals.models import RetainedCard
    from tests.terminals.factories import TerminalFactory

    atm = TerminalFactory(branch=tree["a"], kind="atm", merchant=None)
    for number in (SENTINEL_CARD, "6228480402564890018"):
        logbooks.logbook_enter(
            model=RetainedCard, by=manager, terminal=atm, occurred_at=_now(), outcome="held", card_no=number
        )
    listing = reverse("admin:terminals_retainedcard_changelist")
    page = manager_client.get(listing).content.decode()
    assert 'id="sensitive-search"' in page and 'action="/search/"' in page
    response = manager_client.post("/search/", {"q": f" {SENTINEL_CARD} ", "next": listing})
    assert response.status_code == 302 and SENTINEL_CARD not in response["Location"]
    found = manager_client.get(response["Location"]).content.decode()
    assert found.count("621234*********4569") >= 1 and "622848*********0018" not in found


def test_the_search_endpoint_goes_nowhere_else(staff_client):
    response = staff_client.post("/search/", {"q": "张三", "next": "https://evil.example/"})
    assert response["Location"] == "/?q=%E5%BC%A0%E4%B8%89"
    assert staff_client.get("/search/").status_code == 405


def _now():
    from django.utils import timezone

    return timezone.now().replace(second=0, microsecond=0) - __import__("datetime").timedelta(hours=1)
