"""Fixtures the assessment's tests share."""

import datetime
from decimal import Decimal

import pytest

from reports.models import PlanItem, Target
from tests.cards.factories import CardFactory


@pytest.fixture
def quarter(tree):
    """2011 Q4: 101 (with 10101) issued 1,050 cards of a target of 1,000; 201 issued 900 of 1,000."""
    a1, b = tree["a1"], tree["b"]
    CardFactory.create_batch(1050, branch=a1, issued_on=datetime.date(2011, 5, 1))
    CardFactory.create_batch(900, branch=b, issued_on=datetime.date(2011, 5, 1))
    PlanItem.objects.create(year=2011, metric="new_cards", weight=Decimal("40"), cap=Decimal("1.2"))
    PlanItem.objects.create(year=2011, metric="cards_total", weight=Decimal("10"), cap=Decimal("1.0"))
    for branch in (tree["a"], b):
        Target.objects.create(year=2011, quarter=4, branch=branch, metric="new_cards", target=Decimal(1000))
        Target.objects.create(year=2011, quarter=4, branch=branch, metric="cards_total", target=Decimal(500))
    return tree


def approve(by):
    """A union manager approves the one change awaiting approval, and it is applied (as the
    worker applies it); return the change."""
    from ebank.imports import services
    from ebank.imports.models import ImportRun

    change = ImportRun.objects.get(status=ImportRun.Status.AWAITING_APPROVAL)
    services.import_run_approve(run=change, by=by)
    return services.import_run_apply(run_id=change.pk)
