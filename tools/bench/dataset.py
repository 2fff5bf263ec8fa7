"""The synthetic data set, written as the extract files of docs/extracts.md (CSV, UTF-8, English
headers): Luhn-valid card numbers, resident IDs with a right check digit, every reference known,
every rule of the formats kept. Seeded, so one scale always gives the same files.

The branch tree is the head office, the credit unions below it (the branches assessed) and a few
分社 below some of them. Every card has a balance row in every month-end snapshot (0.00 before it
was issued or after it was closed), as a core-banking snapshot of all accounts would.
"""

import calendar
import csv
import datetime
import json
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from ebank import pii

from .scales import YEAR, Scale

# The order of the loads: each file's references are known by the time it is imported.
KINDS = [
    "branches",
    "cards",
    "card_balances",
    "merchants",
    "terminals",
    "terminal_txns",
    "netbank_customers",
    "netbank_transfers",
    "service_points",
    "service_point_txns",
    "disbursements",
    "assessment_plan",
    "targets",
]

# The assessment plan of YEAR: metric -> weight (100 points).
PLAN = {
    "cards_total": 15,
    "new_cards": 10,
    "card_balance": 15,
    "sms_cards": 5,
    "pos_total": 10,
    "pos_txn_count": 10,
    "pos_txn_amount": 5,
    "atm_txn_count": 10,
    "netbank_personal_total": 10,
    "new_netbank_personal": 5,
    "netbank_personal_transfer_count": 5,
}

START, END = datetime.date(YEAR, 1, 1), datetime.date(YEAR, 12, 31)
FIRST_DAY = datetime.date(2012, 1, 1)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐"
GIVEN = "伟 芳 娜 秀英 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超".split()
_DOUBLED = str.maketrans("0123456789", "0246813579")


@dataclass
class Dataset:
    directory: Path
    files: dict[str, Path] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    branch_code: str = ""  # a credit union with 分社 below it: the figures of one branch


def dataset_save(dataset: Dataset) -> Path:
    """Describe the data set in its directory (dataset.json), for a later run over its database."""
    path = dataset.directory / "dataset.json"
    described = {
        "files": {kind: file.name for kind, file in dataset.files.items()},
        "rows": dataset.rows,
        "branch_code": dataset.branch_code,
    }
    path.write_text(json.dumps(described, indent=2), encoding="utf-8")
    return path


def dataset_load(directory: Path) -> Dataset:
    """The data set an earlier run generated and described in `directory` (dataset_save)."""
    described = json.loads((directory / "dataset.json").read_text(encoding="utf-8"))
    return Dataset(
        directory=directory,
        files={kind: directory / name for kind, name in described["files"].items()},
        rows=described["rows"],
        branch_code=described["branch_code"],
    )


def luhn_complete(body: str) -> str:
    """Append the Luhn check digit to a string of digits."""
    reverse = body[::-1]
    total = sum(reverse[0::2].translate(_DOUBLED).encode()) + sum(reverse[1::2].encode()) - 48 * len(body)
    return body + str(-total % 10)


def resident_id(rng: random.Random) -> str:
    """A made-up resident ID number with a right check digit."""
    born = f"{rng.randint(1950, 2004)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    body = f"341621{born}{rng.randint(0, 999):03d}"
    return body + pii.ID_CHECK_CHARS[sum(int(d) * w for d, w in zip(body, pii.ID_WEIGHTS)) % 11]


