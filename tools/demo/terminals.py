"""The demo county's ATMs, merchants and POS terminals, their transactions in 2010 and 2011, and
the dormant POS reviewed and reclaimed."""

import datetime
from collections import Counter
from decimal import Decimal

from ebank import pii
from terminals.models import DormantPosReview, Merchant, Terminal, TerminalTxn
from terminals.selectors import dormancy_window_start

from .bulk import change_on_record, create_on_record, insert_rows
from .common import Demo, at, day_time, month_end, other_bank_card, random_day, split_amount, split_int
from .org import SIZE

# branch, site, installed on, a cash-recycling machine (takes deposits)
ATMS = (
    ("001", "联社营业部大厅（人民路18号）", "2008-09-26", False),
    ("101", "城关信用社营业室（解放路56号）", "2008-09-26", False),
    ("102", "双桥信用社（双桥镇中心街8号）", "2008-12-10", False),
    ("103", "石门信用社（石门镇新街）", "2009-01-15", False),
    ("106", "河口信用社（河口镇滨河路）", "2009-01-20", False),
    ("108", "龙泉信用社（龙泉镇府前街）", "2009-02-26", False),
    ("10101", "东街分社（东街112号）", "2009-03-12", False),
    ("104", "柳林信用社（柳林镇正街）", "2009-04-20", False),
    ("001", "青山县人民医院门诊楼", "2009-05-18", False),
    ("105", "杨店信用社（杨店镇十字街）", "2009-06-18", False),
    ("110", "新集信用社（新集镇建设路）", "2009-07-08", False),
    ("107", "白塔信用社（白塔镇老街）", "2009-09-10", False),
    ("113", "丰乐信用社（丰乐镇中街）", "2009-10-22", False),
    ("111", "桃园信用社（桃园镇桃花路）", "2009-11-26", False),
    ("101", "青山县步行街", "2010-03-25", False),
    ("109", "马坊信用社（马坊乡政府旁）", "2010-04-22", False),
    ("114", "清水信用社（清水镇东街）", "2010-05-20", False),
    ("001", "青山县汽车站候车厅", "2010-06-08", True),
    ("112", "黄岗信用社（黄岗镇粮站路）", "2010-08-19", False),
    ("10102", "西街分社（西街27号）", "2010-09-15", False),
    ("10601", "渡口分社（渡口村委会旁）", "2010-11-25", False),
    ("001", "青山县政务服务中心", "2010-12-08", True),
    ("102", "双桥镇农贸市场", "2011-01-20", False),
    ("104", "柳林镇政府便民服务大厅", "2011-02-24", False),
    ("110", "新集镇中心小学旁", "2011-03-17", False),
    ("001", "青山县华联超市", "2011-04-22", True),
    ("106", "河口镇便民服务中心", "2011-05-26", False),
    ("10201", "三岔分社（三岔村）", "2011-06-16", False),
    ("10801", "温泉分社（温泉度假区）", "2011-07-08", True),
    ("101", "青山县第一中学门口", "2011-08-30", True),
    ("113", "丰乐镇商业街", "2011-09-22", False),
    ("103", "石门镇农贸市场", "2011-10-11", False),
    ("111", "桃园镇中学门口", "2011-10-14", False),
    ("108", "龙泉镇卫生院", "2011-11-17", True),
    ("105", "杨店镇集贸市场", "2011-12-08", False),
)
ATM_MODELS = ("日立 HT-2845-V", "广电运通 GRG H22N")
CRS_MODEL = "广电运通 GRG H68N 存取款一体机"
POS_MODELS = ("新大陆 NL-8200", "百富 S90", "联迪 E330")
# shop type, MCC, the size of its tickets, its fee rate
SHOPS = (
    ("超市", "5411", 0.4, Decimal("0.0050")),
    ("农资经营部", "5261", 2.0, Decimal("0.0008")),
    ("建材经营部", "5211", 3.0, Decimal("0.0008")),
    ("五金店", "5251", 0.8, Decimal("0.0030")),
    ("家电商场", "5722", 2.5, Decimal("0.0010")),
    ("摩托车经销部", "5571", 3.0, Decimal("0.0008")),
    ("大药房", "5912", 0.3, Decimal("0.0040")),
    ("酒店", "5812", 0.6, Decimal("0.0060")),
    ("服装店", "5651", 0.4, Decimal("0.0050")),
    ("百货商店", "5311", 0.5, Decimal("0.0050")),
)
SHOP_NAMES = (
    "惠民 鑫源 宏发 永兴 福满多 顺达 金穗 丰收 华联 百姓 佳佳 "
    "兴旺 利民 众鑫 恒通 富民 新世纪 红星 天天 隆盛 家乐 金龙"
).split()
PILOTS = ("001", "001", "001", "101", "101", "101", "10101", "102", "103", "106", "108", "110")
NEW_MERCHANTS_2011 = 100
SECOND_POS = 3  # merchants of 2011 with a second POS
PILOT_RECLAIMED, RECLAIMED_2011, DORMANT_AT_END = 3, 12, 4
# purchases, refunds, net amount, fee income of the POS per year
POS_YEARS = {
    2010: (318, 1, Decimal("4126700.00"), Decimal("1286.00")),
    2011: (2990, 12, Decimal("53659900.00"), Decimal("16459.00")),
}
ATM_PER_DAY = {2010: 3.0, 2011: 4.8}
WITHDRAWALS = (
    (100, 8),
    (200, 12),
    (300, 10),
    (500, 18),
    (800, 6),
    (1000, 20),
    (1500, 5),
    (2000, 10),
    (2500, 3),
    (3000, 5),
    (5000, 3),
)
ONE_DAY = datetime.timedelta(days=1)


