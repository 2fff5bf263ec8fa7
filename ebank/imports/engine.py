"""The import engine: read, check and write an extract, all or nothing, in a few set-based steps.

1. Read every cell by its column's kind (columns.py) and each row by the extract's rules and
   derived values (rules.py): in PostgreSQL, set-based after COPY of the file (indatabase.py);
   in SQLite, row by row in Python, loading the parsed rows into the staging table in batches.
2. Either way the staging table then holds the typed rows, and the same (row, column, reason)
   errors, with the same words, for the same file.
3. Check in SQL what needs the database or the whole file: references, duplicate keys, the
   extract's own checks.
4. Any invalid row: roll back and report every one as (row, column, reason). Otherwise count
   created/updated/unchanged against the target, and (unless a dry run) write with one UPDATE …
   FROM and one INSERT … SELECT, and the history rows with one more INSERT … SELECT.

Everything happens in one transaction: a killed process or a lost connection leaves nothing.
"""

import csv
import io
import uuid
import zlib
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from django.conf import settings
from django.db import DataError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ebank import pii

from .indatabase import FileInDatabase
from .readers import CellProblem, FileRefused, UnreadableFile, open_table
from .spec import CHANGED, CREATED, UNCHANGED, Extract, extract_for, write_hooks

BATCH = 10_000
MAX_ERRORS = 10_000  # errors kept and shown; beyond this only the count grows
PREVIEW_ROWS = 20
PREVIEW_CHARS = 60  # a preview cell is cut here: enough to recognise a value
ERROR_CHARS = 300  # an error quoting a value is cut here
ANALYZE_AFTER = 10_000  # rows written before the target's statistics are refreshed
_EXTRA_TYPES = {"text": "text", "id": "bigint", "date": "date"}


@dataclass
class Outcome:
    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)
    error_count: int = 0  # every error found
    invalid_rows: int = 0  # the rows with at least one
    header: list[str] = field(default_factory=list)
    preview: list[list[str]] = field(default_factory=list)
    # A dry run of an extract that needs approval: [what, old, new] per row it would change.
    changes: list[list[str]] = field(default_factory=list)
    written: bool = False

    @property
    def valid(self) -> bool:
        return self.error_count == 0

    def refuse(self, errors: list[tuple[int, str, str]]) -> "Outcome":
        """Record errors found before any row was read (the file, the header)."""
        self.errors = [(row, column, _kept_reason(reason)) for row, column, reason in errors]
        self.error_count, self.invalid_rows = len(errors), 0
        return self

    def summary(self) -> str:
        """The one line of docs/cli.md: `KIND: N rows (C created, U updated, S unchanged)`."""
        return (
            f"{self.kind}: {self.rows} rows ({self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged)"
        )

    def error_lines(self) -> list[str]:
        lines = [
            f"row {row}: {column}: {reason}" if row else f"{column}: {reason}"
            for row, column, reason in self.errors
        ]
        if self.error_count > len(self.errors):
            lines.append(_("… and %(n)d more errors") % {"n": self.error_count - len(self.errors)})
        return lines


class _Errors:
    def __init__(self, keep: int | None):
        self.kept: list[tuple[int, str, str]] = []
        self.count = 0
        self.rows: set[int] = set()
        self.keep = keep

    def add(self, row: int, column: str, reason: str) -> None:
        self.count += 1
        self.rows.add(row)
        if self.keep is None or len(self.kept) < self.keep:
            self.kept.append((row, column, _kept_reason(reason)))


class _Rollback(Exception):
    def __init__(self, outcome: Outcome):
        self.outcome = outcome


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _same(left: str, right: str) -> str:
    """NULL-safe equality in both databases."""
    if connection.vendor == "postgresql":
        return f"{left} IS NOT DISTINCT FROM {right}"
    return f"{left} IS {right}"


