"""The figures of docs/kpi.md on data built for each edge case it names."""

import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from reports.metrics import metrics
from reports.selectors import figures
from tests.cards.factories import CardBalanceFactory, CardFactory, DisbursementFactory
from tests.netbanking.factories import CustomerFactory, TransferFactory
from tests.terminals.factories import MerchantFactory, TerminalFactory, TerminalTxnFactory

E = datetime.date(2011, 12, 31)


def local(*args):
    return timezone.make_aware(datetime.datetime(*args))


@pytest.fixture
def county(tree):
    a, a1, b = tree["a"], tree["a1"], tree["b"]
    c1 = CardFactory(branch=a1, issued_on=datetime.date(2010, 5, 1))
    c2 = CardFactory(
        branch=a, issued_on=datetime.date(2011, 3, 1), status="closed", closed_on=E
    )  # closes on E
    c3 = CardFactory(
        branch=b, issued_on=datetime.date(2011, 6, 1), sms_alert=True, sms_since=datetime.date(2011, 7, 1)
    )
    CardFactory(branch=a, issued_on=datetime.date(2012, 1, 5))  # after E
    nov = datetime.date(2011, 11, 30)
    CardBalanceFactory(card=c1, as_of=nov, balance=Decimal("1000.00"))
    CardBalanceFactory(card=c2, as_of=nov, balance=Decimal("500.00"))
    CardBalanceFactory(card=c3, as_of=nov, balance=Decimal("2000.01"))
    CardBalanceFactory(card=c1, as_of=datetime.date(2012, 1, 31), balance=Decimal("9999.00"))  # after E
    merchant = MerchantFactory(branch=a, signed_on=datetime.date(2011, 1, 10))
    atm = TerminalFactory(branch=a1, kind="atm", merchant=None, installed_on=datetime.date(2011, 4, 1))
    pos = TerminalFactory(branch=a, merchant=merchant, installed_on=datetime.date(2011, 2, 1))
    TerminalFactory(
        branch=b, merchant=merchant, installed_on=datetime.date(2010, 1, 1), status="removed", removed_on=E
    )
    TerminalTxnFactory(
        terminal=pos, txn_at=local(2011, 12, 31, 23, 59), amount=Decimal("100"), fee=Decimal("0.50")
    )
    TerminalTxnFactory(
        terminal=pos,
        txn_type="refund",
        txn_at=local(2011, 12, 20, 10),
        amount=Decimal("30"),
        fee=Decimal("-0.10"),
    )
    TerminalTxnFactory(terminal=pos, txn_at=local(2012, 1, 1, 0, 0, 1), amount=Decimal("777"))  # next year
    TerminalTxnFactory(
        terminal=atm,
        txn_type="withdrawal",
        txn_at=local(2011, 8, 1, 9),
        amount=Decimal("500"),
        fee=Decimal("0"),
    )
    TerminalTxnFactory(
        terminal=atm,
        txn_type="inquiry",
        txn_at=local(2011, 8, 1, 9, 5),
        amount=Decimal("0"),
        fee=Decimal("0"),
    )
    person = CustomerFactory(branch=a, kind="personal", signed_on=datetime.date(2011, 3, 1))
    company = CustomerFactory(branch=b, kind="corporate", signed_on=datetime.date(2010, 3, 1))
    TransferFactory(
        customer=person, channel="inter", amount=Decimal("5000"), txn_at=local(2011, 12, 31, 23, 59)
    )
    TransferFactory(customer=person, channel="intra", amount=Decimal("1.5"), txn_at=local(2011, 1, 1, 0, 0))
    TransferFactory(customer=person, channel="intra", amount=Decimal("9"), txn_at=local(2010, 12, 31, 23, 59))
    TransferFactory(customer=company, channel="nxy", amount=Decimal("177.70"), txn_at=local(2011, 5, 1, 10))
    DisbursementFactory(
        branch=a1,
        program="pension",
        paid_on=datetime.date(2011, 6, 30),
        households=120,
        amount=Decimal("6600"),
    )
    DisbursementFactory(
        branch=b,
        program="agri_subsidy",
        paid_on=datetime.date(2011, 9, 30),
        households=300,
        amount=Decimal("12000"),
    )
    return tree


