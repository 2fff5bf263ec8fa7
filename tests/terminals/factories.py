import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from terminals.models import (
    DormantPosReview,
    Merchant,
    ServicePoint,
    ServicePointEvent,
    ServicePointTxn,
    Terminal,
    TerminalTxn,
)
from tests.rolled_up import RolledUpFactory


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


class TerminalTxnFactory(RolledUpFactory):
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
    """An entry of any register, in `branch` (tests.factories.register_entry)."""
    from tests.factories import register_entry

    return register_entry(model, branch, **fields)


class ServicePointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServicePoint

    point_no = factory.Sequence(lambda n: f"ZN{n:08d}")
    name = factory.Sequence(lambda n: f"第{n}村助农取款服务点")
    village = factory.Sequence(lambda n: f"第{n}村")
    device = ServicePoint.Device.POS
    opened_on = datetime.date(2011, 7, 1)
    status = ServicePoint.Status.ACTIVE


class ServicePointTxnFactory(RolledUpFactory):
    class Meta:
        model = ServicePointTxn

    reference = factory.Sequence(lambda n: f"ZT{n:012d}")
    txn_at = factory.LazyFunction(lambda: timezone.make_aware(datetime.datetime(2011, 8, 1, 10, 0)))
    txn_type = ServicePointTxn.Type.WITHDRAWAL
    amount = Decimal("300.00")


def service_point_event(branch):
    from tests.factories import user_with_role

    return ServicePointEvent.objects.create(
        point=ServicePointFactory(branch=branch),
        kind=ServicePointEvent.Kind.CLOSED,
        on=datetime.date(2012, 1, 5),
        reason="村委会搬迁",
        recorded_by=user_with_role("staff"),
    )
