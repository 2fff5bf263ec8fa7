"""The demo county's Jinnong cards since mid-2008, their history, the quarter-end balances, and
the pension and subsidy payments of 2010 and 2011."""

import datetime
from decimal import Decimal

from django.db import connection
from django.db.models import Min, Sum

from cards.models import Card, CardBalance, Disbursement
from ebank import pii

from .bulk import create_on_record, execute, fetch_one, insert_rows
from .common import (
    Demo,
    at,
    luhn_complete,
    month_end,
    person_name,
    random_day,
    resident_id,
    split_amount,
    split_int,
)
from .org import SIZE

CARD_BIN = "623185"  # the union's Jinnong card BIN (fictional)
# Cards issued per period: (year, first month, last month, cards).
ISSUED = (
    (2008, 7, 12, 12_600),
    (2009, 1, 12, 32_400),
    (2010, 1, 3, 7_900),
    (2010, 4, 6, 9_100),
    (2010, 7, 9, 10_200),
    (2010, 10, 12, 11_270),
    (2011, 1, 3, 12_400),
    (2011, 4, 6, 14_900),
    (2011, 7, 9, 15_600),
    (2011, 10, 12, 18_986),  # 61,886 in 2011
)
CLOSED_2010, CLOSED_2011 = 760, 1_433  # 45,000 + 38,470 + 61,886 − 760 − 1,433 = 143,163 in force
LOST, FROZEN = 520, 190
SMS_BY_2010, SMS_BY_2011 = 2_150, 4_833
SMS_LAUNCH = datetime.date(2009, 6, 1)

# Quarter-end balance snapshots: the average per card aimed at on each date; the last is exact.
BALANCE_DATES = (
    (datetime.date(2010, 12, 31), Decimal("2030")),
    (datetime.date(2011, 3, 31), Decimal("2185")),
    (datetime.date(2011, 6, 30), Decimal("2310")),
    (datetime.date(2011, 9, 30), Decimal("2435")),
    (datetime.date(2011, 12, 31), None),
)
BALANCE_2011 = Decimal("365093000.00")

# Payments onto cards: (program, year, dates, households, amount).
PENSION_2010_MONTHS = range(7, 13)  # the new rural pension began in July 2010
DISBURSEMENTS = (
    ("pension", 2010, [datetime.date(2010, m, 12) for m in PENSION_2010_MONTHS], 62_400, "17880000.00"),
    ("pension", 2011, [datetime.date(2011, m, 12) for m in range(1, 13)], 170_000, "50000000.00"),
    (
        "agri_subsidy",
        2010,
        [datetime.date(2010, 3, 19), datetime.date(2010, 6, 11), datetime.date(2010, 11, 19)],
        968_000,
        "1126000000.00",
    ),
    (
        "agri_subsidy",
        2011,
        [
            datetime.date(2011, 3, 18),
            datetime.date(2011, 5, 20),
            datetime.date(2011, 9, 16),
            datetime.date(2011, 11, 25),
        ],
        1_110_000,
        "1400000000.00",
    ),
)
# The share of each subsidy batch (the spring grain and inputs subsidy is the largest).
BATCH_SHARES = {3: (0.5, 0.2, 0.3), 4: (0.42, 0.18, 0.15, 0.25)}

CARD_FIELDS = (
    "number_hash",
    "number_masked",
    "last4",
    "holder_name",
    "holder_id_hash",
    "holder_id_masked",
    "branch",
    "issued_on",
    "status",
    "closed_on",
    "status_changed_on",
    "sms_alert",
    "sms_since",
)


def _issuance(demo: Demo) -> list[list]:
    """Every card as [branch id, issued_on, status, closed_on, status_changed_on, sms, sms_since],
    issued month by month in proportion to the branches' size (and their 2011 drive)."""
    rng = demo.rng
    branches = [b for b in demo.branches.values() if b is not demo.root]
    cards = []
    for year, first, last, total in ISSUED:
        months = list(range(first, last + 1))
        for month, n in zip(months, split_int(total, [rng.uniform(0.85, 1.15) for _ in months])):
            weights = [
                SIZE[b.code] * (demo.drive[demo.level1_of(b).code] if year == 2011 else 1.0) for b in branches
            ]
            weights = [w * rng.uniform(0.9, 1.1) for w in weights]
            start, end = datetime.date(year, month, 1), month_end(year, month)
            for branch, count in zip(branches, split_int(n, weights)):
                for _ in range(count):
                    cards.append([branch.id, random_day(rng, start, end), "active", None, None, False, None])
    cards.sort(key=lambda card: (card[1], card[0]))
    return cards


