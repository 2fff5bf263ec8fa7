"""Staff find a transaction by its reference in the admin: the exact reference, by the unique
index, never a scan of millions of rows with UPPER() on each."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.netbanking.factories import CustomerFactory, TransferFactory
from tests.terminals.factories import (
    ServicePointFactory,
    ServicePointTxnFactory,
    TerminalFactory,
    TerminalTxnFactory,
)


@pytest.mark.parametrize(
    "admin_name,make",
    [
        (
            "terminals_terminaltxn",
            lambda tree, ref: TerminalTxnFactory(terminal=TerminalFactory(branch=tree["a"]), reference=ref),
        ),
        (
            "terminals_servicepointtxn",
            lambda tree, ref: ServicePointTxnFactory(
                point=ServicePointFactory(branch=tree["a"]), reference=ref
            ),
        ),
        (
            "netbanking_transfer",
            lambda tree, ref: TransferFactory(customer=CustomerFactory(branch=tree["a"]), reference=ref),
        ),
    ],
)
def test_a_reference_finds_its_one_row(staff_client, tree, admin_name, make):
    wanted = make(tree, "R2011060100000042")
    make(tree, "R2011060100000043")
    with CaptureQueriesContext(connection) as queries:
        page = staff_client.get(reverse(f"admin:{admin_name}_changelist"), {"q": "R2011060100000042"})
    assert page.status_code == 200
    assert list(page.context["cl"].result_list) == [wanted]
    searched = [q["sql"] for q in queries if "R2011060100000042" in q["sql"]]
    assert searched and all('"reference" = ' in sql for sql in searched)  # not UPPER(…) = UPPER(…), not LIKE
