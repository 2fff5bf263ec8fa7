"""The biggest tables (balances, terminal and service-point transactions, transfers) carry no
FOREIGN KEY in the database: its check would lock the referenced row for each of their millions
of rows (docs/performance.md). That is safe only while what they refer to is never deleted, and
every reference of theirs is resolved by the import: both are held here."""

import pytest
from django.contrib import admin
from django.test import RequestFactory

from cards.models import CardBalance
from netbanking.models import Transfer
from terminals.models import ServicePointTxn, TerminalTxn

FACTS = [(CardBalance, "card"), (TerminalTxn, "terminal"), (Transfer, "customer"), (ServicePointTxn, "point")]


@pytest.mark.parametrize("model, name", FACTS)
def test_a_fact_tables_parent_is_never_deleted(db, model, name, django_user_model):
    field = model._meta.get_field(name)
    assert field.db_constraint is False
    parent = field.related_model
    superuser = django_user_model(username="root", is_superuser=True, is_staff=True)
    request = RequestFactory().get("/")
    request.user = superuser
    assert not admin.site._registry[parent].has_delete_permission(request)
    assert not admin.site._registry[model].has_delete_permission(request)
    # Nor does an extract delete: the engine only updates and inserts (ebank/imports/engine.py).