def _life(demo: Demo, cards: list[list]) -> None:
    """Close, report lost and freeze some cards; give some SMS alerts (exact counts)."""
    rng = demo.rng
    day = datetime.timedelta(days=1)

    def pick(n, eligible):
        return rng.sample([i for i, card in enumerate(cards) if eligible(card)], n)

    for year, n in ((2010, CLOSED_2010), (2011, CLOSED_2011)):
        first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        for i in pick(n, lambda c: c[2] == "active" and c[1] + 20 * day <= last):
            card = cards[i]
            card[2] = "closed"
            card[3] = card[4] = random_day(rng, max(card[1] + 20 * day, first), last)
    end = datetime.date(2011, 12, 31)
    for status, n in (("lost", LOST), ("frozen", FROZEN)):
        for i in pick(n, lambda c: c[2] == "active" and c[1] + 10 * day <= end):
            cards[i][2], cards[i][4] = status, random_day(rng, cards[i][1] + 10 * day, end)
    # SMS alerts: the cards in force at the end of 2011 that have them, exactly, by year.
    for first, last, n in (
        (SMS_LAUNCH, datetime.date(2010, 12, 31), SMS_BY_2010),
        (datetime.date(2011, 1, 1), end, SMS_BY_2011 - SMS_BY_2010),
    ):
        for i in pick(n, lambda c: c[2] != "closed" and not c[5] and c[1] <= last):
            card = cards[i]
            at_issue = card[1] >= first and rng.random() < 0.45
            card[5], card[6] = True, card[1] if at_issue else random_day(rng, max(card[1], first), last)


def cards_load(demo: Demo) -> None:
    """Write the cards (hashed and masked numbers only), one history row at issue and one for a
    later change, and the quarter-end balances."""
    rng = demo.rng
    cards = _issuance(demo)
    _life(demo, cards)
    rows = []
    for i, (branch_id, issued_on, status, closed_on, changed_on, sms, sms_since) in enumerate(cards):
        # A bijection of the position onto 12 digits: distinct numbers, not in issuing order.
        number = luhn_complete(f"{CARD_BIN}{(i * 7_919_317 + 104_729) % 10**12:012d}")
        holder_id = resident_id(rng)
        number_hash, masked = pii.keyed_hash(number), pii.card_mask(number)
        rows.append(
            (
                number_hash,
                masked,
                number[-4:],
                person_name(rng),
                pii.resident_id_hash(holder_id),
                pii.resident_id_mask(holder_id),
                branch_id,
                issued_on,
                status,
                closed_on,
                changed_on,
                sms,
                sms_since,
            )
        )
        if i % 97 == 0:
            demo.card_sample.append((number_hash, masked))
    demo.count("cards", insert_rows(Card, CARD_FIELDS, rows))
    demo.count("card history rows", _card_history())
    demo.count("card balance rows", _balances(demo, cards))


def _local_nine(column: str) -> str:
    """SQL: 09:00 Asia/Shanghai (01:00 UTC) on the date in `column`, as the history stores it."""
    if connection.vendor == "postgresql":
        return f"(({column}) + TIME '01:00') AT TIME ZONE 'UTC'"
    return f"(({column}) || ' 01:00:00')"


def _card_history() -> int:
    """One "+" row per card as it was issued, one "~" row for a card changed later (closed,
    lost, frozen, or SMS alerts added), dated on the day: set-based, INSERT … SELECT."""
    history = Card.history.model._meta.db_table
    tracked = [f.column for f in Card.history.model._meta.concrete_fields if not f.name.startswith("history")]
    names = ", ".join(tracked)
    at_issue = {
        "status": "'active'",
        "closed_on": "NULL",
        "status_changed_on": "NULL",
        "sms_alert": "CASE WHEN sms_since = issued_on THEN sms_alert ELSE %s END",
        "sms_since": "CASE WHEN sms_since = issued_on THEN sms_since END",
    }
    first = ", ".join(at_issue.get(column, column) for column in tracked)
    changed_on = (
        "CASE WHEN status_changed_on IS NULL THEN sms_since "
        "WHEN sms_since IS NULL OR sms_since <= issued_on OR sms_since < status_changed_on "
        "THEN status_changed_on ELSE sms_since END"
    )
    written = execute(
        f"INSERT INTO {history} ({names}, history_date, history_type) "
        f"SELECT {first}, {_local_nine('issued_on')}, '+' FROM {Card._meta.db_table} ORDER BY id",
        [False],
    )
    written += execute(
        f"INSERT INTO {history} ({names}, history_date, history_type) "
        f"SELECT {names}, {_local_nine(changed_on)}, '~' FROM {Card._meta.db_table} "
        f"WHERE status <> %s OR sms_since > issued_on ORDER BY id",
        ["active"],
    )
    return written