def test_union_figures_at_the_year_end(county):
    f = figures(as_of=E)
    assert set(f) == {metric.code for metric in metrics()}
    assert (f["cards_total"], f["new_cards"], f["sms_cards"]) == (2, 2, 1)  # closed on E: not in force
    assert f["card_balance"] == Decimal("3000.01")  # the latest snapshot (30 Nov), cards in force at E
    assert f["avg_card_balance"] == Decimal("1500.01")  # 1500.005 rounded half-up
    assert (f["merchants_total"], f["new_merchants"]) == (1, 1)
    assert (f["atms_total"], f["new_atms"], f["pos_total"], f["new_pos"]) == (1, 1, 1, 1)
    assert (f["pos_txn_count"], f["pos_txn_amount"], f["pos_fee_income"]) == (
        1,
        Decimal("70.00"),
        Decimal("0.40"),
    )
    assert (f["atm_txn_count"], f["atm_withdrawal_amount"]) == (1, Decimal("500.00"))
    assert f["netbank_personal_transfer_count"] == 2 and f["netbank_personal_transfer_amount"] == Decimal(
        "5001.50"
    )
    assert (f["netbank_personal_inter_count"], f["netbank_personal_inter_amount"]) == (1, Decimal("5000.00"))
    assert (f["netbank_corporate_nxy_count"], f["netbank_corporate_nxy_amount"]) == (1, Decimal("177.70"))
    assert (f["netbank_personal_total"], f["new_netbank_personal"], f["netbank_corporate_total"]) == (1, 1, 1)
    assert (f["disbursed_pension_households"], f["disbursed_pension_amount"]) == (120, Decimal("6600.00"))
    assert f["disbursed_salary_amount"] == Decimal("0.00")


def test_the_day_before_closing_the_card_is_in_force(county):
    f = figures(as_of=E - datetime.timedelta(days=1))
    assert f["cards_total"] == 3 and f["card_balance"] == Decimal("3500.01")
    assert f["pos_txn_count"] == 0  # the purchase at 23:59 on 31 December is not yet made


def test_a_branch_rolls_up_its_sub_branches(county):
    f = figures(as_of=E, branch=county["a"])
    assert (f["cards_total"], f["new_cards"], f["card_balance"]) == (1, 1, Decimal("1000.00"))
    assert (f["atms_total"], f["pos_total"], f["disbursed_pension_households"]) == (1, 1, 120)
    assert figures(as_of=E, branch=county["b"])["sms_cards"] == 1


def test_no_balance_snapshot_yet_gives_zero(tree):
    f = figures(as_of=E)
    assert (f["card_balance"], f["avg_card_balance"]) == (Decimal("0.00"), Decimal("0.00"))


def test_the_number_of_queries_does_not_grow_with_the_data(county, django_assert_max_num_queries):
    # One pass over each source of the registry, the few queries of the quarter's inspection
    # slots, and the balances' three (the latest snapshot, its totals, its cards not in force).
    with django_assert_max_num_queries(21) as small:
        figures(as_of=E)
    CardFactory.create_batch(20, branch=county["a"], issued_on=datetime.date(2011, 2, 2))
    for _ in range(3):
        TerminalFactory(branch=county["a"], kind="atm", merchant=None, installed_on=datetime.date(2011, 1, 1))
    with django_assert_max_num_queries(len(small.captured_queries)):
        figures(as_of=E)


def test_the_command_prints_the_contract_json(county):
    out = io.StringIO()
    call_command("figures", "--as-of", "2011-12-31", stdout=out)
    values = json.loads(out.getvalue())
    assert values["cards_total"] == 2 and values["card_balance"] == "3000.01"
    assert values["pos_fee_income"] == "0.40" and isinstance(values["new_cards"], int)
    out = io.StringIO()
    call_command("figures", "--as-of", "2011-12-31", "--branch", "101", stdout=out)
    assert json.loads(out.getvalue())["cards_total"] == 1


def test_the_command_refuses_an_unknown_branch(county):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="999"):
        call_command("figures", "--as-of", "2011-12-31", "--branch", "999")


def test_the_api_gives_each_role_its_scope(county, manager, staff):
    client = APIClient()
    client.force_authenticate(manager)
    mine = client.get("/api/v1/figures/", {"as_of": "2011-12-31"}).json()
    assert mine["branch"] == "101" and mine["figures"]["cards_total"] == 1
    assert client.get("/api/v1/figures/", {"as_of": "2011-12-31", "branch": "201"}).status_code == 404
    client.force_authenticate(staff)
    union = client.get("/api/v1/figures/", {"as_of": "2011-12-31"}).json()
    assert union["branch"] is None and union["figures"]["card_balance"] == "3000.01"


def test_figures_for_several_branches_at_once_equal_each_branchs_figures(county, tree):
    from reports.selectors import figures_for_branches

    branches = [tree["a"], tree["b"], tree["a1"]]
    together = figures_for_branches(as_of=E, branches=branches)
    for branch in branches:
        assert together[branch] == figures(as_of=E, branch=branch)
    assert together[tree["a"]]["cards_total"] >= together[tree["a1"]]["cards_total"]  # a holds a1


def test_the_schema_describes_every_metric_of_the_registry(staff, client):
    from reports.metrics import metrics

    client.force_login(staff)
    schema = client.get("/api/schema/", {"format": "json"}).json()
    values = schema["components"]["schemas"]["FigureValues"]["properties"]
    assert list(values) == [metric.code for metric in metrics()]
    assert values["cards_total"]["type"] == "integer" and "发卡总量" in values["cards_total"]["description"]
    assert values["card_balance"]["type"] == "string" and "yuan" in values["card_balance"]["description"]
