"""Tasks run in-process without a broker, and in a real worker process with one; either way their
results are on record (django-celery-results, shown in the admin)."""

import datetime
import os

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_celery_results.models import TaskResult

from ebank.org.tasks import sessions_clear_expired_task
from tests import processes

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


@pytest.fixture
def worker(transactional_db):
    """A real Celery worker process on the broker of CELERY_TEST_BROKER_URL, serving a queue of its
    own, and a client app to send it tasks (as the web process does in production)."""
    database_url = processes.require_postgresql_and_broker(BROKER or None)
    with processes.celery_worker(broker=BROKER, database_url=database_url) as (client, queue, _process):
        yield client, queue


@pytest.mark.worker
def test_a_real_worker_takes_the_task_from_redis_and_its_result_is_seen(worker):
    client, queue = worker
    _sessions(expired=4, live=1)
    result = client.send_task(sessions_clear_expired_task.name, queue=queue)
    assert result.get(timeout=90) == 4
    assert Session.objects.count() == 1
    record = TaskResult.objects.get(task_id=result.id)
    assert record.status == "SUCCESS" and record.worker.startswith(queue)


@pytest.mark.worker
def test_an_assessment_run_by_the_worker_equals_the_in_process_one(worker, tree):
    from decimal import Decimal

    from reports import services
    from reports.models import AssessmentRun, PlanItem, Target
    from tests.cards.factories import CardFactory

    client, queue = worker
    CardFactory.create_batch(30, branch=tree["a1"], issued_on=datetime.date(2011, 5, 1))
    CardFactory.create_batch(20, branch=tree["b"], issued_on=datetime.date(2011, 5, 1))
    PlanItem.objects.create(year=2011, metric="new_cards", weight=Decimal("40"))
    for branch in (tree["a"], tree["b"]):
        Target.objects.create(year=2011, quarter=4, branch=branch, metric="new_cards", target=Decimal(25))
    in_process = services.assessment_compute(run_id=AssessmentRun.objects.create(year=2011, quarter=4).pk)
    by_worker = AssessmentRun.objects.create(year=2011, quarter=4)
    client.send_task("reports.tasks.assessment_run_task", args=[by_worker.pk], queue=queue).get(timeout=90)
    by_worker.refresh_from_db()

    def lines(run):
        return list(
            run.results.order_by("branch__code", "metric").values_list(
                "branch__code", "metric", "target", "actual", "completion_pct", "score", "total_score", "rank"
            )
        )

    assert by_worker.status == "done" and lines(by_worker) == lines(in_process)


@pytest.mark.worker
def test_the_workers_processes_are_capped_and_their_logs_masked(transactional_db, capsys, monkeypatch):
    """A prefork worker: each pool process starts with WORKER_MEMORY_LIMIT_MB as its address-space
    limit, and what the worker logs (here a message naming a card number, for a task it does not
    know) goes through the project's masking handlers, not Celery's own."""
    database_url = processes.require_postgresql_and_broker(BROKER or None)
    monkeypatch.setenv("WORKER_MEMORY_LIMIT_MB", "3000")
    card = "6212345678901234569"
    with processes.celery_worker(broker=BROKER, database_url=database_url, pool="prefork") as (
        client,
        queue,
        process,
    ):
        client.send_task("ebank.no_such_task", args=[f"卡号{card}"], queue=queue)
        assert client.send_task(sessions_clear_expired_task.name, queue=queue).get(timeout=60) == 0
        children = open(f"/proc/{process.pid}/task/{process.pid}/children").read().split()
        assert children
        limits = open(f"/proc/{children[0]}/limits").read()
        line = next(line for line in limits.splitlines() if line.startswith("Max address space"))
        assert line.split()[3] == str(3000 << 20)
    output = capsys.readouterr().out
    assert "no_such_task" in output and "621234*********4569" in output
    assert card not in output
