"""The benchmark's own database: created on the server DATABASE_URL names, migrated, used, dropped.
The configured database is never touched: its name only tells which server to use."""

import contextlib
import uuid
from urllib.parse import quote

import psycopg2
from django.conf import settings
from django.core.management import call_command
from django.db import connections


class NotPostgreSQL(Exception):
    """The benchmark measures PostgreSQL only."""


def database_check() -> dict:
    """Return the configured database's settings, or refuse when it is not PostgreSQL."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        raise NotPostgreSQL(
            "The benchmark runs on PostgreSQL only (it measures PostgreSQL's own limits). Set "
            "DATABASE_URL=postgres://USER@HOST:5432/NAME: the bench creates a database of its own on "
            "that server, and drops it at the end; NAME's data is never touched."
        )
    return database


def database_url(database: dict, name: str) -> str:
    """The DATABASE_URL of database `name` on the server of `database` (for other processes)."""
    user = quote(database.get("USER") or "", safe="")
    password = f":{quote(database['PASSWORD'], safe='')}" if database.get("PASSWORD") else ""
    host = database.get("HOST") or "127.0.0.1"
    return f"postgres://{user}{password}@{host}:{database.get('PORT') or 5432}/{name}"


def _server(database: dict):
    """An autocommit connection to the server's maintenance database (CREATE/DROP DATABASE)."""
    connection = psycopg2.connect(
        dbname="postgres",
        user=database.get("USER") or None,
        password=database.get("PASSWORD") or None,
        host=database.get("HOST") or None,
        port=database.get("PORT") or None,
    )
    connection.autocommit = True
    return connection


def server_version(database: dict) -> str:
    with contextlib.closing(_server(database)) as server, server.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return cursor.fetchone()[0]


@contextlib.contextmanager
def bench_database(*, keep: bool, log, existing: str | None = None):
    """Create a database of the bench's own, migrate it, point Django's default connection at it for
    the duration, and drop it afterwards (unless `keep`). Yield (its name, its DATABASE_URL).

    `existing` names a bench database an earlier run kept (a sharded run's imports): it is used as
    it is (and dropped afterwards unless `keep`)."""
    database = database_check()
    name = existing or f"ebank_bench_{uuid.uuid4().hex[:8]}"
    if not name.startswith("ebank_bench_") or name == database["NAME"]:
        raise RuntimeError(f"{name} is not a bench database (ebank_bench_…)")
    if existing:
        log(f"using the kept database {name}")
    else:
        with contextlib.closing(_server(database)) as server, server.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        log(f"created database {name} on {database.get('HOST') or 'localhost'}; migrating it")
    connection = connections["default"]
    original = database["NAME"]
    connection.close()
    settings.DATABASES["default"]["NAME"] = connection.settings_dict["NAME"] = name
    try:
        if not existing:
            call_command("migrate", verbosity=0, interactive=False)
        yield name, database_url(database, name)
    finally:
        connection.close()
        settings.DATABASES["default"]["NAME"] = connection.settings_dict["NAME"] = original
        if keep:
            log(f"kept database {name} (--keep); drop it with: dropdb {name}")
        else:
            with contextlib.closing(_server(database)) as server, server.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            log(f"dropped database {name}")