def _day(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    return first + datetime.timedelta(days=rng.randint(0, (last - first).days))


def _yuan(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100}.{cents % 100:02d}"


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def month_ends(months: int) -> list[datetime.date]:
    """The last `months` month-ends of YEAR."""
    return [datetime.date(YEAR, m, calendar.monthrange(YEAR, m)[1]) for m in range(13 - months, 13)]


class _Writer:
    """One extract file: a header, then rows (lists of text), buffered."""

    def __init__(self, dataset: Dataset, kind: str, header: list[str]):
        self.dataset, self.kind = dataset, kind
        self.path = dataset.directory / f"{kind}.csv"
        self.stream = open(self.path, "w", encoding="utf-8", newline="")
        self.writer = csv.writer(self.stream, lineterminator="\n")
        self.writer.writerow(header)
        self.count = 0
        self.buffer: list[str] = []

    def row(self, *cells) -> None:
        self._flush()  # after any buffered line, in order
        self.writer.writerow(cells)
        self.count += 1

    def line(self, text: str) -> None:
        """A ready-made line, ending in a newline (the big files, where the csv module's quoting is
        not needed), buffered and written 50,000 at a time."""
        self.buffer.append(text)
        if len(self.buffer) >= 50_000:
            self._flush()

    def _flush(self) -> None:
        self.stream.write("".join(self.buffer))
        self.count += len(self.buffer)
        self.buffer.clear()

    def close(self) -> None:
        self._flush()
        self.stream.close()
        self.dataset.files[self.kind] = self.path
        self.dataset.rows[self.kind] = self.count


def dataset_generate(*, scale: Scale, directory: Path, seed: int = 9) -> Dataset:
    """Write every extract of the data set at `scale` into `directory`."""
    rng = random.Random(seed)
    dataset = Dataset(directory=directory)
    # Per credit union, what the targets are set against (about what the assessment will find).
    tally: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))

    # Branches: the head office, the credit unions, the 分社.
    out = _Writer(dataset, "branches", ["code", "name", "parent_code"])
    out.row("000000", "联社营业部", "")
    unions = [(f"{i:03d}", f"第{i}信用社") for i in range(1, scale.unions + 1)]
    for code, name in unions:
        out.row(code, name, "000000")
    owners = [(code, code, name) for code, name in unions]  # (branch code, its credit union, name)
    below: dict[str, int] = defaultdict(int)
    for j in range(scale.sub_branches):
        union_code, union_name = unions[j % len(unions)]
        below[union_code] += 1
        code = f"{union_code}{below[union_code]:02d}"
        name = f"{union_name}第{below[union_code]}分社"
        out.row(code, name, union_code)
        owners.append((code, union_code, name))
    out.close()
    dataset.branch_code = max(unions, key=lambda union: below[union[0]])[0]

    # Cards.
    out = _Writer(
        dataset,
        "cards",
        [
            "card_no",
            "holder_name",
            "holder_id_no",
            "branch_code",
            "issued_on",
            "status",
            "closed_on",
            "sms_alert",
            "sms_since",
        ],
    )
    numbers, issued, closed, union_of, base = [], [], [], [], []
    for i in range(scale.cards):
        number = luhn_complete(f"621778{i:012d}")
        code, union, _name = owners[rng.randrange(len(owners))]
        on = _day(rng, FIRST_DAY, END)
        r = rng.random()
        status = "closed" if r < 0.08 else "lost" if r < 0.10 else "frozen" if r < 0.11 else "active"
        closed_on = _day(rng, on, END) if status == "closed" else None
        sms = rng.random() < 0.55
        sms_since = min(on + datetime.timedelta(days=rng.randint(0, 400)), END) if sms else None
        out.row(
            number,
            _person(rng),
            resident_id(rng),
            code,
            on.isoformat(),
            status,
            closed_on.isoformat() if closed_on else "",
            "1" if sms else "0",
            sms_since.isoformat() if sms_since else "",
        )
        numbers.append(number)
        issued.append(on.toordinal())
        closed.append(closed_on.toordinal() if closed_on else 10**7)
        union_of.append(union)
        base.append(rng.randint(0, 2_000_000))  # cents
        if closed_on is None:
            tally[union]["cards_total"] += 1
            tally[union]["sms_cards"] += 1 if sms else 0
        tally[union]["new_cards"] += 1 if on >= START else 0
    out.close()

    # Month-end balance snapshots: every card in each.
    out = _Writer(dataset, "card_balances", ["card_no", "as_of", "balance"])
    ends = month_ends(scale.months)
    for m, as_of in enumerate(ends):
        day, text = as_of.toordinal(), as_of.isoformat()
        for i in range(scale.cards):
            if issued[i] <= day < closed[i]:
                cents = max(base[i] + (i * 7919 + m * 104729) % 200_000 - 100_000, 0)
            else:
                cents = 0
            out.line(f"{numbers[i]},{text},{cents // 100}.{cents % 100:02d}\n")
            if as_of == END and cents:
                tally[union_of[i]]["card_balance"] += Decimal(cents) / 100
    out.close()

    # Merchants and terminals.
    out = _Writer(
        dataset,
        "merchants",
        ["merchant_no", "name", "branch_code", "mcc", "signed_on", "status", "terminated_on"],
    )
    merchants = []
    for i in range(scale.merchants):
        code, union, _name = owners[rng.randrange(len(owners))]
        signed = _day(rng, datetime.date(2010, 1, 1), END)
        ended = _day(rng, signed, END) if rng.random() < 0.05 else None
        number = f"M{i:014d}"
        name = f"{rng.choice(SURNAMES)}记商行{i}"
        out.row(
            number,
            name,
            code,
            rng.choice(["5411", "5812", "5912", "5311", "7011"]),
            signed.isoformat(),
            "terminated" if ended else "active",
            ended.isoformat() if ended else "",
        )
        merchants.append((number, name, code, union, signed))
    out.close()

    out = _Writer(
        dataset,
        "terminals",
        [
            "terminal_no",
            "kind",
            "serial_no",
            "model",
            "branch_code",
            "merchant_no",
            "location",
            "installed_on",
            "status",
            "removed_on",
        ],
    )
    terminals = []  # (terminal_no, kind, union, first second of YEAR it may trade)
    for i in range(scale.pos + scale.atms):
        pos = i < scale.pos
        if pos:
            merchant_no, name, code, union, signed = merchants[
                i if i < len(merchants) else rng.randrange(len(merchants))
            ]
            number, location = f"P{i:07d}", f"{name}收银台"
            installed = _day(rng, max(signed, FIRST_DAY), END)
            model = rng.choice(["新大陆 ME31", "联迪 E350", "百富 S90"])
        else:
            code, union, name = owners[rng.randrange(len(owners))]
            merchant_no, number, location = "", f"A{i:07d}", f"{name}自助银行"
            installed = _day(rng, datetime.date(2010, 1, 1), END)
            model = rng.choice(["广电运通 H68N", "御银 VTM"])
        r = rng.random()
        removed = _day(rng, installed, END) if r < 0.05 else None
        status = "removed" if removed else "faulty" if r < 0.08 else "in_service"
        out.row(
            number,
            "pos" if pos else "atm",
            f"SN{i:09d}",
            model,
            code,
            merchant_no,
            location,
            installed.isoformat(),
            status,
            removed.isoformat() if removed else "",
        )
        if pos and removed is None:
            tally[union]["pos_total"] += 1
        # One POS in twenty never trades: the dormant-POS rule has something to find.
        if not pos or rng.random() >= 0.05:
            terminals.append((number, pos, union, max((installed - START).days, 0) * 86_400))
    out.close()

    # Terminal transactions in YEAR, four in five at a POS.
    out = _Writer(
        dataset,
        "terminal_txns",
        ["reference", "terminal_no", "txn_at", "txn_type", "amount", "fee", "card_no"],
    )
    pos_terminals = [t for t in terminals if t[1]]
    atm_terminals = [t for t in terminals if not t[1]]
    midnight = datetime.datetime(YEAR, 1, 1)
    last_second = ((END - START).days + 1) * 86_400 - 1
    for i in range(scale.terminal_txns):
        r = rng.random()
        number, pos, union, first = rng.choice(
            pos_terminals if r < 0.8 or not atm_terminals else atm_terminals
        )
        at = (midnight + datetime.timedelta(seconds=rng.randint(first, last_second))).isoformat(sep=" ")
        cents = rng.randint(500, 500_000)
        r = rng.random()
        card = numbers[rng.randrange(len(numbers))] if r < 0.7 and numbers else ""
        if 0.7 <= r < 0.9:
            card = luhn_complete(f"622202{rng.randrange(10**12):012d}")
        if pos:
            kind = "refund" if rng.random() < 0.05 else "purchase"
            fee = cents * 38 // 10_000 * (-1 if kind == "refund" else 1)
            if kind == "purchase":
                tally[union]["pos_txn_count"] += 1
            tally[union]["pos_txn_amount"] += Decimal(cents if kind == "purchase" else -cents) / 100
        else:
            kind = rng.choices(["withdrawal", "deposit", "transfer", "inquiry"], [55, 15, 15, 15])[0]
            cents = 0 if kind == "inquiry" else cents // 10_000 * 10_000 + 10_000
            fee = 200 if kind == "withdrawal" and 0.7 <= r < 0.9 else 0
            tally[union]["atm_txn_count"] += 0 if kind == "inquiry" else 1
        out.line(f"T{i:012d},{number},{at},{kind},{_yuan(cents)},{_yuan(fee)},{card}\n")
    out.close()

    # Online banking.
    out = _Writer(
        dataset,
        "netbank_customers",
        ["customer_no", "kind", "name", "branch_code", "signed_on", "status", "closed_on", "security_media"],
    )
    customers = []
    for i in range(scale.customers):
        code, union, _name = owners[rng.randrange(len(owners))]
        r = rng.random()
        kind = "personal" if r < 0.7 else "mobile" if r < 0.9 else "corporate"
        personal = kind != "corporate"
        signed = _day(rng, FIRST_DAY, END)
        ended = _day(rng, signed, END) if rng.random() < 0.05 else None
        media = rng.choice(["usb_key", "sms", "otp_token|sms", "password_card", "sms|usb_key"])
        out.row(
            f"C{i:010d}",
            kind,
            _person(rng) if personal else f"{rng.choice(SURNAMES)}氏农业发展有限公司{i}",
            code,
            signed.isoformat(),
            "closed" if ended else "active",
            ended.isoformat() if ended else "",
            media if personal else "usb_key",
        )
        if kind == "personal":
            tally[union]["netbank_personal_total"] += 0 if ended else 1
            tally[union]["new_netbank_personal"] += 1 if signed >= START else 0
        customers.append((f"C{i:010d}", kind == "personal", union, max((signed - START).days, 0) * 86_400))
    out.close()

    out = _Writer(dataset, "netbank_transfers", ["reference", "customer_no", "txn_at", "channel", "amount"])
    for i in range(scale.transfers):
        number, personal, union, first = customers[rng.randrange(len(customers))]
        at = (midnight + datetime.timedelta(seconds=rng.randint(first, last_second))).isoformat(sep=" ")
        channel = rng.choices(["intra", "inter", "nxy"], [60, 25, 15])[0]
        out.line(f"N{i:012d},{number},{at},{channel},{_yuan(rng.randint(100, 5_000_000))}\n")
        if personal:
            tally[union]["netbank_personal_transfer_count"] += 1
    out.close()

    # Service points (助农取款服务点) in the villages, and their transactions in YEAR.
    out = _Writer(
        dataset,
        "service_points",
        ["point_no", "name", "branch_code", "village", "device", "opened_on", "status", "closed_on"],
    )
    points = []
    for i in range(scale.service_points):
        code, _union, _name = owners[rng.randrange(len(owners))]
        opened = _day(rng, datetime.date(2010, 1, 1), END)
        closed = _day(rng, opened, END) if rng.random() < 0.03 else None
        out.row(
            f"ZN{i:08d}",
            f"第{i}村助农取款服务点",
            code,
            f"第{i}村",
            rng.choice(["pos", "phone", "smart"]),
            opened.isoformat(),
            "closed" if closed else "active",
            closed.isoformat() if closed else "",
        )
        points.append((f"ZN{i:08d}", max((opened - START).days, 0) * 86_400))
    out.close()
    out = _Writer(
        dataset, "service_point_txns", ["reference", "point_no", "txn_at", "txn_type", "amount", "card_no"]
    )
    for i in range(scale.service_point_txns):
        number, first = points[rng.randrange(len(points))]
        at = (midnight + datetime.timedelta(seconds=rng.randint(first, last_second))).isoformat(sep=" ")
        kind = rng.choices(["withdrawal", "transfer", "payment", "inquiry"], [60, 15, 10, 15])[0]
        cents = 0 if kind == "inquiry" else rng.randint(1_000, 300_000)
        card = numbers[rng.randrange(len(numbers))] if numbers else ""
        out.line(f"Z{i:012d},{number},{at},{kind},{_yuan(cents)},{card}\n")
    out.close()

    # Disbursements: each program on the 10th of every month, at every credit union.
    out = _Writer(dataset, "disbursements", ["program", "paid_on", "branch_code", "households", "amount"])
    for month in range(1, 13):
        for program in ("pension", "agri_subsidy", "salary", "other"):
            for code, _name in unions:
                households = rng.randint(50, 3_000)
                out.row(
                    program,
                    datetime.date(YEAR, month, 10).isoformat(),
                    code,
                    households,
                    _yuan(households * rng.randint(10_000, 90_000)),
                )
    out.close()

    # The plan of YEAR, and each credit union's fourth-quarter targets near what it will reach.
    out = _Writer(dataset, "assessment_plan", ["year", "metric", "weight", "cap"])
    for metric, weight in PLAN.items():
        out.row(YEAR, metric, weight, "")
    out.close()
    out = _Writer(dataset, "targets", ["year", "quarter", "branch_code", "metric", "target", "reason"])
    for code, _name in unions:
        for metric in PLAN:
            reached = tally[code][metric]
            target = max(Decimal(1), reached * Decimal(rng.uniform(0.8, 1.25))).quantize(Decimal("0.01"))
            out.row(YEAR, 4, code, metric, f"{target:.2f}", "")
    out.close()
    return dataset


def file_head(*, source: Path, rows: int, target: Path) -> Path:
    """Write the header and the first `rows` rows of an extract file to `target`."""
    with open(source, encoding="utf-8") as reading, open(target, "w", encoding="utf-8") as writing:
        for number, line in enumerate(reading):
            if number > rows:
                break
            writing.write(line)
    return target
