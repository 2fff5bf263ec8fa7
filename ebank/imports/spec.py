"""How an extract is declared: its columns, its key, its references, and where it is written.

An app declares each extract it receives in its `imports.py` (a subclass of `Extract`, registered
with `register`); the engine (engine.py) does the rest the same way for every kind.
"""

from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Callable

from django.db import models

from .columns import Column
from .rules import Choose, Derived, Rule, reason_text

_REGISTRY: dict[str, "Extract"] = {}

# What an import does with a row of the file (the staging table's `action`).
CREATED, CHANGED, UNCHANGED = 1, 2, 0


@dataclass(frozen=True)
class Reference:
    """A column that names another object, resolved to its id in the database.

    `source` is the staging column holding the value looked up (a code, a hash); `lookup` the
    referenced model's field it is matched against; `target` the staging column (the target
    model's attname) that receives the id. `display` names the staging column shown in an error
    instead of `source` (a masked card number instead of its hash). With `earlier_in_file`, the
    value may instead name a row earlier in the same file, whose `file_key` column holds it.
    """

    column: str
    source: str
    model: type[models.Model]
    lookup: str
    target: str
    display: str | None = None
    earlier_in_file: bool = False
    file_key: str | None = None


class Extract:
    """One kind of extract of docs/extracts.md."""

    kind: str
    title: str
    model: type[models.Model]
    columns: list[Column]
    # Staging columns that identify a row within the file (for duplicate detection), and the
    # extract column a duplicate is reported under.
    natural_key: tuple[str, ...]
    key_column: str
    # Target attnames that identify a record in the database (after references are resolved).
    key: tuple[str, ...]
    # Target attnames written from the staging table (the key included).
    fields: tuple[str, ...]
    # Further staging columns: name -> "text", "id" or "date".
    extra: dict[str, str] = {}
    references: list[Reference] = []
    # "history": the model has simple-history and each created/changed record gets a history row.
    # None: the ImportRun is the record (used for very large tables; see the extract's docstring).
    record: str | None = "history"
    # Four eyes: a file of this extract uploaded in the browser (or a page's change made through
    # it) is applied only once a second person approves it; the command line applies directly.
    approval: bool = False

    # The extract's own rules (rules.py), tested on each row whose every cell was read.
    rules: list[Rule] = []
    # Staging values computed from the columns (a hash, a mask, a date); every other staging
    # column named like an extract column receives that column's value.
    derived: dict[str, Derived | Choose] = {}

    def staged_names(self) -> list[str]:
        """The staging columns a row fills (the references' targets are filled later)."""
        names = {column.name for column in self.columns}
        return [n for n in (*self.fields, *self.extra) if n in self.derived or n in names]

    def stage(self, values: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        """Turn one parsed row into staging values, or return its (column, reason) errors.

        `values` holds every column's parsed value (an empty cell: the column's default)."""
        errors = [(rule.column, reason_text(rule.reason)) for rule in self.rules if rule.when.test(values)]
        if errors:
            return {}, errors
        return {
            name: self.derived[name].value(values) if name in self.derived else values[name]
            for name in self.staged_names()
        }, []

    def changes(self, staging) -> list[list[str]]:
        """What the file would change, as a reviewer reads it: [what, old value, new value] per
        row created or changed (after staging.classify(); the extracts that need approval)."""
        return []

    def check(self, staging) -> list[tuple[int, str, str]]:
        """Further checks that need the database or the whole file: (row, column, reason)."""
        return []

    def write(self, staging, *, by, reason: str) -> None:
        """Write the checked rows: change what changed, create what is new, put it on record."""
        staging.update_changed()
        staging.insert_created(ids=self.record == "history")
        if self.record == "history":
            staging.record_history(by=by, reason=reason)


# What runs around every import's write, in its transaction: hook(extract, staging) is a context
# manager entered before the write and left after it. Declared by what keeps something in step
# with the imported tables (reports' rollups: reports/rollups.py), collected here.
_AROUND_WRITE: list[Callable[[Extract, Any], AbstractContextManager]] = []


def around_write(hook: Callable[[Extract, Any], AbstractContextManager]) -> None:
    """Run `hook` around every import's write (once, however often it is declared)."""
    if hook not in _AROUND_WRITE:
        _AROUND_WRITE.append(hook)


def write_hooks() -> list[Callable[[Extract, Any], AbstractContextManager]]:
    return list(_AROUND_WRITE)


def register(extract_class: type[Extract]) -> type[Extract]:
    """Register an extract kind (a class decorator)."""
    _REGISTRY[extract_class.kind] = extract_class()
    return extract_class


def extract_for(kind: str) -> Extract:
    try:
        return _REGISTRY[kind]
    except KeyError:
        raise LookupError(kind) from None


def extract_kinds() -> list[str]:
    return sorted(_REGISTRY)
