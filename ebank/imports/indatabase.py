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
2. One INSERT … SELECT reads every cell: the reason of each cell that breaks its column's rules
   (the first one, as parse() reports it), the typed value of each other one, the extract's own
   rules on rows whose cells were all read, the derived values (pgcrypto's hmac() with the key
   read from a table loaded by COPY, so it is in no statement, log or parameter list), and per
   invalid row its (column, reason) list.
3. The engine goes on as after the Python path: references, duplicates, checks, the merge.
"""

import csv
import datetime
import io
import json
import uuid
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils.translation import gettext as _

from .readers import MAX_CELL_CHARS, CellProblem, Table, open_table, text_cell
from .rules import reason_text
from .sql import lit, strip

STRAIGHT_MAX_COLUMNS = 1_000  # a wider header goes through the reader (PostgreSQL: 1,600 columns)
CHUNK = 1 << 20
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


class FileInDatabase:
    """One import's raw table and the statement that reads it into the staging table."""

    def __init__(self, extract, staging, mapping: list[int | None], *, preview_rows: int):
        self.extract, self.staging, self.mapping = extract, staging, mapping
        self.preview_rows = preview_rows
        self.raw = f"raw_{extract.kind}_{uuid.uuid4().hex[:8]}"
        self.straight = False
        self.width = 0
        self.preview: list[list[str]] = []

    # -- 1. the file into the raw table ------------------------------------------------------

    def load(self, path, file_name, table: Table, progress) -> None:
        self.width = len(table.header)
        columns = ", ".join(f"c{i} text" for i in range(self.width))
        self._execute(
            f"CREATE TEMPORARY TABLE {self.raw} (row_no bigserial, {columns}, problems jsonb) ON COMMIT DROP"
        )
        if _straight(path, file_name, table):
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
            self._transcode(table, progress)
        self._read_preview()

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

    def _read_preview(self) -> None:
        """The first rows as the Python reader gives them (the preview shows them)."""
        if not self.straight:
            return
        rows = self._fetch(
            f"SELECT {self._all()} FROM {self.raw} WHERE NOT {self._blank()} "
            f"ORDER BY row_no LIMIT {self.preview_rows}"
        )
        for raw in rows:
            cells = [text_cell(value or "") for value in raw]
            self.preview.append([cells[p] if p is not None else "" for p in self.mapping])

    def _blank(self, alias: str = "") -> str:
        """A row of the raw table with no text in any cell (the reader skips it, counting it)."""
        cells = [f"COALESCE({strip(f'{alias}c{i}')}, '') = ''" for i in range(self.width)]
        return "(" + " AND ".join(cells) + ")"

    # -- 2. every cell read, in one statement ------------------------------------------------

    def read(self) -> int:
        """Fill the staging table; return the number of rows read."""
        extract = self.extract
        columns = list(zip(extract.columns, self.mapping))
        required = _("a value is required")
        too_long = _("the cell holds more than %(n)s characters") % {"n": f"{MAX_CELL_CHARS:,}"}
        cells, errors, values = [], [], []
        for i, (column, position) in enumerate(columns):
            if position is None:
                cells += ["NULL::text", "NULL::text"]
            elif self.straight:
                raw = f"r.c{position}"
                cells += [
                    f"NULLIF({strip(raw)}, '')",
                    f"CASE WHEN char_length({raw}) > {MAX_CELL_CHARS} THEN {lit(too_long)} END",
                ]
            else:
                cells += [f"NULLIF(r.c{position}, '')", f"(r.problems ->> '{position}')"]
            cell, problem = f"t.cell{i}", f"t.problem{i}"
            branches = [f"WHEN {problem} IS NOT NULL THEN {problem}"]
            branches.append(f"WHEN {cell} IS NULL THEN {lit(required) if column.required else 'NULL'}")
            branches += [
                f"WHEN {condition} THEN {reason}" for condition, reason in column.parse.sql_checks(cell)
            ]
            errors.append(f"CASE {' '.join(branches)} END")
            typed = f"CASE WHEN {cell} IS NOT NULL THEN {column.parse.sql_value(cell)} END"
            if column.default is not None:
                typed = f"COALESCE({typed}, {lit(column.default)})"
            values.append(f"CASE WHEN e.error{i} IS NULL THEN {typed} END")
        index = {column.name: i for i, column in enumerate(extract.columns)}

        def ref(name: str) -> str:
            return f"v.value{index[name]}"

        cells_ok = " AND ".join(f"e.error{i} IS NULL" for i in range(len(columns))) or "TRUE"
        rules = [
            f"CASE WHEN v.cells_ok AND {rule.when.sql(ref)} THEN {lit(reason_text(rule.reason))} END"
            for rule in extract.rules
        ]
        rules_ok = " AND ".join(f"u.rule{j} IS NULL" for j in range(len(rules))) or "TRUE"
        problems = [
            f"CASE WHEN e.error{i} IS NOT NULL THEN {lit(column.name + chr(9))} || e.error{i} END"
            for i, column in enumerate(extract.columns)
        ] + [
            f"CASE WHEN u.rule{j} IS NOT NULL THEN {lit(rule.column + chr(9))} || u.rule{j} END"
            for j, rule in enumerate(extract.rules)
        ]
        faulty = {}
        for i, column in enumerate(extract.columns):
            faulty.setdefault(column.name, []).append(f"e.error{i} IS NOT NULL")
        for j, rule in enumerate(extract.rules):
            faulty.setdefault(rule.column, []).append(f"u.rule{j} IS NOT NULL")
        looked_up = {
            ref_.source: ref_.column for ref_ in extract.references if ref_.source in index
        }  # an invalid row still stages what can be looked up (engine.py)
        names, staged = [], []
        for name in extract.staged_names():
            value = extract.derived[name].sql_value(ref) if name in extract.derived else ref(name)
            if name in looked_up:
                unfaulty = " AND ".join(f"NOT ({c})" for c in faulty.get(looked_up[name], [])) or "TRUE"
                staged.append(f"CASE WHEN u.ok OR ({unfaulty}) THEN {value} END")
            else:
                staged.append(f"CASE WHEN u.ok THEN {value} END")
            names.append(name)

        def lateral(items: list[str], prefix: str, extra: str = "") -> str:
            listed = [f"{item} AS {prefix}{k}" for k, item in enumerate(items)]
            return f"SELECT {', '.join([*listed, extra] if extra else listed) or 'TRUE'} OFFSET 0"

        cell_items = [
            f"{cells[2 * k]} AS cell{k}, {cells[2 * k + 1]} AS problem{k}" for k in range(len(columns))
        ]
        blank = f"WHERE NOT {self._blank('r.')}" if self.straight else ""
        statement = (
            f"INSERT INTO {self.staging.table} "
            f"(row_no, {', '.join(_quote(n) for n in names)}, invalid, problems) "
            f"SELECT r.row_no, {', '.join(staged) or ''}{', ' if staged else ''}"
            f"CASE WHEN u.ok THEN NULL ELSE TRUE END, "
            f"CASE WHEN NOT u.ok THEN array_remove(ARRAY[{', '.join(problems)}]::text[], NULL) END "
            f"FROM {self.raw} AS r "
            f"CROSS JOIN LATERAL (SELECT {', '.join(cell_items) or 'TRUE'} OFFSET 0) AS t "
            f"CROSS JOIN LATERAL ({lateral(errors, 'error')}) AS e "
            f"CROSS JOIN LATERAL ({lateral(values, 'value', f'({cells_ok}) AS cells_ok')}) AS v "
            f"CROSS JOIN LATERAL ({lateral(rules, 'rule')}) AS w "
            f"CROSS JOIN LATERAL (SELECT v.cells_ok AND {rules_ok.replace('u.', 'w.')} AS ok, w.* "
            f"OFFSET 0) AS u "
            f"{blank}"
        )
        with self._key():
            return self._execute(statement, {"today": datetime.date.today()})

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
