"""Reading an extract in PostgreSQL: the file's text goes into the database with COPY, and every
cell is checked and converted there, set-based, by the same declarations as the Python path
(columns.py's kinds, rules.py's rules and derived values).

1. COPY the file into a temporary table of text columns, numbered as the Python reader numbers
   its rows:
   - straight from the file's bytes when it is UTF-8 CSV without a quote character (every cell is
     then split the same way by Python's csv module and by PostgreSQL);
   - otherwise through the Python reader, converted on the way (GB18030 decoded, quoted cells
     split by the csv module, XLSX cells as the reader gives them), which is also where a file
     COPY refuses (a blank line, a short row) goes.
2. A card number, an ID number or a date repeats (a card in each month's balances): the distinct
   values of such a column are checked, hashed, masked and looked up once each, into a table of
   their own (key, first broken rule, derived values, the id of what a value names).
3. One INSERT … SELECT reads every cell: the reason of each cell that breaks its column's rules
   (the first one, as parse() reports it), the typed value of each other one, the extract's own
   rules on rows whose cells were all read, the derived values (pgcrypto's hmac() with the key
   read from a table loaded by COPY, so it is in no statement, log or parameter list), per
   invalid row its (column, reason) list, and by joins the references and the target's record of
   each row, so its action (where each join finds at most one row: _Lookups).
4. The engine goes on as after the Python path: references not yet looked up, duplicates, the
   extract's checks, the merge.
"""

import csv
import datetime
import io
import json
import uuid
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import UniqueConstraint
from django.utils.translation import gettext as _

from .readers import MAX_CELL_CHARS, CellProblem, Table, open_table
from .rules import Derived, reason_text
from .spec import CHANGED, CREATED, UNCHANGED
from .sql import lit, strip

STRAIGHT_MAX_COLUMNS = 1_000  # a wider header goes through the reader (PostgreSQL: 1,600 columns)
CHUNK = 1 << 20
# Memory for the hashes of one import's statements (its distinct card numbers, the target's keys):
# with PostgreSQL's default of 4 MB, a county's 150,000 cards are hashed in batches on disk.
WORK_MEM = "256MB"
TRANSCODE_BATCH = 50_000


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


class _Progress(io.RawIOBase):
    """The file as COPY reads it, reporting how far it got (rows estimated from line ends)."""

    def __init__(self, stream, size, progress):
        self.stream, self.size, self.progress = stream, size, progress
        self.read_bytes = self.lines = 0

    def readable(self):
        return True

    def read(self, size=-1):
        chunk = self.stream.read(CHUNK if size is None or size < 0 else max(size, CHUNK))
        self.read_bytes += len(chunk)
        self.lines += chunk.count(b"\n")
        if self.progress:
            self.progress(max(self.lines - 1, 0), self.read_bytes, self.size)
        return chunk


def _straight(path, file_name, table: Table) -> bool:
    """Whether COPY may read the file's own bytes (see the module's docstring)."""
    name = (file_name or path.name).lower()
    if name.endswith(".xlsx") or table.encoding not in ("utf-8-sig", "utf-8"):
        return False
    if len(table.header) > STRAIGHT_MAX_COLUMNS:
        return False
    with open(path, "rb") as stream:
        while chunk := stream.read(CHUNK):
            if b'"' in chunk or b"\\." in chunk:  # a quote; COPY's end-of-data marker
                return False
    return True


