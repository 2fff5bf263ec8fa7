import datetime
import itertools
from decimal import Decimal

import factory
from django.utils import timezone

from netbanking.models import CalendarDay, Customer, SecurityMedium, SpotCheck, Ticket, Transfer
from tests.rolled_up import RolledUpFactory

_days = itertools.count()


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    customer_no = factory.Sequence(lambda n: f"C{n:08d}")
    kind = Customer.Kind.PERSONAL
    name = factory.Sequence(lambda n: f"网银客户{n}")
    signed_on = datetime.date(2011, 2, 1)
    status = Customer.Status.ACTIVE
    security_media = "usb_key"


class SecurityMediumFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SecurityMedium

    customer = factory.SubFactory(CustomerFactory)
    kind = SecurityMedium.Kind.USB_KEY
    serial_no = factory.Sequence(lambda n: f"UK{n:06d}")
    issued_on = datetime.date(2011, 2, 1)


class TransferFactory(RolledUpFactory):
    class Meta:
        model = Transfer

    reference = factory.Sequence(lambda n: f"T{n:012d}")
    customer = factory.SubFactory(CustomerFactory)
    txn_at = factory.LazyFunction(lambda: timezone.make_aware(datetime.datetime(2011, 6, 1, 10, 0)))
    channel = Transfer.Channel.INTRA
    amount = Decimal("1000.00")


class TicketFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ticket

    kind = Ticket.Kind.FAULT
    subject = factory.Sequence(lambda n: f"网银无法登录{n}")
    description = "客户反映U盾无法识别"
    opened_at = factory.LazyFunction(lambda: timezone.make_aware(datetime.datetime(2011, 6, 1, 9, 0)))
    deadline = datetime.date(2011, 6, 6)


class SpotCheckFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SpotCheck

    checked_on = datetime.date(2011, 6, 20)
    scope = "个人网银签约资料"
    documents_checked = 20


def calendar_day(branch):
    return CalendarDay.objects.create(
        day=datetime.date(2030, 1, 1) + datetime.timedelta(days=next(_days)),
        kind=CalendarDay.Kind.HOLIDAY,
        name="测试",
    )
