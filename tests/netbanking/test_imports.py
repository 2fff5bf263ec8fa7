"""The two online-banking extracts, with every rule of docs/extracts.md."""

import datetime
from decimal import Decimal

import pytest

from ebank.imports.engine import extract_import
from netbanking.models import Customer, SecurityMedium, Transfer

CUSTOMERS = "customer_no,kind,name,branch_code,signed_on,status,closed_on,security_media\n"


def customers(write, *rows):
    return write("customers.csv", CUSTOMERS + "".join(f"{row}\n" for row in rows))


def test_customers_import_with_their_media(tree, write):
    path = customers(
        write,
        "P001,personal,张三,101,2011-03-01,active,,usb_key|sms",
        "E001,corporate,寿县粮油公司,201,2011-04-01,active,,otp_token",
    )
    assert extract_import(kind="netbank_customers", path=path).created == 2
    zhang = Customer.objects.get(customer_no="P001")
    assert zhang.security_media == "sms|usb_key"
    assert sorted(zhang.media.values_list("kind", "issued_on")) == [
        ("sms", datetime.date(2011, 3, 1)),
        ("usb_key", datetime.date(2011, 3, 1)),
    ]
    # Unchanged on a second import; a medium added later is issued on the day of the import.
    assert extract_import(kind="netbank_customers", path=path).unchanged == 2
    path = customers(write, "P001,personal,张三,101,2011-03-01,active,,usb_key|sms|otp_token")
    assert extract_import(kind="netbank_customers", path=path).updated == 1
    assert SecurityMedium.objects.filter(customer=zhang, status="in_use").count() == 3


@pytest.mark.parametrize(
    "row,column",
    [
        ("P1,person,张三,101,2011-03-01,active,,usb_key", "kind"),
        ("P1,personal,张三,101,2011-03-01,closed,,usb_key", "closed_on"),
        ("P1,personal,张三,101,2011-03-01,active,2011-05-01,usb_key", "closed_on"),
        ("P1,personal,张三,101,2011-03-01,closed,2011-02-01,usb_key", "closed_on"),
        ("P1,personal,张三,101,2011-03-01,active,,u盾", "security_media"),
        ("P1,personal,张三,101,2011-03-01,active,,", "security_media"),
        ("P1,personal,张三,999,2011-03-01,active,,sms", "branch_code"),
        ("P1,personal,,101,2011-03-01,active,,sms", "name"),
    ],
)
def test_customer_rules(tree, write, row, column):
    outcome = extract_import(kind="netbank_customers", path=customers(write, row))
    assert [(r, c) for r, c, _ in outcome.errors] == [(1, column)]
    assert not Customer.objects.exists()


TRANSFERS = "reference,customer_no,txn_at,channel,amount\n"


@pytest.fixture
def customer(tree, write):
    extract_import(
        kind="netbank_customers", path=customers(write, "P001,personal,张三,101,2011-03-01,active,,usb_key")
    )
    return Customer.objects.get()


def test_transfers_import_and_a_late_evening_stays_on_its_local_day(customer, write):
    path = write(
        "t.csv", TRANSFERS + "R1,P001,2011-12-31 23:30:00,inter,5000.00\nR2,P001,2011-03-01 08:00:00,nxy,97\n"
    )
    assert extract_import(kind="netbank_transfers", path=path).created == 2
    late = Transfer.objects.get(reference="R1")
    assert late.txn_at.astimezone(datetime.timezone(datetime.timedelta(hours=8))).date() == datetime.date(
        2011, 12, 31
    )
    assert late.amount == Decimal("5000.00")


@pytest.mark.parametrize(
    "rows,errors",
    [
        (["R1,P001,2011-02-28 23:59:59,intra,1"], [(1, "txn_at")]),  # before signing
        (["R1,P001,2011-03-01 00:00:00,intra,0"], [(1, "amount")]),  # must be > 0
        (["R1,P001,2011-03-01 10:00,intra,1"], [(1, "txn_at")]),  # no seconds
        (["R1,P001,2011-03-01 10:00:00,swift,1"], [(1, "channel")]),
        (["R1,P999,2011-03-01 10:00:00,intra,1"], [(1, "customer_no")]),
        (["R1,P001,2011-03-01 10:00:00,intra,1", "R1,P001,2011-03-02 10:00:00,intra,2"], [(2, "reference")]),
    ],
)
def test_transfer_rules(customer, write, rows, errors):
    outcome = extract_import(
        kind="netbank_transfers", path=write("t.csv", TRANSFERS + "\n".join(rows) + "\n")
    )
    assert [(r, c) for r, c, _ in outcome.errors] == errors
    assert not Transfer.objects.exists()