class _Lookups:
    """The references and the target's record a row matches, looked up by joins in the statement
    that fills the staging table, with each row's action (created, changed, unchanged), instead of
    by the engine's UPDATEs of the whole staging table after it (each a rewrite of every row).

    Only where a join finds at most one row (the looked-up field unique, the target's key held
    unique by a constraint) and no reference may name an earlier row of the file; otherwise
    `folded` is False and the engine looks them up as on the Python path."""

    def __init__(self, extract, staging, names: list[str], looked_up: dict[str, str]):
        self.columns: list[str] = []
        self.values: list[str] = []
        self.joins = ""
        self.folded = False
        staged = {name: f"st{k}" for k, name in enumerate(names)}
        meta = staging.model._meta
        if not all(_single(r) and r.source in staged for r in extract.references):
            return
        if not _unique(meta, extract.key):
            return
        joins = []
        for j, reference in enumerate(extract.references):
            if reference.target in looked_up:  # once per distinct value, by the per-value table
                found = (
                    f"CASE WHEN {staged[reference.source]} IS NOT NULL THEN {looked_up[reference.target]} END"
                )
                staged[reference.target] = found
                self.columns.append(reference.target)
                self.values.append(found)
                continue
            joins.append(_reference_join(reference, f"ref{j}", staged[reference.source]))
            staged[reference.target] = f"ref{j}.id"
            self.columns.append(reference.target)
            self.values.append(f"ref{j}.id")
        if not all(f in staged for f in (*extract.key, *extract.fields)):
            self.columns, self.values = [], []
            return
        match = " AND ".join(f"tgt.{_quote(k)} = {staged[k]}" for k in extract.key)
        joins.append(f"LEFT JOIN {meta.db_table} AS tgt ON {match}")
        same = " AND ".join(f"tgt.{_quote(f)} IS NOT DISTINCT FROM {staged[f]}" for f in extract.fields)
        self.columns += ["target_id", "action"]
        self.values += [
            "tgt.id",
            f"CASE WHEN tgt.id IS NULL THEN {CREATED} WHEN {same} THEN {UNCHANGED} ELSE {CHANGED} END",
        ]
        self.joins = " ".join(joins)
        self.folded = True


def _reference_join(reference, alias: str, value: str) -> str:
    """The referenced table joined as `alias` on its looked-up field equal to `value`."""
    return (
        f"LEFT JOIN {reference.model._meta.db_table} AS {alias} "
        f"ON {alias}.{_quote(reference.lookup)} = {value}"
    )


def _single(reference) -> bool:
    """Whether a reference finds at most one row by a join (and never an earlier row of the file)."""
    meta = reference.model._meta
    return not reference.earlier_in_file and _unique(meta, [meta.get_field(reference.lookup).attname])


def _unique(meta, attnames) -> bool:
    """Whether the model holds this set of columns unique (a unique field, a constraint)."""
    wanted = set(attnames)
    if len(wanted) == 1 and any(f.attname in wanted and f.unique for f in meta.concrete_fields):  # or pk
        return True
    sets = [set(fields) for fields in meta.unique_together]
    sets += [
        set(c.fields) for c in meta.constraints if isinstance(c, UniqueConstraint) and c.condition is None
    ]
    return any({meta.get_field(name).attname for name in fields} == wanted for fields in sets)


