"""The benchmark runs end to end: at a tiny scale every measurement is taken beside its
reference and written as a table and as JSON. Timings are never asserted here: the benchmark
measures, it does not pass or fail the suite."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

from tests.processes import database_url
from tools.bench.dataset import KINDS

LISTS = ["cards", "terminal_txns", "card_balances"]
EXPECTED = [
    *(f"{step}:{kind}" for kind in KINDS for step in ("import", "reimport")),
    "memory",
    "figures:union",
    "figures:branch",
    "assessment",
    "assessment:time",
    *(f"admin:{name}:{what}" for name in LISTS for what in ("page1", "pagefar", "far_vs_first", "count")),
    "api:cards",
]


def _bench(*arguments, url: str, timeout: int = 600) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "ebank.settings.local"}
    return subprocess.run(
        [sys.executable, "manage.py", "bench", *arguments],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_bench_at_tiny_scale_takes_every_measurement(tmp_path):
    url = database_url()
    if not url:
        assert not os.environ.get("EBANK_REQUIRE_WORKER_TEST"), "CI must run the benchmark on PostgreSQL"
        pytest.skip("the benchmark runs on PostgreSQL only (.ci/run sets DATABASE_URL)")
    output = tmp_path / "bench.json"

    result = _bench("--scale", "tiny", "--json", str(output), url=url)

    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(output.read_text(encoding="utf-8"))
    lines = {line["key"]: line for line in report["lines"]}
    assert sorted(lines) == sorted(EXPECTED)
    for line in report["lines"]:
        assert line["label"] in result.stdout  # a row of the printed table
        assert line["reference"] and line["goal"]
        assert line["status"] in ("met", "not met", "n/a"), line
    for kind in KINDS:
        assert lines[f"reimport:{kind}"]["data"]["created"] == 0
        assert lines[f"reimport:{kind}"]["data"]["updated"] == 0
    assert lines["figures:union"]["data"]["disagreements"] == []
    assert lines["figures:branch"]["data"]["disagreements"] == []
    assert lines["assessment"]["data"]["disagreements"] == []
    assert lines["assessment"]["data"]["branches"] == report["meta"]["scale"]["unions"]
    assert report["broken"] == []
    # Its database was dropped: only the configured one's server was used.
    assert "dropped database " + report["meta"]["database"] in result.stderr


def test_bench_refuses_anything_but_postgresql(tmp_path):
    result = _bench("--scale", "tiny", url=f"sqlite:///{tmp_path / 'db.sqlite3'}", timeout=120)

    assert result.returncode == 1
    assert "PostgreSQL only" in result.stderr
    assert not (tmp_path / "db.sqlite3").exists()
