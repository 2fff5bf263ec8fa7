import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from terminals.models import DormantPosReview, Merchant, Terminal, TerminalTxn


class MerchantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Merchant

    merchant_no = factory.Sequence(lambda n: f"M{n:014d}")
    name = factory.Sequence(lambda n: f"寿县第{n}超市")
    mcc = "5411"
    signed_on = datetime.date(2011, 1, 10)
    status = Merchant.Status.ACTIVE


class TerminalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Terminal

    terminal_no = factory.Sequence(lambda n: f"T{n:07d}")
    kind = Terminal.Kind.POS
    serial_no = factory.Sequence(lambda n: f"SN{n:08d}")
    model = "新大陆 NL-8210"
    merchant = factory.LazyAttribute(lambda o: MerchantFactory(branch=o.branch) if o.kind == "pos" else None)
    location = "寿春镇东大街"
    installed_on = datetime.date(2011, 3, 1)
    status = Terminal.Status.IN_SERVICE


class TerminalTxnFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TerminalTxn

    reference = factory.Sequence(lambda n: f"TX{n:012d}")
    txn_at = factory.LazyFunction(lambda: timezone.make_aware(datetime.datetime(2011, 6, 1, 10, 0)))
    txn_type = TerminalTxn.Type.PURCHASE
    amount = Decimal("100.00")
    fee = Decimal("0.50")


def dormant_review(branch):
    terminal = TerminalFactory(branch=branch)
    return DormantPosReview.objects.create(
        terminal=terminal, as_of=datetime.date(2011, 12, 31), window_start=datetime.date(2011, 10, 1)
    )


def logbook_entry(model, branch, **fields):
    """An entry of any register, in `branch` (with an ATM or POS of that branch where it needs one)."""
    import datetime as _dt

    from terminals.models.logbooks import AtmInspection, TerminalEntry
    from tests.factories import user_with_role

    values = {
        "occurred_at": timezone.make_aware(_dt.datetime(2011, 6, 1, 9, 30)),
        "entered_by": user_with_role("staff"),
        "entered_at": timezone.now(),
        "branch": branch,
    }
    if issubclass(model, TerminalEntry):
        values["terminal"] = TerminalFactory(branch=branch, kind=model.terminal_kind)
    defaults = {
        "AtmCashLog": {
            "operation": "load",
            "amount_loaded": Decimal("200000"),
            "custodian_a": "张",
            "custodian_b": "李",
        },
        "AtmInspection": {"shift": AtmInspection.Shift.MORNING},
        "AtmFault": {"fault_kind": "cash_jam", "description": "卡钞"},
        "AtmRepair": {"vendor": "广电运通"},
        "AtmCashDifference": {"expected": Decimal("100"), "counted": Decimal("100")},
        "RetainedCard": {"card_hash": "0" * 64, "card_masked": "622848*********0000"},
        "PosMaintenance": {"issue": "打印不清", "action_taken": "更换打印纸"},
        "CardRiskCheck": {"blank_cards_on_book": 100, "blank_cards_counted": 100},
        "ItMaintenance": {"category": "network_fault", "description": "网点断网", "handled_by": "王"},
    }[model.__name__]
    return model.objects.create(**{**values, **defaults, **fields})
