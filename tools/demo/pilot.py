"""The demo county's new channels of late 2011: the 助农取款 pilot (a handful of service points
opened in the second half of the year, their transactions and the supervising branches' monthly
visits, and visits of the last months before today) and the first mobile-banking customers of the
fourth quarter with their transfers.

Drawn from a random generator of their own: every figure the rest of the county was written with
stays exactly as it was."""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from ebank.dates import next_month_start
from netbanking.models import Customer, SecurityMedium, Transfer
from terminals.models import ServicePoint, ServicePointTxn, ServicePointVisit

from .bulk import change_on_record, create_on_record, insert_rows
from .common import Demo, at, day_time, person_name, random_day

SEED = 2011_4  # the pilot's own draws

# point_no, name, supervising branch, village, device, opened on; the pilot's points.
POINTS = (
    (
        "ZN3621030001",
        "石门村助农取款服务点（王记便民超市）",
        "103",
        "石门村",
        "pos",
        datetime.date(2011, 7, 12),
    ),
    (
        "ZN3621050001",
        "杨店村助农取款服务点（村卫生室）",
        "105",
        "杨店村",
        "phone",
        datetime.date(2011, 7, 26),
    ),
    (
        "ZN3621070001",
        "白塔村助农取款服务点（李家小卖部）",
        "107",
        "白塔村",
        "pos",
        datetime.date(2011, 8, 18),
    ),
    (
        "ZN3621020101",
        "三岔村助农取款服务点（农资门市部）",
        "10201",
        "三岔村",
        "smart",
        datetime.date(2011, 9, 9),
    ),
    (
        "ZN3621090001",
        "马坊村助农取款服务点（便民服务站）",
        "109",
        "马坊村",
        "pos",
        datetime.date(2011, 10, 20),
    ),
    (
        "ZN3621120001",
        "黄岗村助农取款服务点（刘记商店）",
        "112",
        "黄岗村",
        "phone",
        datetime.date(2011, 11, 15),
    ),
)
# The point whose shopkeeper stopped serving after the harvest: only balance inquiries from
# October on, so it is idle (连续三个月无交易) at the end of 2011.
IDLE = "ZN3621070001"
# A month without a visit (the supervising branch's rate falls short of 100%).
NOT_VISITED = {("ZN3621050001", 10)}
FINDINGS = {
    ("ZN3621030001", 9): ("取款限额公示牌脱落", "已重新张贴限额公示"),
    ("ZN3621090001", 12): ("备付金不足，当日两笔取款未能办理", "已督促服务点增加备付金至5000元"),
}

# Mobile banking from October 2011: customers signed per month, and those closed in December.
MOBILE_SIGNED = {10: 9, 11: 14, 12: 17}  # 40 customers
MOBILE_TRANSFERS = {10: 21, 11: 48, 12: 83}


def service_points_load(demo: Demo) -> None:
    """The pilot's service points, their 2011 transactions and monthly visits, and the visits of
    the months before today."""
    rng = random.Random(SEED)
    points = [
        ServicePoint(
            point_no=no,
            name=name,
            branch=demo.branches[code],
            village=village,
            device=device,
            opened_on=opened,
            status=ServicePoint.Status.ACTIVE,
        )
        for no, name, code, village, device, opened in POINTS
    ]
    create_on_record(
        ServicePoint, points, when=lambda p: at(p.opened_on, 9), by=demo.staff, reason="助农取款服务点开办"
    )
    demo.count("service points", len(points))
    _point_txns(demo, rng, points)
    _point_visits(demo, rng, points)


def _point_txns(demo: Demo, rng: random.Random, points: list[ServicePoint]) -> None:
    rows = []
    end = datetime.date(2011, 12, 31)
    cards = demo.card_sample or [("", "")]
    for point in points:
        day = point.opened_on
        while day <= end:
            idle = point.point_no == IDLE and day >= datetime.date(2011, 10, 1)
            for _ in range(rng.randint(0, 3) if not idle else rng.randint(0, 1)):
                kind = (
                    "inquiry"
                    if idle
                    else rng.choices(("withdrawal", "transfer", "payment", "inquiry"), (12, 2, 3, 4))[0]
                )
                amount = Decimal(0) if kind == "inquiry" else Decimal(rng.randint(2, 40) * 50)
                card_hash, card_masked = rng.choice(cards)
                rows.append([point.id, day_time(rng, day, 8, 19), kind, amount, card_hash, card_masked])
            day += datetime.timedelta(days=1)
    # The last withdrawal of the year, a minute before midnight: it belongs to 2011.
    rows.append([points[0].id, at(end, 23, 59), "withdrawal", Decimal("500.00"), *cards[0]])
    rows.sort(key=lambda row: row[1])
    numbered = [(f"ZN{row[1]:%Y%m%d}{n:06d}", *row) for n, row in enumerate(rows, start=1)]
    demo.count(
        "service point transactions",
        insert_rows(
            ServicePointTxn,
            ("reference", "point", "txn_at", "txn_type", "amount", "card_hash", "card_masked"),
            numbered,
        ),
    )


