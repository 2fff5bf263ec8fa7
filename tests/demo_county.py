"""The demo county for a test module: loaded once, inside a transaction rolled back at the end.

A module's tests that read it take `db` too: pytest-django runs database tests first and the
others last, after tests that flush the database (and with it the role groups the logins need);
taking `db` keeps the module's tests together, under one loading."""

import contextlib
import io

from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings


def load(**options) -> str:
    """Run load_demo; return what it printed."""
    out = io.StringIO()
    call_command("load_demo", stdout=out, **options)
    return out.getvalue()


@contextlib.contextmanager
def demo_county(django_db_blocker, *, password: str):
    """Yield what load_demo printed, with the county in the database until the block ends."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            with override_settings(DEBUG=True):
                output = load(password=password)
            # Check the deferred foreign keys now, once: otherwise every test's teardown (which
            # checks them inside its savepoint, then rolls it back) would check them all again.
            connection.check_constraints()
            yield output
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