def _place(branch) -> str:
    """The place a branch is named after (县城 for the 营业部)."""
    return "县城" if branch.code == "001" else branch.name.removesuffix("信用社").removesuffix("分社")


def atms_load(demo: Demo) -> list[Terminal]:
    """Fourteen ATMs before 2010, eight in 2010, thirteen in 2011: at branches, the hospital, the
    bus station, markets and schools."""
    rng = demo.rng
    atms = []
    for n, (code, site, installed, crs) in enumerate(ATMS, start=1):
        installed_on = datetime.date.fromisoformat(installed)
        atms.append(
            Terminal(
                terminal_no=f"QSA{n:05d}",
                kind=Terminal.Kind.ATM,
                serial_no=f"{'GRG' if crs or n % 2 else 'HT'}{installed_on:%y}{rng.randint(100000, 999999)}",
                model=CRS_MODEL if crs else ATM_MODELS[n % 2],
                branch=demo.branches[code],
                location=site,
                installed_on=installed_on,
                status=Terminal.Status.IN_SERVICE,
            )
        )
    create_on_record(Terminal, atms, when=lambda t: at(t.installed_on, 15), by=demo.staff, reason="ATM布放")
    demo.count("ATMs", len(atms))
    return atms


class _Pos:
    """A POS while the demo is made: its terminal, its shop, and until when it sells."""

    def __init__(self, terminal: Terminal, shop: tuple, activity: float, until: datetime.date):
        self.terminal, self.shop, self.activity, self.until = terminal, shop, activity, until


