from django.db.models import Count

from ebank.registers.selectors import entries_current
from reports.metrics import FLOW, Metric, Source, register

from .models import KeyHandover


def _handovers(period):
    start, end = period.moments
    return entries_current(queryset=KeyHandover.objects.filter(occurred_at__gte=start, occurred_at__lt=end))


register(
    Metric(
        "key_handovers",
        "钥匙交接次数",
        "key handovers",
        measure="次",
        kind=FLOW,
        source=Source("key handovers", rows_of=_handovers),
        aggregate=lambda period: Count("id"),
        assessable=False,
    )
)
