import datetime
import random
from decimal import Decimal

import factory
from django.utils import timezone

from cards.models import BalanceRevision, Card, CardBalance, Disbursement
from ebank import pii
from tests.rolled_up import RolledUpFactory


def card_number(prefix: str = "622848", length: int = 19, rng=random) -> str:
    """A Luhn-valid card number (made up) with the given prefix."""
    body = prefix + "".join(rng.choice("0123456789") for _ in range(length - len(prefix) - 1))
    for digit in "0123456789":
        if pii.luhn_valid(body + digit):
            return body + digit
    raise AssertionError("unreachable")


def resident_id(region: str = "340421", born: str = "19800101", rng=random) -> str:
    """A resident ID number (made up) with a correct check digit."""
    body = region + born + f"{rng.randint(0, 999):03d}"
    return body + pii.ID_CHECK_CHARS[sum(int(d) * w for d, w in zip(body, pii.ID_WEIGHTS)) % 11]


class CardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Card
        exclude = ["number", "id_no"]

    number = factory.LazyFunction(card_number)
    id_no = factory.LazyFunction(resident_id)
    number_hash = factory.LazyAttribute(lambda o: pii.keyed_hash(o.number))
    number_masked = factory.LazyAttribute(lambda o: pii.card_mask(o.number))
    last4 = factory.LazyAttribute(lambda o: o.number[-4:])
    holder_name = factory.Sequence(lambda n: f"持卡人{n}")
    holder_id_hash = factory.LazyAttribute(lambda o: pii.resident_id_hash(o.id_no))
    holder_id_masked = factory.LazyAttribute(lambda o: pii.resident_id_mask(o.id_no))
    issued_on = datetime.date(2011, 3, 1)
    status = Card.Status.ACTIVE
    sms_alert = False


class CardBalanceFactory(RolledUpFactory):
    class Meta:
        model = CardBalance

    card = factory.SubFactory(CardFactory)
    as_of = datetime.date(2011, 12, 31)
    balance = Decimal("2550.00")


class DisbursementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Disbursement

    program = Disbursement.Program.PENSION
    paid_on = factory.Sequence(lambda n: datetime.date(2011, 1, 1) + datetime.timedelta(days=n))
    households = 120
    amount = Decimal("6600.00")


def balance_revision(branch):
    balance = CardBalanceFactory(card=CardFactory(branch=branch))
    return BalanceRevision.objects.create(
        balance=balance,
        old_balance=Decimal("1.00"),
        new_balance=balance.balance,
        changed_at=timezone.now(),
        reason="test",
    )
