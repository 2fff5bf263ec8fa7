"""The API list's requests per second beside a plain Django view returning the same rows, both under
one server: gunicorn (two sync workers, as in production) on the bench database, driven by a small
concurrent client (threads and http.client, one login session per connection)."""

import contextlib
import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from .report import BROKEN, MET, NOT_MET, Line, Report

API = "/api/v1/cards/"
PLAIN = "/bench/plain/cards/"
WORKERS = 2
CONNECTIONS = 4


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(port: int, path: str, cookie: str = "") -> int:
    connection_ = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection_.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = connection_.getresponse()
        response.read()
        return response.status
    finally:
        connection_.close()


@contextlib.contextmanager
def bench_server(*, database_url: str, log_path: Path):
    """Start gunicorn on a free port with the bench database; yield the port; stop it."""
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "tools.bench.settings",
        "DJANGO_DEBUG": "0",
        "TWO_FACTOR_REQUIRED": "0",
    }
    command = [sys.executable, "-m", "gunicorn", "ebank.wsgi:application"]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS), "--log-level", "warning"]
    with open(log_path, "w") as output:
        process = subprocess.Popen(
            command, cwd=settings.BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited {process.returncode}: see {log_path}")
            with contextlib.suppress(OSError):
                if _get(port, "/healthz") == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not answer /healthz within 60 s: see {log_path}")
            time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def session_cookie(user) -> str:
    """Log `user` in as a browser would be (a session in the database, with whichever backend a
    login picks); return the Cookie header."""
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def requests_per_second(
    *, port: int, path: str, cookies: list[str], seconds: float
) -> tuple[int, Counter, float]:
    """GET `path` from one thread per cookie for `seconds`; return the number answered 200, the
    others counted by status or error, and the time taken."""
    done, failed = [0] * len(cookies), [Counter() for _ in cookies]
    started = time.perf_counter()
    deadline = started + seconds

    def client(index: int) -> None:
        connection_ = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Cookie": cookies[index]}
        while time.perf_counter() < deadline:
            try:
                connection_.request("GET", path, headers=headers)
                response = connection_.getresponse()
                response.read()
            except (OSError, http.client.HTTPException) as error:
                failed[index][type(error).__name__] += 1
                connection_.close()
                continue
            if response.status == 200:
                done[index] += 1
            else:
                failed[index][str(response.status)] += 1
            if response.will_close:
                connection_.close()  # gunicorn's sync workers close each connection
        connection_.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(len(cookies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done), sum(failed, Counter()), time.perf_counter() - started


def _queries(user, path: str) -> list[str]:
    """The queries one request of `path` runs (in-process, for the line's detail)."""
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    with override_settings(ROOT_URLCONF="tools.bench.urls"):
        client.get(path)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"GET {path} answered {response.status_code}")
    return [query["sql"] for query in captured.captured_queries]


def api_measure(*, report: Report, user, database_url: str, seconds: float, directory: Path, log) -> None:
    """Requests per second of the API's card list and of the plain view, two rounds each, alternating."""
    api_queries, plain_queries = _queries(user, API), _queries(user, PLAIN)
    cookies = [session_cookie(user) for _ in range(CONNECTIONS)]
    log(f"API: gunicorn ({WORKERS} workers, {CONNECTIONS} connections), {API} vs {PLAIN}, 2 × {seconds:g} s")
    totals = {API: [0, Counter(), 0.0], PLAIN: [0, Counter(), 0.0]}
    with bench_server(database_url=database_url, log_path=directory / "gunicorn.log") as port:
        for path in (API, PLAIN):  # warm both workers' caches
            requests_per_second(port=port, path=path, cookies=cookies, seconds=min(1.0, seconds))
        for _round in range(2):
            for path in (API, PLAIN):
                answered, failed, elapsed = requests_per_second(
                    port=port, path=path, cookies=cookies, seconds=seconds
                )
                totals[path][0] += answered
                totals[path][1] += failed
                totals[path][2] += elapsed
    api_rate, plain_rate = (totals[p][0] / totals[p][2] for p in (API, PLAIN))
    failures = totals[API][1] + totals[PLAIN][1]
    failed = sum(failures.values())
    ratio = api_rate / plain_rate if plain_rate else 0.0
    line = Line(
        key="api:cards",
        label=f"API {API} first page, requests/s ({len(api_queries)} queries a request)",
        value=f"{api_rate:.1f} req/s",
        reference=f"plain view {plain_rate:.1f} req/s ({len(plain_queries)} queries)",
        ratio=ratio,
        goal="≥ 0.6× the plain view",
        status=MET if ratio >= 0.6 else NOT_MET,
        data={
            "api": {"answered": totals[API][0], "failed": totals[API][1], "seconds": totals[API][2]},
            "plain": {"answered": totals[PLAIN][0], "failed": totals[PLAIN][1], "seconds": totals[PLAIN][2]},
            "api_queries": api_queries,
            "plain_queries": plain_queries,
            "workers": WORKERS,
            "connections": CONNECTIONS,
        },
    )
    if failed or not totals[API][0] or not totals[PLAIN][0]:
        answers = ", ".join(f"{count} × {answer}" for answer, count in failures.most_common())
        line.status, line.why = BROKEN, f"{failed} requests did not answer 200 ({answers})"
        report.broken.append(f"API measurement: {failed} requests did not answer 200 ({answers})")
    report.add(line)
