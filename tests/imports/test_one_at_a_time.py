"""With several workers, two files of one kind are imported one after the other (each would check
its rows against the records the other is creating); files of different kinds side by side. On
PostgreSQL: an advisory lock per kind, for the import's transaction."""

import threading

import pytest
from django.db import connection, connections

from ebank.imports.engine import LOCK_CLASS, extract_import, lock_key
from tests.processes import second_connection


@pytest.mark.django_db(transaction=True)
def test_an_import_waits_for_another_of_its_kind_and_not_for_others(write):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time")
    from django.apps import apps

    from ebank.org.roles import groups_sync

    groups_sync(apps)  # the role groups, which an earlier transactional test's flush removed
    branches = write("branches.csv", "code,name,parent_code\n901,新联社,\n902,新信用社,901\n")
    plan = write("plan.csv", "year,metric,weight,cap,mode\n2031,cards_total,10,,\n")
    other = second_connection()
    outcomes = {}

    def run():
        try:
            outcomes["branches"] = extract_import(kind="branches", path=branches)
        finally:
            connections.close_all()

    try:
        with other.cursor() as cursor:  # another import of branches, still running
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_CLASS, lock_key("branches")])
        waiting = threading.Thread(target=run)
        waiting.start()
        waiting.join(3)
        assert waiting.is_alive() and "branches" not in outcomes  # it waits

        # A file of another kind is not held up.
        assert extract_import(kind="assessment_plan", path=plan).created == 1

        other.rollback()  # the other import ends
        waiting.join(60)
        assert not waiting.is_alive()
        assert outcomes["branches"].created == 2
    finally:
        other.close()
