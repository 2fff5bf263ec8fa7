"""Helpers for tests that start real processes (a Celery worker, a management command) against the
test database: they need PostgreSQL, which a second process can reach (SQLite's test database is
in memory)."""

import contextlib
import os
import subprocess
import sys
import uuid

import pytest
from celery import Celery
from django.conf import settings
from django.db import connection


def database_url() -> str | None:
    """The URL of the test database, for a second process; None on SQLite."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return None
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def second_connection():
    """A connection of its own to the test database (PostgreSQL): another transaction, holding
    what a test needs held while the code under test runs in this one."""
    import psycopg2

    db = connection.settings_dict
    return psycopg2.connect(
        dbname=db["NAME"], user=db["USER"], host=db["HOST"] or None, port=db["PORT"] or None
    )


def require_postgresql_and_broker(broker: str | None = "") -> str:
    """Skip (or, in CI, fail) a test that needs PostgreSQL and, when asked, a Redis broker."""
    url = database_url()
    if not url or broker is None:
        assert not os.environ.get("EBANK_REQUIRE_WORKER_TEST"), "CI must run the process tests"
        pytest.skip("needs PostgreSQL and CELERY_TEST_BROKER_URL (.ci/run sets both)")
    return url


@contextlib.contextmanager
def celery_worker(*, broker: str, database_url: str, pool: str = "solo"):
    """Run a real Celery worker process on a queue of its own; yield a client app to send it tasks
    (as the web process does), the queue and the process. Its output is printed at the end."""
    queue = f"ebank-test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ebank.settings.local",
        "DJANGO_DEBUG": "0",
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker,
    }
    command = [sys.executable, "-m", "celery", "-A", "ebank", "worker", f"--pool={pool}", "-Q", queue]
    command += ["--without-gossip", "--without-mingle", "--loglevel=INFO", "-n", f"{queue}@%h"]
    if pool == "prefork":
        command.append("--concurrency=1")
    process = subprocess.Popen(
        command, cwd=settings.BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    client = Celery("ebank-test-client")
    client.config_from_object("django.conf:settings", namespace="CELERY")
    client.conf.update(broker_url=broker, task_always_eager=False)
    output = ""
    try:
        yield client, queue, process
    finally:
        process.terminate()
        try:
            output, _ = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
        print(output)
    assert "ready." in output