class Staging:
    """The temporary table one import loads its rows into, and the SQL run against it."""

    def __init__(self, extract: Extract, *, problems: bool = False):
        self.extract = extract
        self.model = extract.model
        self.table = f"stg_{extract.kind}_{uuid.uuid4().hex[:8]}"
        self.target = self.model._meta.db_table
        self.fields = {f: self.model._meta.get_field(self._field_name(f)) for f in extract.fields}
        self.columns = ["row_no", *extract.fields, *extract.extra, "invalid"]
        definitions = ["row_no integer NOT NULL"]
        for attname, model_field in self.fields.items():
            definitions.append(f"{_quote(attname)} {self._db_type(model_field)}")
        for name, kind in extract.extra.items():
            definitions.append(f"{_quote(name)} {_EXTRA_TYPES[kind]}")
        definitions += ["target_id bigint", "action smallint", "invalid boolean"]
        if problems:  # the database path: each invalid row's "column<TAB>reason" list
            definitions.append("problems text[]")
        # The database path looked up the references and the target's records as it filled the
        # table (indatabase.py's _Lookups): they are not looked up again.
        self.looked_up = False
        self.execute(f"CREATE TEMPORARY TABLE {self.table} ({', '.join(definitions)})")

    def _field_name(self, attname: str) -> str:
        for model_field in self.model._meta.concrete_fields:
            if model_field.attname == attname:
                return model_field.name
        raise LookupError(attname)

    @staticmethod
    def _db_type(model_field) -> str:
        if model_field.is_relation:
            return "bigint"
        return model_field.db_type(connection)

    def value_type(self, name: str) -> str:
        """The type a staging column's value is computed as: the column's own, a varchar's as text
        (its length is checked by the column's kind, and a longer value refused, not cut)."""
        if name in self.fields:
            db_type = self._db_type(self.fields[name])
        else:
            db_type = _EXTRA_TYPES[self.extract.extra[name]]
        return "text" if db_type.startswith("varchar") else db_type

    def execute(self, sql: str, params=()) -> int:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.rowcount

    def fetch(self, sql: str, params=()) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    # -- loading -----------------------------------------------------------------------------

    def _db_value(self, name: str, value: Any) -> Any:
        model_field = self.fields.get(name)
        if model_field is None or value is None or model_field.is_relation:
            return value
        return model_field.get_db_prep_value(value, connection, prepared=False)

    def load(self, rows: list[tuple[int, dict[str, Any]]]) -> None:
        if not rows:
            return
        names = self.columns[1:]
        if connection.vendor == "postgresql":
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            for number, values in rows:
                writer.writerow([number, *(_copy_text(values.get(name)) for name in names)])
            buffer.seek(0)
            column_list = ", ".join(_quote(c) for c in self.columns)
            with connection.cursor() as cursor:
                cursor.copy_expert(
                    f"COPY {self.table} ({column_list}) FROM STDIN WITH (FORMAT csv, NULL '\\N')",
                    buffer,
                )
            return
        placeholders = ", ".join(["%s"] * len(self.columns))
        column_list = ", ".join(_quote(c) for c in self.columns)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {self.table} ({column_list}) VALUES ({placeholders})",
                [
                    [number, *(self._db_value(name, values.get(name)) for name in names)]
                    for number, values in rows
                ],
            )

    # -- checks ------------------------------------------------------------------------------

    def resolve_references(self, errors: _Errors) -> None:
        for ref in self.extract.references:
            table = ref.model._meta.db_table
            if not self.looked_up:
                self.execute(
                    f"UPDATE {self.table} SET {_quote(ref.target)} = r.id FROM {table} AS r "
                    f"WHERE r.{_quote(ref.lookup)} = {self.table}.{_quote(ref.source)}"
                )
            shown = ref.display or ref.source
            earlier = ""
            if ref.earlier_in_file:
                earlier = (
                    f" AND NOT EXISTS (SELECT 1 FROM {self.table} AS e WHERE "
                    f"e.{_quote(ref.file_key)} = {self.table}.{_quote(ref.source)} "
                    f"AND e.row_no < {self.table}.row_no)"
                )
            missing = self.fetch(
                f"SELECT row_no, {_quote(shown)} FROM {self.table} WHERE {_quote(ref.source)} IS NOT NULL "
                f"AND {_quote(ref.target)} IS NULL{earlier} ORDER BY row_no"
            )
            for row, value in missing:
                errors.add(
                    row,
                    ref.column,
                    _("%(value)s is not known (neither in the database nor earlier in this file)")
                    % {"value": value},
                )

    def find_duplicates(self, errors: _Errors) -> None:
        keys = ", ".join(_quote(k) for k in self.extract.natural_key)
        # Whether any key repeats, first: one pass of hashing, where numbering the rows of each
        # key sorts the whole table (a few seconds over a year's 1.8 million balances).
        if not self.fetch(
            f"SELECT 1 FROM {self.table} WHERE invalid IS NULL GROUP BY {keys} HAVING COUNT(*) > 1 LIMIT 1"
        ):
            return
        duplicates = self.fetch(
            f"SELECT row_no, first_row FROM (SELECT row_no, MIN(row_no) OVER (PARTITION BY {keys}) "
            f"AS first_row FROM {self.table} WHERE invalid IS NULL) AS d WHERE row_no <> first_row "
            f"ORDER BY row_no"
        )
        for row, first in duplicates:
            errors.add(
                row, self.extract.key_column, _("duplicate key: the same as row %(first)d") % {"first": first}
            )

    # -- counting and writing ----------------------------------------------------------------

    def classify(self) -> dict[int, int]:
        """Mark each row created, changed or unchanged; return the count of each."""
        if self.looked_up:
            return dict(self.fetch(f"SELECT action, COUNT(*) FROM {self.table} GROUP BY action"))
        match = " AND ".join(f"t.{_quote(k)} = {self.table}.{_quote(k)}" for k in self.extract.key)
        self.execute(f"UPDATE {self.table} SET target_id = t.id FROM {self.target} AS t WHERE {match}")
        self.execute(f"UPDATE {self.table} SET action = {CREATED} WHERE target_id IS NULL")
        same = " AND ".join(_same(f"t.{_quote(f)}", f"{self.table}.{_quote(f)}") for f in self.fields)
        self.execute(
            f"UPDATE {self.table} SET action = {CHANGED} FROM {self.target} AS t "
            f"WHERE t.id = {self.table}.target_id AND NOT ({same})"
        )
        self.execute(f"UPDATE {self.table} SET action = {UNCHANGED} WHERE action IS NULL")
        return dict(self.fetch(f"SELECT action, COUNT(*) FROM {self.table} GROUP BY action"))

    def update_changed(self) -> None:
        assignments = ", ".join(f"{_quote(f)} = s.{_quote(f)}" for f in self.fields)
        self.execute(
            f"UPDATE {self.target} SET {assignments} FROM {self.table} AS s "
            f"WHERE {self.target}.id = s.target_id AND s.action = {CHANGED}"
        )

    def insert_created(self, *, ids: bool = True) -> None:
        """Insert the created rows; with `ids`, note each one's new id in the staging table (the
        history rows and an extract's own write read it: a second pass over every row written)."""
        names = ", ".join(_quote(f) for f in self.fields)
        self.execute(
            f"INSERT INTO {self.target} ({names}) SELECT {names} FROM {self.table} "
            f"WHERE action = {CREATED} ORDER BY row_no"
        )
        if not ids:
            return
        match = " AND ".join(f"t.{_quote(k)} = {self.table}.{_quote(k)}" for k in self.extract.key)
        self.execute(
            f"UPDATE {self.table} SET target_id = t.id FROM {self.target} AS t "
            f"WHERE {match} AND {self.table}.action = {CREATED}"
        )

    def record_history(self, *, by, reason: str) -> None:
        """Give every created and changed record a simple-history row (who, when, why)."""
        history = self.model.history.model
        tracked = [f.attname for f in history._meta.concrete_fields if not f.attname.startswith("history_")]
        names = ", ".join(_quote(f) for f in tracked)
        values = ", ".join(f"t.{_quote(f)}" for f in tracked)
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        for action, history_type in ((CREATED, "+"), (CHANGED, "~")):
            self.execute(
                f"INSERT INTO {history._meta.db_table} ({names}, history_date, history_change_reason, "
                f"history_type, history_user_id) SELECT {values}, %s, %s, %s, %s "
                f"FROM {self.target} AS t JOIN {self.table} AS s ON s.target_id = t.id "
                f"WHERE s.action = %s",
                [now, reason[:100], history_type, by.pk if by else None, action],
            )

    def drop(self) -> None:
        """Drop the staging table (a rolled-back import drops it with its transaction)."""
        self.execute(f"DROP TABLE {self.table}")

    def analyze(self) -> None:
        if connection.vendor == "postgresql":
            self.execute(f"ANALYZE {self.table}")

    def analyze_target(self) -> None:
        """Refresh the planner's statistics of a table a big import changed (its estimates drive
        the query plans of the figures and the admin's estimated counts)."""
        if connection.vendor == "postgresql":
            self.execute(f"ANALYZE {self.target}")


