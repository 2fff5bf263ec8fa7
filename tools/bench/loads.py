"""The loads: each extract through the real import, beside a raw COPY of the same file; the unchanged
re-import beside the first; the import process's peak memory at two sizes."""

import os
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction

from ebank.imports.services import import_file

from .dataset import file_head
from .report import Line, Report, ratio_line, seconds

SMALL_FILE = 10_000  # below this, a load's fixed cost dominates: the ratio is shown, not judged
# The goals of a first import against COPY of the same file (docs/performance.md): the cards, which
# carry seven indexes and a history row each, at most 10×; every other extract at most 5× (3× is
# the aim, shown beside it).
IMPORT_LIMITS = {"cards": 10.0}
IMPORT_LIMIT, IMPORT_AIM = 5.0, 3.0
# The big extracts whose write floor is measured: the least their import can take.
FLOOR_KINDS = ("cards", "card_balances", "terminal_txns", "netbank_transfers", "service_point_txns")


def import_goal(kind: str) -> tuple[str, float]:
    limit = IMPORT_LIMITS.get(kind, IMPORT_LIMIT)
    if kind in IMPORT_LIMITS:
        return f"≤ {limit:g}× COPY", limit
    return f"≤ {limit:g}× COPY (aim {IMPORT_AIM:g}×)", limit


def copy_seconds(*, path: Path, table: str) -> float:
    """Time a raw COPY of the file into an unlogged, unindexed table of text columns."""
    with open(path, encoding="utf-8") as stream:
        header = stream.readline().strip().split(",")
    columns = ", ".join(f'"{name}" text' for name in header)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute(f"CREATE UNLOGGED TABLE {table} ({columns})")
    started = time.perf_counter()
    with connection.cursor() as cursor, open(path, encoding="utf-8") as stream:
        cursor.copy_expert(f"COPY {table} FROM STDIN WITH (FORMAT csv, HEADER true)", stream)
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {table}")
    return elapsed


def write_floor_seconds(*, kind: str) -> float:
    """Time an INSERT of the rows a first import wrote, as they are, into an empty copy of their
    table with its indexes and constraints (not its foreign keys): the writing alone, with no
    file read, nothing checked, nothing looked up. An import can take no less."""
    from ebank.imports.spec import extract_for

    table = extract_for(kind).model._meta.db_table
    copy = f"bench_floor_{kind}"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {copy}")
        cursor.execute(f"CREATE TABLE {copy} (LIKE {table} INCLUDING ALL)")
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {copy} SELECT * FROM {table}")
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {copy}")
    return elapsed


def _timed_import(kind: str, path: Path, *, by):
    started = time.perf_counter()
    _run, outcome = import_file(kind=kind, path=path, dry_run=False, by=by, keep_errors=20)
    elapsed = time.perf_counter() - started
    if not outcome.valid:
        raise RuntimeError(f"{kind}: the import refused the file: {outcome.error_lines()[:5]}")
    return elapsed, outcome


