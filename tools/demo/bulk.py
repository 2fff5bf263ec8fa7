"""Writing the demo county fast: rows written straight into their tables (COPY, bulk_create,
bulk_update), BYPASSING THE SERVICES that write them in the product.

Only the demo county does this, to load a year of a county in seconds. Each function writes
what the corresponding service would (the same rows, and their history rows dated and signed as
the service would have), but it checks nothing: what it writes must already be right.
"""

import csv
import io
from typing import Sequence

from django.db import connection, models
from simple_history.utils import bulk_create_with_history


def _converter(model_field, postgres: bool):
    ops = connection.ops
    if isinstance(model_field, models.DateTimeField):
        return lambda v: None if v is None else ops.adapt_datetimefield_value(v)
    if isinstance(model_field, models.DateField):
        return lambda v: None if v is None else v.isoformat()
    if isinstance(model_field, models.BooleanField):
        return (lambda v: "t" if v else "f") if postgres else int
    if isinstance(model_field, models.DecimalField):
        return lambda v: None if v is None else str(v)
    return None


def insert_rows(model, names: Sequence[str], rows: list[tuple]) -> int:
    """Write many rows of `model` at once, without model instances: COPY on PostgreSQL, one
    prepared INSERT run for every row on SQLite. For the big tables; no history, no signals."""
    if not rows:
        return 0
    postgres = connection.vendor == "postgresql"
    model_fields = [model._meta.get_field(name) for name in names]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in model_fields)
    converters = [(i, c) for i, f in enumerate(model_fields) if (c := _converter(f, postgres))]
    if converters:
        rows = [list(row) for row in rows]
        for row in rows:
            for i, convert in converters:
                row[i] = convert(row[i])
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        if postgres:
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            for row in rows:
                writer.writerow(["\\N" if value is None else value for value in row])
            buffer.seek(0)
            cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv, NULL '\\N')", buffer)
        else:
            placeholders = ", ".join(["%s"] * len(names))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows)
    return len(rows)


def execute(sql: str, params: Sequence = ()) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def fetch_one(sql: str, params: Sequence = ()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def mark_for_history(objs: list, *, when, by=None, reason: str = "") -> list:
    """Mark objects for simple-history: the moment of the record (not the moment of loading),
    who and why (bulk_create_with_history and bulk_history_create read these); `when` and `by`
    may be functions of the object."""
    for obj in objs:
        obj._history_date = when(obj) if callable(when) else when
        obj._history_user = by(obj) if callable(by) else by
        obj._change_reason = reason[:100]
    return objs


def create_on_record(model, objs: list, *, when, by=None, reason: str = "") -> list:
    """bulk_create the objects with their "+" history rows dated `when`."""
    mark_for_history(objs, when=when, by=by, reason=reason)
    return bulk_create_with_history(objs, model, batch_size=1000)


def change_on_record(model, changes: list[tuple[object, dict]], *, when, by=None, reason: str = "") -> None:
    """Apply later changes (object, {field: value}) with one bulk_update and their "~" history
    rows dated `when` — a terminal removed, a customer closed, a target revised."""
    if not changes:
        return
    objs = []
    for obj, values in changes:
        for name, value in values.items():
            setattr(obj, name, value)
        objs.append(obj)
    model.objects.bulk_update(
        objs, sorted({name for _obj, values in changes for name in values}), batch_size=1000
    )
    mark_for_history(objs, when=when, by=by, reason=reason)
    model.history.bulk_history_create(objs, update=True, batch_size=1000)


def create_rows(model, objs: list) -> int:
    """bulk_create rows that have no history (register entries, which the kit writes one by one)."""
    model.objects.bulk_create(objs, batch_size=1000)
    return len(objs)


def backdate(model, pk, **moments) -> None:
    """Give a row written now the moments it would have had (an assessment run of last year)."""
    model.objects.filter(pk=pk).update(**moments)
