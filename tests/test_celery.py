"""Tasks run in-process without a broker, and in a real worker process with one; either way their
results are on record (django-celery-results, shown in the admin)."""

import datetime
import os
import subprocess
import sys
import uuid

import pytest
from celery import Celery
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone
from django_celery_results.models import TaskResult

from ebank.org.tasks import sessions_clear_expired_task

BROKER = os.environ.get("CELERY_TEST_BROKER_URL", "")


def _sessions(expired: int, live: int):
    for n in range(expired + live):
        store = SessionStore()
        store["n"] = n
        store.create()
        if n < expired:
            Session.objects.filter(session_key=store.session_key).update(
                expire_date=timezone.now() - datetime.timedelta(minutes=1)
            )


def test_task_runs_in_process_and_its_result_is_recorded(db):
    _sessions(expired=3, live=2)
    result = sessions_clear_expired_task.delay()
    assert result.get() == 3
    assert Session.objects.count() == 2
    record = TaskResult.objects.get(task_id=result.id)
    assert record.status == "SUCCESS" and record.result == "3"
    assert sessions_clear_expired_task.delay().get() == 0  # idempotent: nothing left to clear


def test_the_nightly_schedule_is_in_the_database(db):
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="ebank.org.tasks.sessions_clear_expired_task")
    assert task.enabled and task.crontab.hour == "3"


def _database_url():
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return None
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_takes_the_task_from_redis_and_its_result_is_seen():
    database_url = _database_url()
    if not BROKER or not database_url:
        # CI requires this test; elsewhere it needs what .ci/run sets up.
        assert not os.environ.get("EBANK_REQUIRE_WORKER_TEST"), "CI must run the worker test"
        pytest.skip("needs CELERY_TEST_BROKER_URL and PostgreSQL (.ci/run sets both)")
    _sessions(expired=4, live=1)
    queue = f"ebank-test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ebank.settings.local",
        "DJANGO_DEBUG": "0",
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": BROKER,
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "ebank",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
            "-n",
            f"{queue}@%h",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    # A client app of its own, as the web process is in production: settings with a real broker.
    client = Celery("ebank-test-client")
    client.config_from_object("django.conf:settings", namespace="CELERY")
    client.conf.update(broker_url=BROKER, task_always_eager=False)
    try:
        result = client.send_task(sessions_clear_expired_task.name, queue=queue)
        assert result.get(timeout=90) == 4
        assert Session.objects.count() == 1
        record = TaskResult.objects.get(task_id=result.id)
        assert record.status == "SUCCESS" and record.worker.startswith(queue)
    finally:
        worker.terminate()
        try:
            output, _ = worker.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            output, _ = worker.communicate()
        print(output)
    assert "ready." in output
