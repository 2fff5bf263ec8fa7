"""Two people for two-person work: a cash loading names the second custodian, who confirms it with
their own login (复核); until then it is 待复核, and once CUSTODY_CONFIRM_HOURS have passed it is on
both custodians' and the department's to-do lists. The same login is never both custodians."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from ebank.org.roles import Role
from ebank.registers import services as logbooks
from ebank.registers.models import Confirmation
from ebank.registers.selectors import confirmations_overdue
from terminals.models import AtmCashLog
from tests.factories import entered_at, user_with_role
from tests.terminals.factories import TerminalFactory


def local(*args):
    return timezone.make_aware(datetime.datetime(*args))


@pytest.fixture
def atm(tree):
    return TerminalFactory(
        branch=tree["a1"], kind="atm", merchant=None, installed_on=datetime.date(2011, 1, 1)
    )


@pytest.fixture
def colleague(tree):
    """The second custodian: another person of the branch, with a login."""
    return user_with_role(Role.BRANCH_MANAGER, tree["a1"], username="kg-10101", first_name="李", last_name="")


def load(atm, by, second, when=None):
    when = when or local(2011, 6, 1, 8, 30)
    with entered_at(when + datetime.timedelta(minutes=20)):
        return logbooks.logbook_enter(
            model=AtmCashLog,
            by=by,
            terminal=atm,
            occurred_at=when,
            operation="load",
            amount_loaded=Decimal("300000"),
            custodian_a="王",
            second_custodian=second,
        )


def test_the_same_login_cannot_be_both_custodians(atm, manager):
    with pytest.raises(ValidationError) as error:
        load(atm, manager, manager)
    assert "two-person work needs two people" in str(error.value) or "两人" in str(error.value)
    assert not AtmCashLog.objects.exists()


def test_the_second_custodian_must_work_at_the_branch(atm, manager, tree):
    stranger = user_with_role(Role.BRANCH_MANAGER, tree["b"], username="mgr-201b")
    with pytest.raises(ValidationError):
        load(atm, manager, stranger)


def test_only_the_second_custodian_confirms_once(atm, manager, colleague, staff):
    entry = load(atm, manager, colleague)
    assert entry.custodian_b == "李"  # the name comes from the login
    for who in (manager, staff):
        with pytest.raises(ValidationError):
            logbooks.logbook_confirm(entry=entry, by=who)
    confirmation = logbooks.logbook_confirm(entry=entry, by=colleague)
    assert confirmation.confirmed_by == colleague and confirmation.entry == entry
    with pytest.raises(ValidationError):
        logbooks.logbook_confirm(entry=entry, by=colleague)
    # A correction is a new entry: it needs its own confirmation.
    corrected = logbooks.logbook_amend(
        entry=entry, by=manager, reason="金额录错", amount_loaded=Decimal("250000")
    )
    other = user_with_role(
        Role.BRANCH_MANAGER, atm.branch, username="kg-10101b", first_name="张", last_name=""
    )
    swapped = logbooks.logbook_amend(entry=corrected, by=manager, reason="复核人记错", second_custodian=other)
    assert swapped.custodian_b == "张"  # the register names who confirms, as their login says
    corrected = logbooks.logbook_amend(
        entry=swapped, by=manager, reason="复核人记错", second_custodian=colleague
    )
    assert not Confirmation.objects.filter(object_id=corrected.pk).exists()
    with pytest.raises(ValidationError):
        logbooks.logbook_confirm(entry=entry, by=colleague)  # the corrected one no longer stands
    logbooks.logbook_confirm(entry=corrected, by=colleague)


def test_an_unconfirmed_entry_goes_on_both_custodians_and_the_departments_lists(
    atm, manager, colleague, staff, leader, tree
):
    entry = load(atm, manager, colleague, when=local(2011, 6, 1, 8, 30))
    soon, later = local(2011, 6, 1, 20), local(2011, 6, 2, 9)  # 24 hours after 08:50
    for person in (manager, colleague, staff):
        assert confirmations_overdue(user=person, now=soon) == []
        assert [e.pk for e in confirmations_overdue(user=person, now=later)] == [entry.pk]
    other = user_with_role(Role.BRANCH_MANAGER, tree["a1"], username="mgr-10101b")
    assert confirmations_overdue(user=other, now=later) == []  # neither custodian
    sibling = user_with_role(Role.BRANCH_MANAGER, tree["b"], username="mgr-201c")
    assert confirmations_overdue(user=sibling, now=later) == []
    logbooks.logbook_confirm(entry=entry, by=colleague)
    assert confirmations_overdue(user=staff, now=later) == []


def test_the_register_shows_awaiting_and_the_second_custodian_confirms_on_the_entry_page(
    atm, manager, colleague, manager_client, client
):
    # The add form offers the branch's other people as the second custodian, never oneself.
    form = manager_client.get(reverse("admin:terminals_atmcashlog_add")).content.decode()
    assert (
        "kg-10101" in form
        and f'value="{manager.pk}"' not in form.split('name="second_custodian"')[1].split("</select>")[0]
    )
    entry = load(atm, manager, colleague)
    listing = manager_client.get(reverse("admin:terminals_atmcashlog_changelist")).content.decode()
    assert "待复核" in listing
    page = manager_client.get(reverse("admin:terminals_atmcashlog_change", args=[entry.pk])).content.decode()
    assert 'id="confirm-entry"' not in page  # the one who entered it cannot confirm it
    client.force_login(colleague)
    page = client.get(reverse("admin:terminals_atmcashlog_change", args=[entry.pk])).content.decode()
    assert 'id="confirm-entry"' in page
    response = client.post(reverse("admin:terminals_atmcashlog_confirm", args=[entry.pk]))
    assert response.status_code == 302
    page = client.get(reverse("admin:terminals_atmcashlog_change", args=[entry.pk])).content.decode()
    assert "✓ 李" in page and 'id="confirm-entry"' not in page
    # The entering user posting the confirmation by hand is refused.
    manager_client.post(reverse("admin:terminals_atmcashlog_confirm", args=[entry.pk]))
    assert Confirmation.objects.count() == 1


def test_the_api_takes_the_second_custodian_by_username_and_confirms(atm, manager, colleague):
    api = APIClient()
    api.force_authenticate(manager)
    body = {
        "terminal": atm.terminal_no,
        "occurred_at": "2011-06-01T08:30:00+08:00",
        "operation": "load",
        "amount_loaded": "300000.00",
        "custodian_a": "王",
        "second_custodian": "kg-10101",
    }
    with entered_at(local(2011, 6, 1, 8, 50)):
        created = api.post("/api/v1/logbooks/atm-cash-log/", body, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["confirmed_by"] is None and created.json()["second_custodian"] == "kg-10101"
    entry_id = created.json()["id"]
    assert api.post(f"/api/v1/logbooks/atm-cash-log/{entry_id}/confirm/").status_code == 400
    same = api.post("/api/v1/logbooks/atm-cash-log/", {**body, "second_custodian": "mgr-101"}, format="json")
    assert same.status_code == 400  # not oneself
    api.force_authenticate(colleague)
    confirmed = api.post(f"/api/v1/logbooks/atm-cash-log/{entry_id}/confirm/")
    assert confirmed.status_code == 200 and confirmed.json()["confirmed_by"] == "kg-10101"


def test_keys_handed_over_are_confirmed_by_who_received_them(atm, manager, colleague, client):
    from terminals.models import AtmKeyHandover

    with entered_at(local(2011, 6, 1, 18, 10)):
        handover = logbooks.logbook_enter(
            model=AtmKeyHandover,
            by=manager,
            terminal=atm,
            occurred_at=local(2011, 6, 1, 18),
            item="both",
            handed_by="王",
            received_by=colleague,
        )
    with pytest.raises(ValidationError):
        logbooks.logbook_confirm(entry=handover, by=manager)
    client.force_login(colleague)
    listing = client.get(reverse("admin:terminals_atmkeyhandover_changelist")).content.decode()
    assert "待复核" in listing and "ATM机钥匙密码交接登记簿" in listing
    client.post(reverse("admin:terminals_atmkeyhandover_confirm", args=[handover.pk]))
    assert Confirmation.objects.get().confirmed_by == colleague


def _move(branch, by, second, day, item="blank_cards", received=0, issued=0, returned=0, balance=0):
    from cards.models import BlankVoucherLog

    when = local(2011, 6, day, 9) if isinstance(day, int) else day
    with entered_at(when + datetime.timedelta(minutes=15)):
        return logbooks.logbook_enter(
            model=BlankVoucherLog,
            by=by,
            branch=branch,
            occurred_at=when,
            item=item,
            received=received,
            issued=issued,
            returned=returned,
            balance=balance,
            countersigned_by=second,
        )


def test_the_blank_voucher_stock_reconciles_over_a_month_and_flags_a_difference(
    manager, colleague, tree, manager_client
):
    from cards.selectors import voucher_stock

    branch = tree["a1"]
    _move(branch, manager, colleague, local(2011, 5, 20, 9), received=200, balance=200)  # May
    _move(branch, manager, colleague, 1, issued=30, balance=170)
    _move(branch, manager, colleague, 8, received=100, issued=45, balance=225)
    _move(branch, manager, colleague, 15, issued=20, returned=2, balance=207)
    _move(branch, manager, colleague, 22, item="pin_mailers", received=300, issued=12, balance=288)
    (cards, mailers) = sorted(
        voucher_stock(branches=type(branch).objects.all(), month=datetime.date(2011, 6, 1)),
        key=lambda row: row["item"],
    )
    assert (cards["opening"], cards["received"], cards["issued"], cards["returned"]) == (200, 100, 95, 2)
    assert cards["closing"] == cards["expected"] == 207 and cards["difference"] == 0 and cards["breaks"] == []
    assert (mailers["opening"], mailers["closing"], mailers["difference"]) == (0, 288, 0)
    # A planted difference: 20 issued on the 29th, but 5 fewer counted than the books say.
    planted = _move(branch, manager, colleague, 29, issued=20, balance=182)
    (cards, _mailers) = sorted(
        voucher_stock(branches=type(branch).objects.all(), month=datetime.date(2011, 6, 1)),
        key=lambda row: row["item"],
    )
    assert (cards["expected"], cards["closing"], cards["difference"]) == (187, 182, -5)
    assert [entry.pk for entry in cards["breaks"]] == [planted.pk]
    # July: no movement, the stock still has its lines.
    july = voucher_stock(branches=type(branch).objects.all(), month=datetime.date(2011, 7, 1))
    assert [(r["item"], r["opening"], r["closing"], r["difference"]) for r in july] == [
        ("blank_cards", 182, 182, 0),
        ("pin_mailers", 288, 288, 0),
    ]
    # A sibling branch's stock is not the manager's to see.
    assert (
        voucher_stock(branches=type(branch).objects.filter(pk=tree["b"].pk), month=datetime.date(2011, 6, 1))
        == []
    )
    # The register opens with this month's and last month's stock (none moved in them here).
    page = manager_client.get(reverse("admin:cards_blankvoucherlog_changelist")).content.decode()
    assert 'id="voucher-stock"' in page and f"{timezone.localdate():%Y-%m} 库存核对" in page  # carried over
    with entered_at(local(2011, 7, 1, 9)):
        page = manager_client.get(reverse("admin:cards_blankvoucherlog_changelist")).content.decode()
    assert "2011-06 库存核对" in page and "-5 ⚠" in page and f"#{planted.pk}" in page
