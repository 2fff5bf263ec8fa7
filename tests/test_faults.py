"""Faults, really caused: an import process killed or its database connection cut mid-way, a
Celery worker process killed during an assessment, the broker down, the database's connections
dropped (as a restart does). Nothing is lost, nothing is doubled, nothing is half-recorded."""

import hashlib
import os
import random
import signal
import subprocess
import sys
import time
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import DatabaseError, connection, transaction

from cards.models import Card
from ebank.imports.models import ImportRun
from tests import processes
from tests.cards.factories import card_number, resident_id

BROKER = os.environ.get("CELERY_TEST_BROKER_URL", "")
ROWS = 30_000
HEADER = "card_no,holder_name,holder_id_no,branch_code,issued_on,status,closed_on,sms_alert,sms_since"


@pytest.fixture
def cards_file(tmp_path):
    rng = random.Random(2011)
    lines = [HEADER] + [
        f"{card_number(rng=rng)},持卡人{n},{resident_id(rng=rng)},101,2011-03-01,active,,0,"
        for n in range(ROWS)
    ]
    path = tmp_path / "cards.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def _import(path, database_url):
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "ebank.settings.local"}
    return subprocess.Popen(
        [sys.executable, "manage.py", "import_extract", "cards", str(path)],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_until_midway(process):
    """Read the command's progress until it has read some rows but not all of them."""
    for line in process.stderr:
        if "rows read" in line and 0 < int(line.split()[0]) < ROWS:
            return
    pytest.fail("the import ended before it could be interrupted")


def _other_backends():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return [pid for (pid,) in cursor.fetchall()]


def test_an_import_killed_or_cut_off_mid_way_writes_nothing_and_a_rerun_succeeds(
    transactional_db, tree, cards_file
):
    database_url = processes.require_postgresql_and_broker()

    killed = _import(cards_file, database_url)
    _wait_until_midway(killed)
    killed.send_signal(signal.SIGKILL)
    killed.wait(timeout=30)
    assert killed.returncode == -signal.SIGKILL
    assert Card.objects.count() == 0

    cut_off = _import(cards_file, database_url)
    _wait_until_midway(cut_off)
    with connection.cursor() as cursor:  # what a database restart does to the import's session
        for pid in _other_backends():
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    cut_off.wait(timeout=60)
    assert cut_off.returncode != 0
    assert Card.objects.count() == 0
    assert not ImportRun.objects.filter(status=ImportRun.Status.DONE).exists()

    rerun = _import(cards_file, database_url)
    output, errors = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, errors
    assert f"cards: {ROWS} rows ({ROWS} created, 0 updated, 0 unchanged)" in output
    assert Card.objects.count() == ROWS


def _results_checksum(run) -> str:
    lines = run.results.order_by("branch__code", "metric").values_list(
        "branch__code", "metric", "target", "actual", "completion_pct", "score", "total_score", "rank"
    )
    return hashlib.sha256(repr(list(lines)).encode()).hexdigest()


def _running(run_id) -> bool:
    """The assessment holds its run's row locked while it computes."""
    from reports.models import AssessmentRun

    try:
        with transaction.atomic():
            list(AssessmentRun.objects.select_for_update(nowait=True).filter(pk=run_id))
    except DatabaseError:
        return True
    return False


@pytest.mark.worker
def test_a_worker_process_killed_during_an_assessment_gives_it_back_and_the_rerun_is_identical(
    transactional_db, tree
):
    from reports import services
    from reports.models import AssessmentRun, PlanItem, Target
    from tests.cards.factories import CardFactory
    from tests.factories import BranchFactory

    database_url = processes.require_postgresql_and_broker(BROKER or None)
    PlanItem.objects.create(year=2011, metric="new_cards", weight=Decimal("40"))
    PlanItem.objects.create(year=2011, metric="cards_total", weight=Decimal("60"))
    # Enough branches that the computation lasts a moment.
    for n in range(150):
        branch = BranchFactory(code=f"9{n:03d}", name=f"网点{n}", parent=tree["hq"])
        CardFactory.create_batch(n % 4, branch=branch, issued_on=f"2011-0{1 + n % 9}-01")
        for metric in ("new_cards", "cards_total"):
            Target.objects.create(year=2011, quarter=4, branch=branch, metric=metric, target=Decimal(2))
    uninterrupted = services.assessment_compute(run_id=AssessmentRun.objects.create(year=2011, quarter=4).pk)

    with processes.celery_worker(broker=BROKER, database_url=database_url, pool="prefork") as (
        client,
        queue,
        worker,
    ):
        run = AssessmentRun.objects.create(year=2011, quarter=4)
        result = client.send_task("reports.tasks.assessment_run_task", args=[run.pk], queue=queue)
        deadline = time.monotonic() + 60
        while not _running(run.pk):
            assert time.monotonic() < deadline, "the worker never started the assessment"
            time.sleep(0.02)
        children = subprocess.run(["pgrep", "-P", str(worker.pid)], capture_output=True, text=True)
        for pid in children.stdout.split():
            os.kill(int(pid), signal.SIGKILL)  # the pool process computing the run
        assert result.get(timeout=120) == run.pk  # given back to the queue and done again
    run.refresh_from_db()
    assert run.status == "done"
    assert _results_checksum(run) == _results_checksum(uninterrupted)
    assert run.results.count() == uninterrupted.results.count() == 300


@pytest.fixture
def broker_down():
    """The broker does not answer (nothing listens on its port); tasks are not run in-process."""
    from ebank.celery import app

    def forget_connections():  # as Celery does after a fork: the next task opens new ones
        app._pool = None
        if "amqp" in app.__dict__:
            app.amqp._producer_pool = None

    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager", "broker_connection_timeout")}
    app.conf.update(broker_url="redis://127.0.0.1:9/0", task_always_eager=False, broker_connection_timeout=1)
    forget_connections()
    yield
    app.conf.update(saved)
    forget_connections()


def test_with_the_broker_down_the_web_stays_up_and_the_job_says_it_was_not_queued(
    tree, staff_client, broker_down, django_capture_on_commit_callbacks, write, tmp_path, settings
):
    settings.IMPORT_DIR = str(tmp_path / "uploads")
    from reports.models import AssessmentRun, PlanItem, Target

    PlanItem.objects.create(year=2011, metric="new_cards", weight=Decimal("40"))
    Target.objects.create(year=2011, quarter=4, branch=tree["a"], metric="new_cards", target=Decimal(2))
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post("/reports/assessmentrun/add/", {"year": 2011, "quarter": 4})
    assert response.status_code == 302
    run = AssessmentRun.objects.get()
    assert run.status == "failed" and "任务队列没有响应" in run.message
    page = staff_client.get(response["Location"]).content.decode()
    assert "任务队列没有响应" in page

    path = write("cards.csv", HEADER + "\n")
    with django_capture_on_commit_callbacks(execute=True), open(path, "rb") as upload:
        response = staff_client.post("/imports/importrun/add/", {"kind": "cards", "file": upload})
    assert response.status_code == 302
    imported = ImportRun.objects.get()
    assert imported.status == "failed" and "任务队列没有响应" in imported.message
    assert imported.stored_file == "" and not os.listdir(settings.IMPORT_DIR)  # the upload deleted
    assert staff_client.get("/healthz").status_code == 200


def test_after_the_database_drops_every_connection_the_next_request_is_served(transactional_db):
    """gunicorn, as in production, keeping its database connection between requests (a test
    client would not: it turns off Django's per-request connection checks)."""
    import socket
    import urllib.request

    database_url = processes.require_postgresql_and_broker()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DB_CONN_MAX_AGE": "60",
        "DJANGO_SETTINGS_MODULE": "ebank.settings.local",
        "DJANGO_DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "ebank.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def health():
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                assert health() == 200
                break
            except (urllib.error.URLError, ConnectionError):
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        with connection.cursor() as cursor:  # what a database restart does to every session
            for pid in _other_backends():
                cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        assert health() == 200  # the dead connection is noticed and replaced on this very request
    finally:
        server.terminate()
        server.wait(timeout=30)