def _copy_text(value: Any) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _map_header(extract: Extract, header: list[str]) -> tuple[list[int | None], list[tuple[int, str, str]]]:
    """Return, per column of the extract, the position of its cell in a row (or None)."""
    positions = {}
    for position, name in enumerate(header):
        positions.setdefault(name.strip().lstrip("\ufeff").lower(), position)
    mapping, errors = [], []
    for column in extract.columns:
        position = positions.get(column.name.lower(), positions.get(column.label.lower()))
        if position is None and column.required:
            errors.append(
                (
                    0,
                    column.name,
                    _("column missing from the header (%(name)s or %(label)s)")
                    % {"name": column.name, "label": column.label},
                )
            )
        mapping.append(position)
    return mapping, errors


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _kept_reason(reason) -> str:
    """An error as it is kept and shown: a card or ID number quoted in it masked, cut short."""
    return _short(pii.text_mask_numbers(str(reason))[0], ERROR_CHARS)


def _shown(column, value: str) -> str:
    """A cell as the preview shows it: a sensitive column masked, a card or ID number typed into
    another column masked too, and cut short."""
    if column.sensitive and value:
        if value.isdigit() and 12 <= len(value) <= 19:
            return pii.card_mask(value)
        return pii.resident_id_mask(value) if len(value) == 18 else "*" * min(len(value), PREVIEW_CHARS)
    return _short(pii.text_mask_numbers(value)[0], PREVIEW_CHARS)


