"""Merchants, terminals and their transactions; the dormant-POS rule of docs/kpi.md and the
branch's reclaim workflow."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from ebank import pii
from ebank.imports.engine import extract_import
from terminals import services
from terminals.models import DormantPosReview, Merchant, Terminal, TerminalTxn
from terminals.selectors import dormancy_window_start, dormant_pos
from terminals.tasks import dormant_pos_refresh_task
from tests.cards.factories import card_number
from tests.terminals.factories import TerminalFactory, TerminalTxnFactory

E = datetime.date(2011, 12, 31)


def local(*args):
    return timezone.make_aware(datetime.datetime(*args))


# --- extracts -----------------------------------------------------------------------------------

MERCHANTS = "merchant_no,name,branch_code,mcc,signed_on,status,terminated_on\n"
TERMINALS = (
    "terminal_no,kind,serial_no,model,branch_code,merchant_no,location,installed_on,status,removed_on\n"
)
TXNS = "reference,terminal_no,txn_at,txn_type,amount,fee,card_no\n"


@pytest.fixture
def fleet(tree, write):
    extract_import(
        kind="merchants",
        path=write("m.csv", MERCHANTS + "M00000000000001,寿县粮油,101,5411,2011-01-05,active,\n"),
    )
    extract_import(
        kind="terminals",
        path=write(
            "t.csv",
            TERMINALS
            + "P0000001,pos,SN1,NL-8210,101,M00000000000001,东大街,2011-02-01,in_service,\n"
            + "A0000001,atm,SN2,GRG-H22,10101,,东街分社门口,2011-03-01,in_service,\n",
        ),
    )
    return Terminal.objects.get(terminal_no="P0000001"), Terminal.objects.get(terminal_no="A0000001")


def test_fleet_imports_with_merchant_of_the_pos(fleet):
    pos, atm = fleet
    assert pos.merchant.name == "寿县粮油" and atm.merchant is None


@pytest.mark.parametrize(
    "row,column",
    [
        ("M0001,x,101,5411,2011-01-05,active,", "merchant_no"),
        ("M00000000000002,x,101,541,2011-01-05,active,", "mcc"),
        ("M00000000000002,x,101,5411,2011-01-05,terminated,", "terminated_on"),
        ("M00000000000002,x,101,5411,2011-01-05,active,2011-02-01", "terminated_on"),
        ("M00000000000002,x,999,5411,2011-01-05,active,", "branch_code"),
    ],
)
def test_merchant_rules(tree, write, row, column):
    outcome = extract_import(kind="merchants", path=write("m.csv", MERCHANTS + row + "\n"))
    assert [(r, c) for r, c, _ in outcome.errors] == [(1, column)]


@pytest.mark.parametrize(
    "row,column",
    [
        ("P0000009,pos,SN,NL,101,,x,2011-02-01,in_service,", "merchant_no"),
        ("A0000009,atm,SN,NL,101,M00000000000001,x,2011-02-01,in_service,", "merchant_no"),
        ("P0000009,pos,SN,NL,101,M99999999999999,x,2011-02-01,in_service,", "merchant_no"),
        ("P000009,pos,SN,NL,101,M00000000000001,x,2011-02-01,in_service,", "terminal_no"),
        ("P0000009,pos,SN,NL,101,M00000000000001,x,2011-02-01,removed,", "removed_on"),
        ("P0000009,pos,SN,NL,101,M00000000000001,x,2011-02-01,removed,2011-01-01", "removed_on"),
        ("P0000009,kiosk,SN,NL,101,,x,2011-02-01,in_service,", "kind"),
    ],
)
def test_terminal_rules(fleet, write, row, column):
    outcome = extract_import(kind="terminals", path=write("t2.csv", TERMINALS + row + "\n"))
    assert [(r, c) for r, c, _ in outcome.errors] == [(1, column)]


def test_transactions_import_hashing_card_numbers_of_any_bank(fleet, write):
    other_bank = card_number(prefix="436742", rng=__import__("random").Random(1))
    outcome = extract_import(
        kind="terminal_txns",
        path=write(
            "x.csv",
            TXNS
            + f"R1,P0000001,2011-06-01 10:00:00,purchase,100.00,0.50,{other_bank}\n"
            + "R2,A0000001,2011-06-01 11:00:00,inquiry,0,0,\n",
        ),
    )
    assert outcome.created == 2
    txn = TerminalTxn.objects.get(reference="R1")
    assert txn.card_hash == pii.keyed_hash(other_bank) and txn.card_masked == pii.card_mask(other_bank)


@pytest.mark.parametrize(
    "row,column",
    [
        ("R1,P0000001,2011-06-01 10:00:00,withdrawal,100,0,", "txn_type"),  # an ATM type on a POS
        ("R1,A0000001,2011-06-01 10:00:00,purchase,100,0,", "txn_type"),  # a POS type on an ATM
        ("R1,P0000001,2011-01-31 23:59:59,purchase,100,0,", "txn_at"),  # before installation
        ("R1,A0000001,2011-06-01 10:00:00,inquiry,5,0,", "amount"),  # an inquiry moves no money
        ("R1,P0000001,2011-06-01 10:00:00,purchase,-1,0,", "amount"),
        ("R1,P0000001,2011-06-01 10:00:00,purchase,1,0,6228480402564890019", "card_no"),  # Luhn
        ("R1,X0000001,2011-06-01 10:00:00,purchase,1,0,", "terminal_no"),
    ],
)
def test_transaction_rules(fleet, write, row, column):
    outcome = extract_import(kind="terminal_txns", path=write("x.csv", TXNS + row + "\n"))
    assert [(r, c) for r, c, _ in outcome.errors] == [(1, column)]
    assert not TerminalTxn.objects.exists()


def test_a_refund_may_return_fee(fleet, write):
    outcome = extract_import(
        kind="terminal_txns",
        path=write("x.csv", TXNS + "R9,P0000001,2011-06-02 10:00:00,refund,100.00,-0.50,\n"),
    )
    assert outcome.created == 1 and TerminalTxn.objects.get().fee == Decimal("-0.50")


# --- the dormant-POS rule -----------------------------------------------------------------------


def test_window_starts_two_months_before(db):
    assert dormancy_window_start(as_of=E) == datetime.date(2011, 10, 1)
    assert dormancy_window_start(as_of=datetime.date(2011, 2, 28)) == datetime.date(2010, 12, 1)
    assert dormancy_window_start(as_of=datetime.date(2011, 3, 31)) == datetime.date(2011, 1, 1)


def test_dormant_pos_edge_cases(tree):
    quiet = TerminalFactory(branch=tree["a"], installed_on=datetime.date(2011, 3, 1))
    busy = TerminalFactory(branch=tree["a"], installed_on=datetime.date(2011, 3, 1))
    TerminalTxnFactory(terminal=busy, txn_at=local(2011, 12, 31, 23, 30))  # the last evening counts
    refund_only = TerminalFactory(branch=tree["a"], installed_on=datetime.date(2011, 3, 1))
    TerminalTxnFactory(terminal=refund_only, txn_type="refund", txn_at=local(2011, 11, 5, 10))
    before_window = TerminalFactory(branch=tree["a"], installed_on=datetime.date(2011, 3, 1))
    TerminalTxnFactory(terminal=before_window, txn_at=local(2011, 9, 30, 23, 59))  # outside the window
    TerminalFactory(branch=tree["a"], installed_on=datetime.date(2011, 10, 1))  # inside the window
    TerminalFactory(
        branch=tree["a"],
        installed_on=datetime.date(2011, 3, 1),
        status="removed",
        removed_on=datetime.date(2011, 12, 1),
    )  # removed before E
    removed_after = TerminalFactory(
        branch=tree["a"],
        installed_on=datetime.date(2011, 3, 1),
        status="removed",
        removed_on=datetime.date(2012, 1, 5),
    )  # still in force at E
    faulty = TerminalFactory(branch=tree["a"], installed_on=datetime.date(2011, 3, 1), status="faulty")
    TerminalFactory(branch=tree["a"], kind="atm", installed_on=datetime.date(2011, 3, 1))  # an ATM
    found = set(dormant_pos(queryset=Terminal.objects.all(), as_of=E))
    assert found == {quiet, refund_only, before_window, removed_after, faulty}


def test_monthly_refresh_proposes_once_and_the_branch_decides(tree, manager):
    quiet = TerminalFactory(branch=tree["a1"], installed_on=datetime.date(2011, 3, 1))
    assert dormant_pos_refresh_task.delay("2011-12-31").get() == 1
    assert dormant_pos_refresh_task.delay("2011-12-31").get() == 0  # idempotent
    review = DormantPosReview.objects.get()
    assert review.window_start == datetime.date(2011, 10, 1)
    services.dormant_pos_decide(
        review=review,
        outcome="reclaimed",
        visited_on=datetime.date(2012, 1, 6),
        notes="商户已停业",
        by=manager,
    )
    quiet.refresh_from_db()
    assert (quiet.status, quiet.removed_on) == ("removed", datetime.date(2012, 1, 6))
    assert quiet.history.first().history_user == manager
    with pytest.raises(ValidationError):
        services.dormant_pos_decide(
            review=review, outcome="kept", visited_on=datetime.date(2012, 1, 7), notes="x", by=manager
        )


def test_branch_manager_records_the_visit_in_the_admin(tree, manager_client):
    quiet = TerminalFactory(branch=tree["a1"], installed_on=datetime.date(2011, 3, 1))
    services.dormant_pos_refresh(as_of=E)
    review = DormantPosReview.objects.get()
    listing = manager_client.get(reverse("admin:terminals_dormantposreview_changelist")).content.decode()
    assert quiet.terminal_no in listing
    url = reverse("admin:terminals_dormantposreview_change", args=[review.pk])
    refused = manager_client.post(url, {"visited_on": "2011-09-01", "visit_notes": "x", "outcome": "kept"})
    assert refused.status_code == 200
    done = manager_client.post(
        url, {"visited_on": "2012-01-06", "visit_notes": "商户承诺恢复使用", "outcome": "kept"}
    )
    assert done.status_code == 302
    review.refresh_from_db()
    assert review.outcome == "kept" and Terminal.objects.get(pk=quiet.pk).status == "in_service"


# --- lifecycle ----------------------------------------------------------------------------------


def test_lifecycle_services_with_dates_and_reasons(tree, staff):
    atm = TerminalFactory(branch=tree["a"], kind="atm")
    services.terminal_report_faulty(terminal=atm, on=datetime.date(2011, 6, 1), reason="吞卡故障", by=staff)
    services.terminal_restore(terminal=atm, on=datetime.date(2011, 6, 2), reason="厂家修复", by=staff)
    services.terminal_remove(terminal=atm, on=datetime.date(2011, 7, 1), reason="网点撤并", by=staff)
    atm.refresh_from_db()
    assert (atm.status, atm.removed_on) == ("removed", datetime.date(2011, 7, 1))
    assert [h.history_change_reason for h in atm.history.all()[:3]] == ["网点撤并", "厂家修复", "吞卡故障"]
    with pytest.raises(ValidationError):
        services.terminal_restore(terminal=atm, on=datetime.date(2011, 7, 2), reason="x", by=staff)


def test_a_merchant_with_pos_in_place_cannot_be_terminated(tree, staff):
    pos = TerminalFactory(branch=tree["a"])
    with pytest.raises(ValidationError):
        services.merchant_terminate(
            merchant=pos.merchant, on=datetime.date(2011, 8, 1), reason="解约", by=staff
        )
    services.terminal_remove(terminal=pos, on=datetime.date(2011, 8, 1), reason="解约撤机", by=staff)
    services.merchant_terminate(merchant=pos.merchant, on=datetime.date(2011, 8, 1), reason="解约", by=staff)
    assert Merchant.objects.get().status == "terminated"


def test_api_lifecycle_by_staff_and_the_dormant_list_for_the_branch(tree, staff, manager):
    pos = TerminalFactory(branch=tree["a1"], installed_on=datetime.date(2011, 3, 1))
    TerminalFactory(branch=tree["b"], installed_on=datetime.date(2011, 3, 1))
    services.dormant_pos_refresh(as_of=E)
    client = APIClient()
    client.force_authenticate(manager)
    rows = client.get("/api/v1/dormant-pos/").json()["results"]
    assert [row["terminal_no"] for row in rows] == [pos.terminal_no]
    assert (
        client.patch(
            f"/api/v1/terminals/{pos.pk}/",
            {"status": "faulty", "on": "2011-06-01", "reason": "x"},
            format="json",
        ).status_code
        == 403
    )
    client.force_authenticate(staff)
    response = client.patch(
        f"/api/v1/terminals/{pos.pk}/",
        {"status": "faulty", "on": "2011-06-01", "reason": "打印机故障"},
        format="json",
    )
    assert response.status_code == 200 and response.json()["status"] == "faulty"


def test_an_atm_has_no_merchant_and_the_schema_says_it_may_be_null(tree, staff, client):
    atm = TerminalFactory(branch=tree["a"], kind=Terminal.Kind.ATM)
    client_api = APIClient()
    client_api.force_authenticate(staff)
    assert client_api.get(f"/api/v1/terminals/{atm.pk}/").json()["merchant_no"] is None
    client.force_login(staff)
    schemas = client.get("/api/schema/", {"format": "json"}).json()["components"]["schemas"]
    assert schemas["Terminal"]["properties"]["merchant_no"]["nullable"] is True
    assert schemas["DormantPosReview"]["properties"]["merchant_name"]["nullable"] is True