def _visit(demo: Demo, rng: random.Random, point: ServicePoint, day: datetime.date, findings=None):
    occurred = at(day, rng.randint(9, 16), rng.choice((0, 15, 30, 45)))
    found, rectified = findings or ("", "")
    return ServicePointVisit(
        point=point,
        branch=point.branch,
        occurred_at=occurred,
        entered_by=demo.managers[point.branch_id],
        entered_at=occurred + datetime.timedelta(minutes=rng.randint(20, 240)),
        signage_posted=True,
        limit_shown="限额" not in found,
        operator_trained=True,
        device_working=True,
        cash_sufficient="备付金" not in found,
        findings=found,
        rectification=rectified,
    )


def _point_visits(demo: Demo, rng: random.Random, points: list[ServicePoint]) -> None:
    """A visit each month from the opening to December 2011 (one month missed), then the months
    before today's and this month's first days (two points not visited yet)."""
    visits = []
    for point in points:
        month = point.opened_on.replace(day=1)
        while month.year == 2011:
            if (point.point_no, month.month) not in NOT_VISITED:
                first = max(month, point.opened_on)
                last = min(next_month_start(month) - datetime.timedelta(days=1), datetime.date(2011, 12, 28))
                findings = FINDINGS.get((point.point_no, month.month))
                visits.append(_visit(demo, rng, point, random_day(rng, first, last), findings))
            month = next_month_start(month)
    today = timezone.localdate(demo.now)
    this_month = today.replace(day=1)
    for back in (2, 1):
        month = this_month
        for _ in range(back):
            month = (month - datetime.timedelta(days=1)).replace(day=1)
        for point in points:
            last = next_month_start(month) - datetime.timedelta(days=1)
            visits.append(_visit(demo, rng, point, random_day(rng, month, last)))
    if today.day > 1:
        for point in points[2:]:
            visits.append(
                _visit(demo, rng, point, random_day(rng, this_month, today - datetime.timedelta(days=1)))
            )
    ServicePointVisit.objects.bulk_create(visits)
    demo.count("service point visits", len(visits))


def mobile_load(demo: Demo) -> None:
    """The first mobile-banking customers (October to December 2011), two closed in December —
    one in mid-month after transferring — with their transfers of the quarter."""
    rng = random.Random(SEED + 1)
    branches = [b for b in demo.branches.values() if b is not demo.root]
    customers = []
    for month, n in MOBILE_SIGNED.items():
        first = datetime.date(2011, month, 1)
        last = next_month_start(first) - datetime.timedelta(days=1)
        for _ in range(n):
            branch = rng.choice(branches)
            customers.append(
                Customer(
                    customer_no=f"7{branch.code:0<5}{len(customers) + 1:06d}",
                    kind=Customer.Kind.MOBILE,
                    name=person_name(rng),
                    branch=branch,
                    signed_on=random_day(rng, first, last),
                    status=Customer.Status.ACTIVE,
                    security_media="sms",
                )
            )
    customers.sort(key=lambda c: c.signed_on)
    create_on_record(
        Customer, customers, when=lambda c: at(c.signed_on, 11), by=demo.staff, reason="手机银行签约"
    )
    create_on_record(
        SecurityMedium,
        [SecurityMedium(customer=c, kind="sms", issued_on=c.signed_on) for c in customers],
        when=lambda m: at(m.issued_on, 11),
        by=demo.staff,
    )
    demo.count("mobile-banking customers", len(customers))
    closed = [(customers[0], datetime.date(2011, 12, 15)), (customers[5], datetime.date(2011, 12, 20))]
    rows = []
    for month, n in MOBILE_TRANSFERS.items():
        first = datetime.date(2011, month, 1)
        last = next_month_start(first) - datetime.timedelta(days=1)
        for _ in range(n):
            customer = rng.choice([c for c in customers if c.signed_on <= last])
            stop = last
            for gone, on in closed:
                if gone is customer:
                    stop = min(stop, on - datetime.timedelta(days=1))
            start = max(first, customer.signed_on)
            if start > stop:
                continue
            channel = rng.choices(("intra", "inter", "nxy"), (6, 3, 1))[0]
            amount = Decimal(rng.randint(1, 60) * 100)
            rows.append([customer.id, day_time(rng, random_day(rng, start, stop), 7, 22), channel, amount])
    # The customer closed mid-December transferred in December before closing: not active at its end.
    rows.append([closed[0][0].id, at(datetime.date(2011, 12, 3), 10), "intra", Decimal("800.00")])
    rows.sort(key=lambda row: row[1])
    numbered = [(f"MB{row[1]:%Y%m%d}{n:08d}", *row) for n, row in enumerate(rows, start=1)]
    demo.count(
        "mobile-banking transfers",
        insert_rows(Transfer, ("reference", "customer", "txn_at", "channel", "amount"), numbered),
    )
    change_on_record(
        Customer,
        [(customer, {"status": Customer.Status.CLOSED, "closed_on": on}) for customer, on in closed],
        when=lambda c: at(c.closed_on, 15),
        by=demo.staff,
        reason="客户申请注销手机银行",
    )
