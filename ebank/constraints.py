"""Database constraints the areas share."""

from django.db import models
from django.db.models import Q


def present_iff(field: str, *, name: str, **when) -> models.CheckConstraint:
    """`field` is set exactly when the row matches `when` (a closing date iff the status is closed)."""
    return models.CheckConstraint(
        condition=Q(**when, **{f"{field}__isnull": False}) | (~Q(**when) & Q(**{f"{field}__isnull": True})),
        name=name,
    )


def fact_reference(to, **options) -> models.ForeignKey:
    """The reference of a row of one of the biggest tables (balances, terminal and service-point
    transactions, transfers) to what it is about: no FOREIGN KEY in the database, whose check
    locks the referenced row for each of millions of imported rows (14 of the 21 s of inserting a
    county year's balances: docs/performance.md). The import resolves every reference by a join in
    the same transaction, and the referenced rows are never deleted (no delete in the admin, none
    by an extract: tests/imports/test_fact_tables.py); the ORM still applies on_delete. Not
    indexed alone: each table's own index leads with it."""
    return models.ForeignKey(to, db_index=False, db_constraint=False, **options)


def unique_code(field: str, *, name: str) -> models.UniqueConstraint:
    """A code unique in its table (a transaction's reference), as a constraint of the model's Meta
    rather than `unique=True`, which on PostgreSQL adds beside the unique index a second index of
    the column for LIKE 'x%' (varchar_pattern_ops): no lookup here uses it (each is exact), and on
    a table of millions of imported rows every index costs each row."""
    return models.UniqueConstraint(fields=[field], name=name)