def loads_measure(*, report: Report, files: dict[str, Path], rows: dict[str, int], by, log) -> None:
    """Import every file twice (the second time unchanged), each beside a COPY of it."""
    for kind, path in files.items():
        log(f"load {kind} ({rows[kind]:,} rows): COPY, import, unchanged re-import")
        copied = copy_seconds(path=path, table=f"bench_copy_{kind}")
        first, outcome = _timed_import(kind, path, by=by)
        small = rows[kind] < SMALL_FILE
        goal, limit = import_goal(kind)
        report.add(
            ratio_line(
                key=f"import:{kind}",
                label=f"import {kind} ({rows[kind]:,} rows)",
                value=first,
                reference=copied,
                reference_label="COPY",
                goal=goal,
                limit=limit,
                judged=not small,
                why_not="small file: fixed cost dominates" if small else "",
                data={"rows": rows[kind], "created": outcome.created, "updated": outcome.updated},
            )
        )
        again, outcome = _timed_import(kind, path, by=by)
        wrote = outcome.created + outcome.updated
        line = ratio_line(
            key=f"reimport:{kind}",
            label=f"re-import {kind} unchanged ({outcome.created} created, {outcome.updated} updated)",
            value=again,
            reference=first,
            reference_label="first",
            goal="≤ 1× first, writes nothing",
            limit=1.0,
            judged=not small,
            why_not="small file: fixed cost dominates" if small else "",
            data={"rows": rows[kind], "created": outcome.created, "updated": outcome.updated},
        )
        if wrote:
            line.status = "broken"
            report.broken.append(f"re-import of unchanged {kind} wrote {wrote} rows")
        report.add(line)
        if kind in FLOOR_KINDS:
            floor = write_floor_seconds(kind=kind)
            report.add(
                ratio_line(
                    key=f"floor:{kind}",
                    label=f"write floor {kind} ({rows[kind]:,} rows): INSERT into an empty copy of its table",
                    value=floor,
                    reference=copied,
                    reference_label="COPY",
                    goal="— (the least an import can take)",
                    limit=0,
                    judged=False,
                    why_not="what the import's goal must leave room for",
                    data={"rows": rows[kind]},
                )
            )


# Runs the command given in its arguments and prints that process's peak resident memory (KiB).
# A process's ru_maxrss counts what it held before exec, which for a child forked from the bench
# is the whole bench (its data set): the command is forked from this small process instead.
_PEAK_OF_CHILD = (
    "import os, subprocess, sys; child = subprocess.Popen(sys.argv[1:], stdout=sys.stderr); "
    "_pid, status, usage = os.wait4(child.pid, 0); print(usage.ru_maxrss); "
    "sys.exit(os.waitstatus_to_exitcode(status))"
)


def peak_memory(*, kind: str, path: Path, database_url: str) -> tuple[int, float]:
    """Run `manage.py import_extract KIND PATH --dry-run` in a process of its own; return its peak
    resident memory (bytes, the kernel's high-water mark) and its wall time."""
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_DEBUG": "0"}
    command = [sys.executable, "-c", _PEAK_OF_CHILD]
    command += [sys.executable, "manage.py", "import_extract", kind, str(path), "--dry-run"]
    started = time.perf_counter()
    with open(path.with_suffix(".log"), "w") as output:
        finished = subprocess.run(
            command, cwd=settings.BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=output, text=True
        )
    elapsed = time.perf_counter() - started
    if finished.returncode != 0:
        raise RuntimeError(f"import_extract {kind} --dry-run exited {finished.returncode}: {path}.log")
    return int(finished.stdout) * 1024, elapsed


def memory_measure(*, report: Report, source: Path, sizes: tuple[int, int], database_url: str, log) -> None:
    """Peak memory of the import process at the two sizes of balance file."""
    small, large = sizes
    measured = {}
    for size in sizes:
        log(f"peak memory: import_extract card_balances --dry-run, {size:,} rows, in a subprocess")
        head = file_head(source=source, rows=size, target=source.with_name(f"card_balances_{size}.csv"))
        measured[size] = peak_memory(kind="card_balances", path=head, database_url=database_url)
        head.unlink()
        head.with_suffix(".log").unlink()
    (small_bytes, small_time), (large_bytes, large_time) = measured[small], measured[large]
    ratio = large_bytes / small_bytes
    report.add(
        Line(
            key="memory",
            label=f"peak memory of an import, {large:,} rows",
            value=f"{large_bytes / 2**20:.0f} MB ({seconds(large_time)})",
            reference=f"{small:,} rows: {small_bytes / 2**20:.0f} MB ({seconds(small_time)})",
            ratio=ratio,
            goal="≤ 1.2× the smaller",
            status="met" if ratio <= 1.2 else "not met",
            data={
                "rows": [small, large],
                "peak_bytes": [small_bytes, large_bytes],
                "seconds": [small_time, large_time],
            },
        )
    )