def merchants_load(demo: Demo) -> list[_Pos]:
    """Twelve pilot merchants of 2010 and the hundred of 2011, each with its POS (three with
    two); fifteen POS reclaimed in 2011 after three months without a purchase, four dormant at
    the year's end."""
    rng = demo.rng
    end = datetime.date(2011, 12, 31)
    signings = [
        (demo.branches[code], random_day(rng, datetime.date(2010, 3, 1), datetime.date(2010, 8, 31)))
        for code in PILOTS
    ]
    candidates = [b for b in demo.branches.values() if b is not demo.root]
    weights = [SIZE[b.code] * demo.drive[demo.level1_of(b).code] for b in candidates]
    per_branch = split_int(NEW_MERCHANTS_2011, weights)
    # The merchant drive picked up in the second half of the year.
    months = list(range(1, 13))
    month_weights = [1.0 + 0.12 * m for m in months]
    for branch, n in zip(candidates, per_branch):
        for _ in range(n):
            month = rng.choices(months, month_weights)[0]
            signings.append((branch, random_day(rng, datetime.date(2011, month, 1), month_end(2011, month))))
    signings.sort(key=lambda s: s[1])
    merchants, shops = [], []
    for n, (branch, signed_on) in enumerate(signings, start=1):
        shop = rng.choice(SHOPS)
        shops.append(shop)
        merchants.append(
            Merchant(
                merchant_no=f"1027930{shop[1]}{n:04d}",
                name=f"{_place(branch)}{rng.choice(SHOP_NAMES)}{shop[0]}",
                branch=branch,
                mcc=shop[1],
                signed_on=signed_on,
                status=Merchant.Status.ACTIVE,
            )
        )
    create_on_record(
        Merchant, merchants, when=lambda m: at(m.signed_on, 10), by=demo.staff, reason="商户签约"
    )

    pos, serial = [], 0

    def add_pos(merchant, shop, installed_on):
        nonlocal serial
        serial += 1
        terminal = Terminal(
            terminal_no=f"QSP{serial:05d}",
            kind=Terminal.Kind.POS,
            serial_no=f"POS{installed_on:%y}{rng.randint(1000000, 9999999)}",
            model=rng.choice(POS_MODELS),
            branch=merchant.branch,
            merchant=merchant,
            location=f"{merchant.name}收银台",
            installed_on=installed_on,
            status=Terminal.Status.IN_SERVICE,
        )
        pos.append(_Pos(terminal, shop, min(max(rng.lognormvariate(0, 0.5), 0.3), 3.0), end))

    for merchant, shop in zip(merchants, shops):
        add_pos(merchant, shop, min(merchant.signed_on + rng.randint(1, 7) * ONE_DAY, end))
    big = [p for p in pos if p.terminal.installed_on.year == 2011 and p.shop[2] >= 2.0]
    for p in rng.sample(big[:20], SECOND_POS):
        add_pos(p.terminal.merchant, p.shop, random_day(rng, p.terminal.installed_on + 30 * ONE_DAY, end))
    pos.sort(key=lambda p: (p.terminal.installed_on, p.terminal.terminal_no))
    create_on_record(
        Terminal,
        [p.terminal for p in pos],
        when=lambda t: at(t.installed_on, 15),
        by=demo.staff,
        reason="POS布放",
    )
    demo.count("merchants", len(merchants))
    demo.count("POS", len(pos))
    _dormancy(demo, pos)
    return pos