def extract_import(
    *,
    kind: str,
    path: Path,
    file_name: str | None = None,
    dry_run: bool = False,
    by=None,
    reason: str = "",
    progress: Callable[[int, int, int], None] | None = None,
    keep_errors: int | None = MAX_ERRORS,
) -> Outcome:
    """Import the extract at `path` as `kind`, all or nothing; report what it did or would do.

    `progress(rows_read, bytes_read, bytes_total)` is called every few thousand rows. At most
    `keep_errors` errors are kept (None: all of them, as the command line prints every one).
    """
    extract = extract_for(kind)
    outcome = Outcome(kind=kind, header=[c.name for c in extract.columns])
    try:
        table = open_table(Path(path), file_name)
    except FileRefused:
        raise  # not an extract at all: the run fails with the reason (services.py)
    except UnreadableFile as error:
        return outcome.refuse([(0, "file", str(error))])
    mapping, header_errors = _map_header(extract, table.header)
    if header_errors:
        return outcome.refuse(header_errors)
    try:
        with transaction.atomic():
            _one_at_a_time(kind)
            if parse_in_database():
                staging, errors = _read_in_database(
                    extract, Path(path), file_name, table, mapping, outcome, progress, keep_errors
                )
            else:
                staging, errors = _read_in_python(extract, table, mapping, outcome, progress, keep_errors)
            _check_and_write(extract, staging, errors, outcome, dry_run, by, reason)
    except _Rollback as rollback:
        return rollback.outcome
    except DataError as error:
        # A value the checks let through but the database cannot hold: nothing was written.
        outcome.created = outcome.updated = outcome.unchanged = 0
        return outcome.refuse(
            [
                (
                    0,
                    "file",
                    _("the database refused a value: %(error)s") % {"error": str(error).splitlines()[0]},
                )
            ]
        )
    except FileRefused:
        raise
    except UnreadableFile as error:
        outcome.created = outcome.updated = outcome.unchanged = 0
        return outcome.refuse([(0, "file", str(error))])
    return outcome


# The advisory locks of imports: (this class, the crc32 of the extract's kind).
LOCK_CLASS = 20_0101


def _one_at_a_time(kind: str) -> None:
    """Wait until no other import of this kind is running (PostgreSQL), for the rest of the
    transaction. With several workers, two files of one kind would otherwise be checked against the
    same records at once, and the second to write would fail on a key the first one created. Files
    of different kinds still import side by side. (SQLite runs one writer at a time anyway.)"""
    lock_until_commit(LOCK_CLASS, kind)