class FileInDatabase:
    """One import's raw table and the statement that reads it into the staging table."""

    def __init__(self, extract, staging, mapping: list[int | None], *, preview_rows: int):
        self.extract, self.staging, self.mapping = extract, staging, mapping
        self.preview_rows = preview_rows
        self.raw = f"raw_{extract.kind}_{uuid.uuid4().hex[:8]}"
        self.straight = False
        self.width = 0
        self.preview: list[list[str]] = []
        # References looked up once per distinct value: {staging target: its column}.
        self.looked_up: dict[str, str] = {}

    # -- 1. the file into the raw table ------------------------------------------------------

    def load(self, path, file_name, table: Table, progress) -> None:
        self.width = len(table.header)
        self._execute(f"SET LOCAL work_mem = '{WORK_MEM}'")  # until the import's transaction ends
        columns = ", ".join(f"c{i} text" for i in range(self.width))
        self._execute(
            f"CREATE TEMPORARY TABLE {self.raw} (row_no bigserial, {columns}, problems jsonb) ON COMMIT DROP"
        )
        if _straight(path, file_name, table):
            self._preview_from(table)
            table.close()
            try:
                with transaction.atomic(), open(path, "rb") as stream:
                    self._copy(
                        f"COPY {self.raw} ({self._all()}) FROM STDIN WITH (FORMAT csv, HEADER true)",
                        _Progress(stream, table.size, progress),
                    )
                self.straight = True
            except DatabaseError:
                # COPY refused the file's shape: the reader reads it as the Python path does.
                table = open_table(path, file_name)
        if not self.straight:
            self.preview = []
            self._transcode(table, progress)

    def _all(self) -> str:
        return ", ".join(f"c{i}" for i in range(self.width))

    def _mapped(self) -> list[int]:
        return sorted({p for p in self.mapping if p is not None})

    def _transcode(self, table: Table, progress) -> None:
        positions = self._mapped()
        names = ", ".join(["row_no", *(f"c{p}" for p in positions), "problems"])
        buffer, count, rows = io.StringIO(), 0, 0
        writer = csv.writer(buffer)
        for number, cells in table.rows:
            rows += 1
            if len(self.preview) < self.preview_rows:
                self.preview.append(
                    [cells[p] if p is not None and p < len(cells) else "" for p in self.mapping]
                )
            texts, problems = [], None
            for p in positions:
                cell = cells[p] if p < len(cells) else ""
                if isinstance(cell, CellProblem):
                    problems = problems or {}
                    problems[str(p)] = str(cell)
                    cell = ""
                texts.append(cell)
            writer.writerow([number, *texts, json.dumps(problems, ensure_ascii=False) if problems else ""])
            count += 1
            if count >= TRANSCODE_BATCH:
                self._flush(buffer, names)
                buffer, count = io.StringIO(), 0
                writer = csv.writer(buffer)
                if progress:
                    progress(rows, table.position(), table.size)
        self._flush(buffer, names)
        if progress:
            progress(rows, table.size, table.size)

    def _flush(self, buffer: io.StringIO, names: str) -> None:
        buffer.seek(0)
        self._copy(f"COPY {self.raw} ({names}) FROM STDIN WITH (FORMAT csv)", buffer)

    def _preview_from(self, table: Table) -> None:
        """The first rows as the Python reader gives them (the preview shows them); read from the
        file's start, not from the raw table, which has no order to take them by without a sort."""
        for _number, cells in table.rows:
            self.preview.append([cells[p] if p is not None and p < len(cells) else "" for p in self.mapping])
            if len(self.preview) >= self.preview_rows:
                break

    def _not_blank(self) -> str:
        """A row of the raw table with text in some cell (the reader skips a blank one, counting
        it), as a condition on the first step: the mapped cells as read, the others stripped."""
        mapped = {p: i for i, p in reversed(list(enumerate(self.mapping))) if p is not None}
        cells = [
            f"cell{mapped[p]} IS NOT NULL" if p in mapped else f"COALESCE({strip(f'c{p}')}, '') <> ''"
            for p in sorted(range(self.width), key=lambda p: p not in mapped)
        ]
        return "(" + " OR ".join(cells) + ")"

    # -- 2. every cell read, in one statement ------------------------------------------------

    def read(self) -> int:
        """Fill the staging table; return the number of rows read. The hash key is loaded once for
        both statements that hash (the per-value tables, the staging table's)."""
        with self._key():
            return self._read()

    def _read(self) -> int:
        extract = self.extract
        columns = list(zip(extract.columns, self.mapping))
        per_value = self._per_value_tables(columns)
        required = _("a value is required")
        too_long = _("the cell holds more than %(n)s characters") % {"n": f"{MAX_CELL_CHARS:,}"}
        cells, errors, values, joins = [], [], [], []
        for i, (column, position) in enumerate(columns):
            cells += [f"{self._cell(position)} AS cell{i}"]
            if position is not None and self.straight:
                raw = f"r.c{position}"
                # Its bytes first: a cell of fewer bytes than the limit holds fewer characters.
                long = f"octet_length({raw}) > {MAX_CELL_CHARS} AND char_length({raw}) > {MAX_CELL_CHARS}"
                too_long_sql = f"CASE WHEN {long} THEN {lit(too_long)} END"
                cells.append(f"{too_long_sql} AS problem{i}")
            elif position is not None:
                cells.append(f"(r.problems ->> '{position}') AS problem{i}")
            else:
                cells.append(f"NULL::text AS problem{i}")
            cell, problem = f"cell{i}", f"problem{i}"
            branches = [f"WHEN {problem} IS NOT NULL THEN {problem}"]
            branches.append(f"WHEN {cell} IS NULL THEN {lit(required) if column.required else 'NULL'}")
            if i in per_value:
                joins.append(f"LEFT JOIN {per_value[i]} ON key{i} = {cell}")
                branches.append(f"ELSE check{i}")
            else:
                branches += [
                    f"WHEN {condition} THEN {reason}" for condition, reason in column.parse.sql_checks(cell)
                ]
            errors.append(f"CASE {' '.join(branches)} END AS error{i}")
            typed = f"CASE WHEN {cell} IS NOT NULL THEN {column.parse.sql_value(cell)} END"
            if column.default is not None:
                typed = f"COALESCE({typed}, {lit(column.default)})"
            values.append(f"CASE WHEN error{i} IS NULL THEN {typed} END AS value{i}")
        index = {column.name: i for i, column in enumerate(extract.columns)}

        def ref(name: str) -> str:
            return f"value{index[name]}"

        cells_ok = " AND ".join(f"error{i} IS NULL" for i in range(len(columns))) or "TRUE"
        rules = [
            f"CASE WHEN cells_ok AND {rule.when.sql(ref)} THEN {lit(reason_text(rule.reason))} END AS rule{j}"
            for j, rule in enumerate(extract.rules)
        ]
        rules_ok = " AND ".join(f"rule{j} IS NULL" for j in range(len(rules))) or "TRUE"
        problems = [
            f"CASE WHEN error{i} IS NOT NULL THEN {lit(column.name + chr(9))} || error{i} END"
            for i, column in enumerate(extract.columns)
        ] + [
            f"CASE WHEN rule{j} IS NOT NULL THEN {lit(rule.column + chr(9))} || rule{j} END"
            for j, rule in enumerate(extract.rules)
        ]
        faulty = {}
        for i, column in enumerate(extract.columns):
            faulty.setdefault(column.name, []).append(f"error{i} IS NOT NULL")
        for j, rule in enumerate(extract.rules):
            faulty.setdefault(rule.column, []).append(f"rule{j} IS NOT NULL")
        looked_up = {
            ref_.source: ref_.column for ref_ in extract.references if ref_.source in index
        }  # an invalid row still stages what can be looked up (engine.py)
        names, staged, names_computed = [], [], []
        for name in extract.staged_names():
            if name in extract.derived:
                derived = extract.derived[name]
                per_column = isinstance(derived, Derived) and index.get(derived.name) in per_value
                computed = f"pv_{name}" if per_column else None
                value = derived.sql_value(ref, computed) if computed else derived.sql_value(ref)
                if computed:
                    names_computed.append(name)
            else:
                value = ref(name)
            if name in looked_up:
                unfaulty = " AND ".join(f"NOT ({c})" for c in faulty.get(looked_up[name], [])) or "TRUE"
                value = f"CASE WHEN ok OR ({unfaulty}) THEN {value} END"
            else:
                value = f"CASE WHEN ok THEN {value} END"
            staged.append(f"CAST({value} AS {self.staging.value_type(name)}) AS st{len(names)}")
            names.append(name)

        # Each step a derived table of the one before (OFFSET 0 keeps PostgreSQL from folding it
        # into the next), carrying on only what the next steps read: every expression is computed
        # once per row and read by name after, and the rows stay narrow.
        count = range(len(columns))
        precomputed = [f"pv_{name}" for name in names_computed] + list(self.looked_up.values())
        errors_out = [f"error{i}" for i in count]
        values_out = [f"value{i}" for i in count]
        rules_out = [f"rule{j}" for j in range(len(rules))]
        unmapped = [f"r.c{p}" for p in range(self.width) if self.straight and p not in self.mapping]
        source = f"(SELECT r.row_no, {', '.join([*cells, *unmapped])} FROM {self.raw} AS r OFFSET 0) AS s0"
        if self.straight:
            source = f"(SELECT * FROM {source} WHERE {self._not_blank()} OFFSET 0) AS s0"
        steps = [  # (what a step carries on, what it adds, what it joins)
            (["row_no", *(f"cell{i}" for i in count), *precomputed], errors, " ".join(joins)),
            (["row_no", *errors_out, *precomputed], [*values, f"({cells_ok}) AS cells_ok"], ""),
            *([(["row_no", *errors_out, *precomputed, *values_out, "cells_ok"], rules, "")] if rules else []),
            (
                ["row_no", *errors_out, *precomputed, *values_out, *rules_out],
                [f"cells_ok AND {rules_ok} AS ok"],
                "",
            ),
            (
                ["row_no", "ok", *self.looked_up.values()],
                [*staged, *(f"{p} AS p{k}" for k, p in enumerate(problems))],
                "",
            ),
        ]
        for k, (carried, added, joined) in enumerate(steps, start=1):
            source = f"(SELECT {', '.join([*carried, *added])} FROM {source} {joined} OFFSET 0) AS s{k}"
        looked = _Lookups(extract, self.staging, names, self.looked_up)
        self.staging.looked_up = looked.folded
        statement = (
            f"INSERT INTO {self.staging.table} "
            f"(row_no, {', '.join(_quote(n) for n in [*names, *looked.columns])}, invalid, problems) "
            f"SELECT row_no, {', '.join([*(f'st{k}' for k in range(len(names))), *looked.values])}, "
            f"CASE WHEN ok THEN NULL ELSE TRUE END, "
            f"CASE WHEN NOT ok THEN array_remove(ARRAY[{', '.join(f'p{k}' for k in range(len(problems)))}]"
            f"::text[], NULL) END "
            f"FROM {source} {looked.joins}"
        )
        return self._execute(statement, {"today": datetime.date.today()})

    def _cell(self, position: int | None) -> str:
        """The text of the cell at `position` (None: no such column), stripped, NULL when empty."""
        if position is None:
            return "NULL::text"
        return f"NULLIF({strip(f'r.c{position}')}, '')" if self.straight else f"NULLIF(r.c{position}, '')"

    def _per_value_tables(self, columns) -> dict[int, str]:
        """For each column whose kind is checked once per distinct value (a card number), a table
        of its distinct values: key{i}, its first broken rule check{i}, and each value derived from
        it alone (pv_NAME: a hash, a mask). Returns {column's index: table}."""
        tables = {}
        for i, (column, position) in enumerate(columns):
            if position is None or not column.parse.per_value:
                continue
            key = f"key{i}"
            checks = " ".join(
                f"WHEN {condition} THEN {reason}" for condition, reason in column.parse.sql_checks(key)
            )
            derived = [
                f"CASE WHEN check{i} IS NULL THEN {d.sql(column.parse.sql_value(key))} END AS pv_{name}"
                for name, d in self.extract.derived.items()
                if isinstance(d, Derived) and d.name == column.name
            ]
            table = f"{self.raw}_v{i}"
            values = (
                f"SELECT {', '.join([key, f'check{i}', *derived])} FROM (SELECT {key}, CASE {checks} END "
                f"AS check{i} FROM (SELECT DISTINCT {self._cell(position)} AS {key} FROM {self.raw} AS r) "
                f"AS d WHERE {key} IS NOT NULL OFFSET 0) AS k"
            )
            looked, joins = [], []
            for j, reference in enumerate(self.extract.references):
                source = self.extract.derived.get(reference.source)
                if not isinstance(source, Derived) or source.name != column.name or not _single(reference):
                    continue
                joins.append(_reference_join(reference, f"ref{j}", f"pv_{reference.source}"))
                looked.append(f"ref{j}.id AS pr_{reference.target}")
                self.looked_up[reference.target] = f"pr_{reference.target}"
            self._execute(
                f"CREATE TEMPORARY TABLE {table} ON COMMIT DROP AS "
                f"SELECT {', '.join(['v.*', *looked])} FROM ({values} OFFSET 0) AS v {' '.join(joins)}",
                {"today": datetime.date.today()},
            )
            self._execute(f"ANALYZE {table}")
            tables[i] = table
        return tables

    def problems(self):
        """Each invalid row's (column, reason) pairs, in row order."""
        for row, pairs in self._fetch(
            f"SELECT row_no, problems FROM {self.staging.table} WHERE invalid ORDER BY row_no"
        ):
            for pair in pairs:
                column, _tab, reason = pair.partition("\t")
                yield row, column, reason

    # -- the hash key ------------------------------------------------------------------------

    class _KeyTable:
        def __enter__(self):
            with connection.cursor() as cursor, connection.wrap_database_errors:
                cursor.execute("CREATE TEMPORARY TABLE IF NOT EXISTS ebank_hash_key (k text) ON COMMIT DROP")
                cursor.execute("TRUNCATE ebank_hash_key")
                cursor.cursor.copy_expert(
                    "COPY ebank_hash_key (k) FROM STDIN WITH (FORMAT text)",
                    io.StringIO(settings.CARD_HASH_KEY.replace("\\", "\\\\") + "\n"),
                )

        def __exit__(self, *exc):
            with connection.cursor() as cursor:
                cursor.execute("TRUNCATE ebank_hash_key")

    def _key(self):
        """The hash key for one statement: in a temporary table, loaded by COPY (its data is in no
        statement, so no log of statements or of Django's queries holds it), emptied after."""
        return self._KeyTable()

    # -- SQL ---------------------------------------------------------------------------------

    def _execute(self, sql: str, params: dict[str, Any] | None = None) -> int:
        with connection.cursor() as cursor:
            cursor.execute(sql.replace("%(hash_key)s", "(SELECT k FROM ebank_hash_key)"), params or {})
            return cursor.rowcount

    def _fetch(self, sql: str) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(sql, {})
            return cursor.fetchall()

    def _copy(self, sql: str, stream) -> None:
        with connection.cursor() as cursor, connection.wrap_database_errors:
            cursor.cursor.copy_expert(sql, stream, size=CHUNK)