def _dormancy(demo: Demo, pos: list[_Pos]) -> None:
    """Decide which POS stop selling, when they are found dormant, visited and reclaimed."""
    rng = demo.rng
    terminals_of = Counter(p.terminal.merchant_id for p in pos)
    single = {merchant for merchant, n in terminals_of.items() if n == 1}  # reclaimed with their merchant
    pilots = [p for p in pos if p.terminal.installed_on.year == 2010]
    early = [
        p
        for p in pos
        if p.terminal.merchant_id in single
        and datetime.date(2011, 1, 1) <= p.terminal.installed_on
        and p.terminal.installed_on <= datetime.date(2011, 4, 30)
    ]
    mid = [
        p
        for p in pos
        if p.terminal.merchant_id in single
        and datetime.date(2011, 5, 1) <= p.terminal.installed_on
        and p.terminal.installed_on <= datetime.date(2011, 6, 15)
    ]
    reclaimed_pilots = rng.sample(pilots, PILOT_RECLAIMED)
    dormant = rng.sample([p for p in pilots if p not in reclaimed_pilots], 1) + rng.sample(
        mid, DORMANT_AT_END - 1
    )
    # The pilots that stopped selling in 2010 were reviewed at the year's end and reclaimed in
    # January and February; the 2011 ones at the first month end after three idle months.
    reclaimed = []
    for p in reclaimed_pilots:
        p.until = random_day(rng, p.terminal.installed_on + 20 * ONE_DAY, datetime.date(2010, 9, 28))
        reclaimed.append((p, datetime.date(2010, 12, 31)))
    for p in rng.sample(early, RECLAIMED_2011):
        p.until = p.terminal.installed_on + rng.randint(20, 70) * ONE_DAY
        month = p.until.month + 3  # the window (two months back from as_of) starts after `until`
        reclaimed.append((p, month_end(p.until.year + (month - 1) // 12, (month - 1) % 12 + 1)))
    reviews, removals, terminations, decisions = [], [], [], []
    for p, as_of in reclaimed:
        visited = as_of + rng.randint(3, 12) * ONE_DAY
        removed = visited + rng.randint(1, 5) * ONE_DAY
        review = DormantPosReview(
            terminal=p.terminal, as_of=as_of, window_start=dormancy_window_start(as_of=as_of)
        )
        reviews.append(review)
        decisions.append(
            (
                review,
                {
                    "outcome": DormantPosReview.Outcome.RECLAIMED,
                    "visited_on": visited,
                    "visit_notes": rng.choice(
                        (
                            "商户已停业，POS机闲置，同意撤机。",
                            "商户经营萎缩，表示不再使用POS机，已收回机具。",
                            "商户转让，新业主不再签约，收回POS机。",
                        )
                    ),
                    "decided_by": demo.managers[p.terminal.branch_id],
                },
            )
        )
        removals.append((p.terminal, {"status": Terminal.Status.REMOVED, "removed_on": removed}))
        terminations.append((p.terminal.merchant, {"status": "terminated", "terminated_on": removed}))
    for p in dormant:
        p.until = random_day(rng, datetime.date(2011, 7, 1), datetime.date(2011, 9, 25))
        reviews.append(
            DormantPosReview(
                terminal=p.terminal,
                as_of=datetime.date(2011, 12, 31),
                window_start=dormancy_window_start(as_of=datetime.date(2011, 12, 31)),
            )
        )
    create_on_record(
        DormantPosReview, reviews, when=lambda r: at(r.as_of + ONE_DAY, 2), reason="连续三个月无交易"
    )
    change_on_record(
        DormantPosReview, decisions, when=lambda r: at(r.visited_on, 17), by=lambda r: r.decided_by
    )
    change_on_record(Terminal, removals, when=lambda t: at(t.removed_on, 16), by=demo.staff, reason="撤机")
    change_on_record(
        Merchant, terminations, when=lambda m: at(m.terminated_on, 16), by=demo.staff, reason="解约"
    )
    demo.count("dormant POS reviews", len(reviews))


def _cards(demo: Demo, n_other: int = 1500) -> tuple[list, list]:
    rng = demo.rng
    others = []
    for _ in range(n_other):
        number = other_bank_card(rng)
        others.append((pii.keyed_hash(number), pii.card_mask(number)))
    return demo.card_sample, others


def pos_txns_load(demo: Demo, pos: list[_Pos]) -> None:
    """Purchases and refunds on the POS; each year's count, net amount and fee income exact."""
    rng = demo.rng
    own, others = _cards(demo, 600)
    rows = []
    for year, (purchases, refunds, net, fee_income) in POS_YEARS.items():
        first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        q4 = datetime.date(year, 10, 1)
        selling = []
        for p in pos:
            removed = p.terminal.removed_on
            start = max(p.terminal.installed_on, first)
            stop = min(p.until, last, removed - ONE_DAY if removed else last)
            if start <= stop:
                selling.append((p, start, stop))
        weights = [(stop - start).days * p.activity / p.shop[2] ** 0.5 + 1 for p, start, stop in selling]
        counts = [1 + n for n in split_int(purchases - len(selling), weights)]
        txns = []  # [POS, time, amount weight]
        for (p, start, stop), n in zip(selling, counts):
            for i in range(n):
                # Selling through the year's end means a purchase in its last three months:
                # only the POS meant to be dormant are.
                if i == 0 and stop == last and p.terminal.installed_on < q4:
                    day = random_day(rng, max(start, q4), stop)
                else:
                    day = random_day(rng, start, stop)
                txns.append([p, day_time(rng, day, 8, 20), p.shop[2] * rng.lognormvariate(0, 0.7)])
        txns.sort(key=lambda t: t[1])
        # Refunds: part of some purchases, a few days later; the purchases then add up to the net
        # amount plus the refunds.
        first_cut = split_amount(net, [t[2] for t in txns])
        chosen = rng.sample(range(len(txns)), refunds)
        parts = {i: Decimal(rng.randint(10, 90)) / 100 for i in chosen}
        refunded = {i: (first_cut[i] * parts[i]).quantize(Decimal("0.01")) for i in chosen}
        amounts = split_amount(net + sum(refunded.values()), [t[2] for t in txns])
        raw_fees = [amounts[i] * t[0].shop[3] for i, t in enumerate(txns)]
        scale = fee_income / (sum(raw_fees) - sum(raw_fees[i] * parts[i] for i in chosen))
        refund_fees = {i: -(raw_fees[i] * parts[i] * scale).quantize(Decimal("0.01")) for i in chosen}
        fees = split_amount(fee_income - sum(refund_fees.values()), [float(f) for f in raw_fees])
        for i, (p, when, _w) in enumerate(txns):
            card = rng.choice(own) if rng.random() < 0.7 else rng.choice(others)
            rows.append([p.terminal.id, when, "purchase", amounts[i], fees[i], *card])
            if i in refunded:
                stop = min(last, (p.terminal.removed_on or last + ONE_DAY) - ONE_DAY)
                day = min(when.date() + rng.randint(0, 6) * ONE_DAY, stop)
                later = max(when + datetime.timedelta(hours=1), day_time(rng, day, 9, 17))
                rows.append([p.terminal.id, later, "refund", refunded[i], refund_fees[i], *card])
    demo.count("terminal transactions", _write_txns(rows, "P"))


def atm_txns_load(demo: Demo, atms: list[Terminal]) -> None:
    """Withdrawals, balance inquiries, transfers and (on cash-recycling machines) deposits,
    every day each ATM was in service in 2010 and 2011."""
    rng = demo.rng
    own, others = _cards(demo)
    amounts, amount_weights = zip(*WITHDRAWALS)
    busy = {atm.id: min(max(rng.lognormvariate(0, 0.35), 0.5), 2.0) for atm in atms}
    rows = []
    for year, per_day in ATM_PER_DAY.items():
        day = datetime.date(year, 1, 1)
        while day.year == year:
            # Market days (the 1st, 4th, 7th … of the month in these townships) are busier.
            market = 1.4 if day.day % 3 == 1 else 1.0
            for atm in atms:
                if atm.installed_on > day:
                    continue
                mean = per_day * busy[atm.id] * market
                for _ in range(int(mean * (0.5 + rng.random()) + rng.random())):
                    when = day_time(rng, day, 6, 22)
                    other = rng.random() < 0.3
                    card = rng.choice(others) if other else rng.choice(own)
                    roll = rng.random()
                    if roll < 0.24:
                        rows.append(
                            [atm.id, when, "inquiry", Decimal(0), Decimal("0.30" if other else 0), *card]
                        )
                    elif roll < 0.33:
                        amount = Decimal(rng.randint(20, 2000) * 10)
                        rows.append([atm.id, when, "transfer", amount, Decimal(0), *card])
                    elif roll < 0.38 and atm.model == CRS_MODEL:
                        amount = Decimal(rng.randint(5, 100) * 100)
                        rows.append([atm.id, when, "deposit", amount, Decimal(0), *card])
                    else:
                        amount = Decimal(rng.choices(amounts, amount_weights)[0])
                        rows.append(
                            [atm.id, when, "withdrawal", amount, Decimal("3.00" if other else 0), *card]
                        )
            day += ONE_DAY
    demo.count("terminal transactions", _write_txns(rows, "A"))


def _write_txns(rows: list[list], prefix: str) -> int:
    """Number the transactions (流水号: kind, time, sequence) and write them."""
    rows.sort(key=lambda row: row[1])
    numbered = [(f"{prefix}{row[1]:%Y%m%d%H%M%S}{n:07d}", *row) for n, row in enumerate(rows, start=1)]
    return insert_rows(
        TerminalTxn,
        ("reference", "terminal", "txn_at", "txn_type", "amount", "fee", "card_hash", "card_masked"),
        numbered,
    )


def status_history_load() -> None:
    """Each terminal's status history, as the extract's import keeps it: in service from its
    installation, removed from its removal date (the rows were written past the import)."""
    from django.utils import timezone

    from terminals.models import TerminalStatusPeriod
    from terminals.status import status_sync

    status_sync(
        terminal_model=Terminal, period_model=TerminalStatusPeriod, at=timezone.now(), reason="机具数据导入"
    )