def _balances(demo: Demo, cards: list[list]) -> int:
    """Quarter-end snapshots of every card in force: INSERT … SELECT with a skewed balance made
    from the card's position (many small balances, a few large), scaled to the average aimed at;
    then one UPDATE puts the rounding remainder of 2011-12-31 on the largest balance."""
    first = Card.objects.aggregate(first=Min("id"))["first"]
    # Branches in the county town hold more per card; a 分社 follows its 信用社. (Written into the
    # SQL as literals: ids and factors are the loader's own numbers.)
    factor = " ".join(
        f"WHEN {b.id} THEN {demo.balance_factor[demo.level1_of(b).code]:.3f}"
        for b in demo.branches.values()
        if b is not demo.root
    )
    written = 0
    for k, (as_of, average) in enumerate(BALANCE_DATES):
        # n: the card's position (stable from one loading to the next); u: its wealth, 0…999.
        source = (
            "FROM (SELECT id, branch_id, id - %s AS n, (id - %s) * 7919 %% 1000 AS u "
            f"FROM {Card._meta.db_table} "
            "WHERE issued_on <= %s AND (closed_on IS NULL OR closed_on > %s)) AS c"
        )
        raw = (
            f"((c.u * c.u * c.u) / 1000 + c.n * 37 %% 100) * (85 + (c.n * 31 + {k} * 17) %% 31)"
            f" * (CASE c.branch_id {factor} ELSE 1 END)"
        )
        day = connection.ops.adapt_datefield_value(as_of)
        params = [first, first, day, day]
        raw_total = Decimal(str(fetch_one(f"SELECT SUM({raw}) {source}", params)[0]))
        in_force = sum(1 for c in cards if c[1] <= as_of and (c[3] is None or c[3] > as_of))
        total = BALANCE_2011 if average is None else average * in_force
        scale = (total / raw_total).quantize(Decimal("1e-12"))
        written += execute(
            f"INSERT INTO {CardBalance._meta.db_table} (card_id, as_of, balance) "
            f"SELECT c.id, %s, ROUND({raw} * %s, 2) {source}",
            [day, scale, *params],
        )
    as_of = BALANCE_DATES[-1][0]
    rows = CardBalance.objects.filter(as_of=as_of)
    remainder = BALANCE_2011 - rows.aggregate(total=Sum("balance"))["total"]
    largest, balance = rows.order_by("-balance", "id").values_list("id", "balance")[0]
    rows.filter(id=largest).update(balance=(balance + remainder).quantize(Decimal("0.01")))
    return written


def disbursements_load(demo: Demo) -> None:
    """Pension paid monthly and agricultural subsidies in batches, by every 信用社 and the
    营业部, adding up exactly to the year's households and amounts."""
    rng = demo.rng
    rows = []
    for program, _year, dates, households, amount in DISBURSEMENTS:
        batch = BATCH_SHARES.get(len(dates)) if program == "agri_subsidy" else None
        cells = [
            (paid_on, branch)
            for d, paid_on in enumerate(dates)
            for branch in demo.level1
            if (batch is None or batch[d])
        ]
        weights = [
            SIZE[branch.code]
            * (batch[dates.index(paid_on)] if batch else 1 + 0.01 * dates.index(paid_on))
            * rng.uniform(0.9, 1.1)
            for paid_on, branch in cells
        ]
        split_households = split_int(households, weights)
        # Amount per household varies a little between branches and batches.
        amounts = split_amount(Decimal(amount), [w * rng.uniform(0.95, 1.05) for w in weights])
        for (paid_on, branch), n, paid in zip(cells, split_households, amounts):
            row = Disbursement(program=program, paid_on=paid_on, branch=branch, households=n, amount=paid)
            rows.append(row)
    created = create_on_record(
        Disbursement, rows, when=lambda row: at(row.paid_on, 16), by=demo.staff, reason="代发批次入账"
    )
    demo.count("disbursements", len(created))