def lock_until_commit(lock_class: int, name: str) -> None:
    """On PostgreSQL, wait for the advisory lock (lock_class, name) and hold it until the
    transaction ends; SQLite runs one writer at a time anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [lock_class, lock_key(name)])


def lock_key(name: str) -> int:
    """The second key of an advisory lock: a signed 32-bit number from a name (an import's kind)."""
    return zlib.crc32(name.encode()) - (1 << 31)


def parse_in_database() -> bool:
    """PostgreSQL reads the file's cells itself (indatabase.py); SQLite reads them in Python."""
    return connection.vendor == "postgresql" and settings.IMPORT_PARSE_IN_DATABASE


def _read_in_database(extract, path, file_name, table, mapping, outcome, progress, keep_errors):
    staging = Staging(extract, problems=True)
    errors = _Errors(keep_errors)
    file = FileInDatabase(extract, staging, mapping, preview_rows=PREVIEW_ROWS)
    file.load(path, file_name, table, progress)
    outcome.rows = file.read()
    outcome.preview = [
        [_shown(column, cell) for column, cell in zip(extract.columns, row)] for row in file.preview
    ]
    for row, column_name, reason_text in file.problems():
        errors.add(row, column_name, reason_text)
    return staging, errors


def _read_in_python(extract, table, mapping, outcome, progress, keep_errors):
    staging = Staging(extract)
    errors = _Errors(keep_errors)
    batch: list[tuple[int, dict[str, Any]]] = []
    columns = list(zip(extract.columns, mapping))
    for number, cells in table.rows:
        outcome.rows += 1
        values, bad, faulty = {}, False, set()
        for column, position in columns:
            text = cells[position] if position is not None and position < len(cells) else ""
            if isinstance(text, CellProblem):
                errors.add(number, column.name, str(text))
                bad = True
                faulty.add(column.name)
                continue
            if not text:
                if column.required:
                    errors.add(number, column.name, _("a value is required"))
                    bad = True
                    faulty.add(column.name)
                values[column.name] = column.default
                continue
            try:
                values[column.name] = column.parse(text)
            except ValueError as error:
                errors.add(number, column.name, str(error))
                bad = True
                faulty.add(column.name)
        if len(outcome.preview) < PREVIEW_ROWS:
            outcome.preview.append(
                [
                    _shown(column, cells[position] if position is not None and position < len(cells) else "")
                    for column, position in columns
                ]
            )
        if not bad:
            staged, row_errors = extract.stage(values)
            for column_name, reason_text in row_errors:
                errors.add(number, column_name, reason_text)
                faulty.add(column_name)
            bad = bool(row_errors)
        if bad:
            # Still staged, with what can be looked up, so its references are checked too and
            # the person fixing the file learns every problem of the row at once.
            staged = {
                ref.source: values.get(ref.source) for ref in extract.references if ref.column not in faulty
            }
            staged["invalid"] = True
        batch.append((number, staged))
        if len(batch) >= BATCH:
            staging.load(batch)
            batch.clear()
            if progress:
                progress(outcome.rows, table.position(), table.size)
    staging.load(batch)
    if progress:
        progress(outcome.rows, table.size, table.size)
    return staging, errors


def _check_and_write(extract, staging, errors, outcome, dry_run, by, reason):
    staging.analyze()
    staging.resolve_references(errors)
    staging.find_duplicates(errors)
    for row, column_name, reason_text in extract.check(staging):
        errors.add(row, column_name, reason_text)
    if errors.count:
        outcome.errors = sorted(errors.kept)
        outcome.error_count, outcome.invalid_rows = errors.count, len(errors.rows)
        raise _Rollback(outcome)
    counts = staging.classify()
    outcome.created = counts.get(CREATED, 0)
    outcome.updated = counts.get(CHANGED, 0)
    outcome.unchanged = counts.get(UNCHANGED, 0)
    if dry_run:
        if extract.approval:
            # In the department's language, whoever checks it: the approval compares them again.
            with translation.override(settings.LANGUAGE_CODE):
                outcome.changes = extract.changes(staging)
        raise _Rollback(outcome)
    if outcome.created or outcome.updated:
        with ExitStack() as hooks:
            for hook in write_hooks():
                hooks.enter_context(hook(extract, staging))
            extract.write(staging, by=by, reason=reason)
            if outcome.created + outcome.updated >= ANALYZE_AFTER:
                staging.analyze_target()
    staging.drop()
    outcome.written = True


__all__ = ["Outcome", "Staging", "extract_import"]
