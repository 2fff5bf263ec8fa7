"""The whole benchmark, in order: a database of its own, the data set, every measurement, the report.

Measured with DEBUG off, as in production. A measurement that breaks is recorded as broken and the
rest still run (except after a failed load: there is then nothing to measure).
"""

import datetime
import json
import os
import platform
import shutil
import tempfile
import time
import warnings
from dataclasses import asdict
from pathlib import Path

import django
from django.conf import settings
from django.test.utils import override_settings

from .database import bench_database, database_check, server_version
from .dataset import KINDS, dataset_generate, dataset_load, dataset_save
from .loads import loads_measure, memory_measure
from .pages import pages_measure
from .partitions import partitions_measure
from .reads import assessment_measure, figures_measure, lean_build
from .report import Report
from .scales import Scale
from .throughput import api_measure


def _staff_user(*, existing: bool = False):
    from ebank.org import services
    from ebank.org.models import User
    from ebank.org.roles import Role

    if existing:  # the imports' shard made it
        return User.objects.get(username="bench-staff")
    user = User(username="bench-staff", first_name="bench")
    user.set_unusable_password()
    user.save()
    return services.user_assign_role(user=user, role=Role.STAFF, branch=None, by=None)


def bench_run(
    *,
    scale: Scale,
    keep: bool,
    log,
    only: str | None = None,
    database: str | None = None,
    files: Path | None = None,
    earlier: Path | None = None,
) -> Report:
    """Run the benchmark at `scale`; return its report (report.broken lists what went wrong).

    A run too long for one sitting is taken in two shards (`only`): "imports" generates the data
    set and measures the loads and the memory, then keeps its database and files; "reads" measures
    the figures, the assessment, the admin and the API over that kept `database`, with the data
    set `files` describes, then drops both unless `keep`. `earlier` is a shard's JSON whose lines
    lead this report's table, so that the second shard prints the whole table."""
    database_settings = database_check()
    started = time.perf_counter()

    def say(message: str) -> None:
        log(f"[{time.perf_counter() - started:7.1f} s] {message}")

    report = Report(
        meta={
            "scale": asdict(scale),
            "started_at": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
            "host": platform.node(),
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "django": django.get_version(),
            "postgresql": server_version(database_settings),
            "phases": {},
            "only": only or "all",
        }
    )
    if earlier:
        report.merge(json.loads(earlier.read_text(encoding="utf-8")))
    keep = keep or only == "imports"
    directory = files or Path(tempfile.mkdtemp(prefix=f"ebank-bench-{scale.name}-"))
    report.meta["files"] = str(directory)
    hosts = [*settings.ALLOWED_HOSTS, "127.0.0.1"]
    try:
        with (
            warnings.catch_warnings(),
            override_settings(DEBUG=False, ALLOWED_HOSTS=hosts),
            bench_database(keep=keep, log=say, existing=database) as (name, url),
        ):
            # WhiteNoise notes that collectstatic has not run: the bench reads no static file.
            warnings.filterwarnings("ignore", "No directory at", UserWarning)
            report.meta["database"] = name
            _measure(report, scale, directory, url, say, only)
    finally:
        if keep:
            say(f"kept the generated files in {directory}")
        else:
            shutil.rmtree(directory, ignore_errors=True)
    report.meta["seconds"] = round(time.perf_counter() - started, 1)
    say(f"done in {report.meta['seconds']:.0f} s")
    return report


def _measure(report: Report, scale: Scale, directory: Path, database_url: str, say, only: str | None) -> None:
    phases = report.meta["phases"]

    def phase(name: str, function, *args, **kwargs) -> bool:
        begun = time.perf_counter()
        try:
            function(*args, **kwargs)
            return True
        except Exception as error:  # a measurement that breaks is reported, the others still run
            report.fail(key=f"{name}:error", label=name, goal="—", error=f"{type(error).__name__}: {error}")
            say(f"{name} broke: {type(error).__name__}: {error}")
            return False
        finally:
            phases[name] = round(time.perf_counter() - begun, 1)

    if only == "reads":
        user = _staff_user(existing=True)
        dataset = dataset_load(directory)
        report.meta["rows"] = dataset.rows
    else:
        user = _staff_user()
        say(f"generating the {scale.name} data set in {directory}")
        begun = time.perf_counter()
        dataset = dataset_generate(scale=scale, directory=directory)
        dataset_save(dataset)
        phases["generate"] = round(time.perf_counter() - begun, 1)
        report.meta["rows"] = dataset.rows
        report.meta["bytes"] = {kind: path.stat().st_size for kind, path in dataset.files.items()}
        files = {kind: dataset.files[kind] for kind in KINDS}
        if not phase("loads", loads_measure, report=report, files=files, rows=dataset.rows, by=user, log=say):
            return
        phase(
            "memory",
            memory_measure,
            report=report,
            source=dataset.files["card_balances"],
            sizes=scale.memory_rows,
            database_url=database_url,
            log=say,
        )
        if only == "imports":
            return
    if not phase("lean tables", lean_build, log=say):
        return
    phase(
        "figures",
        figures_measure,
        report=report,
        branch_code=dataset.branch_code,
        repeats=scale.repeats,
        log=say,
    )
    phase("assessment", assessment_measure, report=report, repeats=scale.repeats, by=user, log=say)
    phase("admin", pages_measure, report=report, user=user, requests=scale.page_requests, log=say)
    phase(
        "api",
        api_measure,
        report=report,
        user=user,
        database_url=database_url,
        seconds=scale.api_seconds,
        directory=directory,
        log=say,
    )
    phase("partitions", partitions_measure, report=report, repeats=scale.repeats, log=say)
