"""The benchmark runs end to end: at a tiny scale every measurement is taken beside its
reference and written as a table and as JSON. Timings are never asserted here: the benchmark
measures, it does not pass or fail the suite."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.processes import database_url
from tools.bench.dataset import KINDS
from tools.bench.loads import FLOOR_KINDS

LISTS = ["cards", "terminal_txns", "card_balances"]
EXPECTED = [
    *(f"{step}:{kind}" for kind in KINDS for step in ("import", "reimport")),
    *(f"floor:{kind}" for kind in FLOOR_KINDS),
    "memory",
    "figures:union",
    "figures:branch",
    "assessment",
    "assessment:time",
    *(f"admin:{name}:{what}" for name in LISTS for what in ("page1", "pagefar", "far_vs_first", "count")),
    "api:cards",
    *(f"partitions:{what}" for what in ("import", "snapshot", "card", "removal")),
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


def test_a_run_in_two_shards_prints_the_whole_table(tmp_path):
    """A province run too long for one sitting: the imports' shard keeps its database and files
    and says how to go on; the reads' shard runs over them, prints every line of the table (the
    imports' lines first, from their JSON), and then drops the database and the files."""
    url = database_url()
    if not url:
        pytest.skip("the benchmark runs on PostgreSQL only (.ci/run sets DATABASE_URL)")
    imports_json, whole_json = tmp_path / "imports.json", tmp_path / "whole.json"

    first = _bench("--scale", "tiny", "--only", "imports", "--json", str(imports_json), url=url)

    assert first.returncode == 0, first.stdout + first.stderr
    imports = json.loads(imports_json.read_text(encoding="utf-8"))
    keys = [line["key"] for line in imports["lines"]]
    assert sorted(keys) == sorted(
        k for k in EXPECTED if k.startswith(("import", "reimport", "floor", "memory"))
    )
    database, files = imports["meta"]["database"], imports["meta"]["files"]
    next_command = f"--only reads --database {database} --files {files} --with {imports_json}"
    assert next_command in first.stdout
    assert Path(files, "dataset.json").exists()

    second = _bench("--scale", "tiny", *next_command.split(), "--json", str(whole_json), url=url)

    assert second.returncode == 0, second.stdout + second.stderr
    whole = json.loads(whole_json.read_text(encoding="utf-8"))
    assert sorted(line["key"] for line in whole["lines"]) == sorted(EXPECTED)
    for line in whole["lines"]:
        assert line["label"] in second.stdout
    assert whole["meta"]["earlier"]["database"] == database
    lines = {line["key"]: line for line in whole["lines"]}
    assert lines["figures:union"]["data"]["disagreements"] == []
    assert lines["assessment"]["data"]["disagreements"] == []
    assert f"using the kept database {database}" in second.stderr
    assert f"dropped database {database}" in second.stderr
    assert not Path(files).exists()


def test_the_reads_shard_needs_the_kept_database_and_files(tmp_path):
    result = _bench("--scale", "tiny", "--only", "reads", url=database_url() or "sqlite:///x", timeout=120)

    assert result.returncode == 1
    assert "--only reads needs --database and --files" in result.stderr
