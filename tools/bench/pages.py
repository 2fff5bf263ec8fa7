"""The admin's big lists, first page and page 1,000, through the whole Django stack (a test client
logged in as department staff) beside the page's own list query timed alone; and whether a page
ran an exact COUNT(*) over its table."""

import re
import time

from django.apps import apps
from django.contrib import admin
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .report import MET, NOT_JUDGED, NOT_MET, Line, Report, percentile, seconds

FAR_PAGE = 1_000
LISTS = [
    # (key, label, model): the list is the model's admin changelist
    ("cards", "card list", "cards.Card"),
    ("terminal_txns", "terminal transaction list", "terminals.TerminalTxn"),
    ("card_balances", "balance list", "cards.CardBalance"),
]
_EXACT_COUNT = re.compile(r"^\s*SELECT\s+COUNT\(\*\)", re.IGNORECASE)


def _list_queries(queries: list[dict], table: str) -> list[str]:
    """The changelist's own queries: those that read the page's rows from the table (one, or the
    page's ids and then their rows), not the count or its estimate."""
    return [
        query["sql"]
        for query in queries
        if query["sql"].startswith("SELECT")
        and f'FROM "{table}"' in query["sql"]
        and not _EXACT_COUNT.match(query["sql"])
    ]


def _queries(count: int) -> str:
    return "query" if count == 1 else f"{count} queries"


def _exact_counts(queries: list[dict], table: str) -> list[str]:
    return [q["sql"] for q in queries if _EXACT_COUNT.match(q["sql"]) and f'"{table}"' in q["sql"]]


def pages_measure(*, report: Report, user, requests: int, log) -> None:
    """p50/p95 of each list's first page and page 1,000 (or its last, when it has fewer)."""
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    for key, label, model_name in LISTS:
        model = apps.get_model(model_name)
        table, per_page = model._meta.db_table, admin.site.get_model_admin(model).list_per_page
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            pages = max(1, -(-cursor.fetchone()[0] // per_page))
        measured = {}
        for page in sorted({1, min(FAR_PAGE, pages)}):
            name = f"admin {label}, page {page:,}"
            line_key = f"admin:{key}:page{'1' if page == 1 else 'far'}"
            log(f"{name}: {requests} requests, and its list query alone")
            try:
                measured[page] = _page(client, f"{url}?p={page}", table, per_page, requests)
            except RuntimeError as error:
                report.fail(key=line_key, label=name, goal="p95 < 300 ms", error=str(error))
                continue
            data = measured[page]
            alone = data["sql_p50"] is not None
            report.add(
                Line(
                    key=line_key,
                    label=f"{name}, p50 / p95 ({data['queries']} queries)",
                    value=f"{seconds(data['p50'])} / {seconds(data['p95'])}",
                    reference=(
                        f"its list {_queries(len(data['list_queries']))} alone "
                        f"{seconds(data['sql_p50'])} / {seconds(data['sql_p95'])}"
                        if alone
                        else "its list query was not found"
                    ),
                    ratio=data["p50"] / data["sql_p50"] if alone and data["sql_p50"] else None,
                    goal="p95 < 300 ms",
                    status=MET if data["p95"] < 0.3 else NOT_MET,
                    data=data,
                )
            )
        if len(measured) == 2 or (measured and pages == 1):
            far = max(measured)
            first, last = measured[1]["p95"], measured[far]["p95"]
            judged = far >= FAR_PAGE
            report.add(
                Line(
                    key=f"admin:{key}:far_vs_first",
                    label=f"admin {label}, page {far:,} vs page 1 (p95)",
                    value=seconds(last),
                    reference=f"page 1 {seconds(first)}",
                    ratio=last / first,
                    goal="page 1,000 ≤ 3× page 1",
                    status=(MET if last <= 3 * first else NOT_MET) if judged else NOT_JUDGED,
                    why="" if judged else f"the list has only {pages:,} pages",
                    data={"page": far, "p95": last, "first_p95": first},
                )
            )
            counts = [sql for data in measured.values() for sql in data["exact_counts"]]
            report.add(
                Line(
                    key=f"admin:{key}:count",
                    label=f"admin {label}: exact COUNT(*) over {table}",
                    value="ran" if counts else "none",
                    reference=f"queries of pages {' and '.join(f'{p:,}' for p in measured)}",
                    ratio=None,
                    goal="no exact COUNT(*) on a big table",
                    status=NOT_MET if counts else MET,
                    data={"exact_counts": counts},
                )
            )


def _page(client: Client, url: str, table: str, per_page: int, requests: int) -> dict:
    timings, queries = _requests(client, url, requests)
    sql = _list_queries(queries, table)
    alone = _sql_timings(sql, requests) if sql else []
    return {
        "url": url,
        "per_page": per_page,
        "p50": percentile(timings, 0.5),
        "p95": percentile(timings, 0.95),
        "queries": len(queries),
        "sql_p50": percentile(alone, 0.5) if alone else None,
        "sql_p95": percentile(alone, 0.95) if alone else None,
        "list_queries": sql,
        "exact_counts": _exact_counts(queries, table),
    }


def _requests(client: Client, url: str, times: int) -> tuple[list[float], list[dict]]:
    """Time `times` requests of `url` (after one to warm up); return the timings and the queries of
    one more request."""
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}")
    timings = []
    for _ in range(times):
        started = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code}")
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return timings, list(captured.captured_queries)


def _sql_timings(sqls: list[str], times: int) -> list[float]:
    """Time the list queries alone, as the page ran them (their parameters already in place)."""
    timings = []
    with connection.cursor() as cursor:
        for _ in range(times):
            started = time.perf_counter()
            for sql in sqls:
                cursor.execute(sql)
                cursor.fetchall()
            timings.append(time.perf_counter() - started)
    return timings
