"""What every part of the demo county shares: the seeded randomness, exact splitting of totals,
local times, Chinese names. (Writing many rows at once is bulk.py's.)"""

import datetime
import random
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from typing import Sequence

from django.utils import timezone

from ebank import pii
from ebank.dates import next_month_start

CENT = Decimal("0.01")
YEAR = 2011
PREVIOUS = 2010
# The 2011 holidays and the weekend days worked in exchange (State Council notice of 2010-12),
# and the 2012 New Year, whose make-up working day is Saturday 2011-12-31.
HOLIDAYS = {
    "元旦": [(2011, 1, 1), (2011, 1, 2), (2011, 1, 3)],
    "春节": [(2011, 2, day) for day in range(2, 9)],
    "清明节": [(2011, 4, 3), (2011, 4, 4), (2011, 4, 5)],
    "劳动节": [(2011, 4, 30), (2011, 5, 1), (2011, 5, 2)],
    "端午节": [(2011, 6, 4), (2011, 6, 5), (2011, 6, 6)],
    "中秋节": [(2011, 9, 10), (2011, 9, 11), (2011, 9, 12)],
    "国庆节": [(2011, 10, day) for day in range(1, 8)],
    "2012年元旦": [(2012, 1, 1), (2012, 1, 2), (2012, 1, 3)],
}
WORKDAYS = {
    "春节调休": [(2011, 1, 30), (2011, 2, 12)],
    "清明节调休": [(2011, 4, 2)],
    "国庆节调休": [(2011, 10, 8), (2011, 10, 9)],
    "元旦调休": [(2011, 12, 31)],
}

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
    "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍鹏建红春梅林云飞海燕波宁凤琴亮成国荣新辉文德志"
    "金保福贵全根生发水田喜秋冬雪莲翠花淑珍凯斌晓东俊峰宏伟斌彬琳晨阳光松柏山河长友庆祥瑞"
)
# Region codes of the fictional county's townships (the first six digits of a resident ID).
ID_REGIONS = ("362131", "362132", "362133", "362134")


@dataclass
class Demo:
    """What one loading knows as it goes: the random generator, the branches, the logins, and
    the numbers the parts hand each other."""

    rng: random.Random
    now: datetime.datetime
    branches: dict[str, object] = field(default_factory=dict)  # code → Branch
    branch_by_id: dict[int, object] = field(default_factory=dict)
    root: object = None
    level1: list = field(default_factory=list)  # 营业部 and 信用社: the assessed branches
    staff: object = None
    leader: object = None
    managers: dict[int, object] = field(default_factory=dict)  # branch id → its manager
    drive: dict[str, float] = field(default_factory=dict)  # 信用社 code → 2011 sales drive
    balance_factor: dict[str, float] = field(default_factory=dict)  # 信用社 code → wealth of depositors
    card_sample: list[tuple[str, str]] = field(default_factory=list)  # (hash, masked) of demo cards
    counts: dict[str, int] = field(default_factory=dict)

    def count(self, label: str, n: int) -> None:
        self.counts[label] = self.counts.get(label, 0) + n

    def level1_of(self, branch) -> object:
        """The 信用社 or 营业部 a branch belongs to (itself, or its parent for a 分社)."""
        return branch if branch.parent_id == self.root.id else self.branch_by_id[branch.parent_id]


# --- time ---------------------------------------------------------------------------------------


def at(day: datetime.date, hour: int, minute: int = 0, second: int = 0) -> datetime.datetime:
    """A local (Asia/Shanghai) moment of a day, aware."""
    return datetime.datetime.combine(
        day, datetime.time(hour, minute, second), timezone.get_default_timezone()
    )


def days(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """Every day from start to end, both included."""
    return [start + datetime.timedelta(days=n) for n in range((end - start).days + 1)]


def random_day(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    return start + datetime.timedelta(days=rng.randint(0, (end - start).days))


def month_end(year: int, month: int) -> datetime.date:
    return next_month_start(datetime.date(year, month, 1)) - datetime.timedelta(days=1)


def day_time(rng: random.Random, day: datetime.date, first_hour: int, last_hour: int) -> datetime.datetime:
    """A random local moment of `day` between first_hour:00 and last_hour:59."""
    return at(day, rng.randint(first_hour, last_hour), rng.randint(0, 59), rng.randint(0, 59))


# --- exact totals -------------------------------------------------------------------------------


def split_int(total: int, weights: Sequence[float]) -> list[int]:
    """Split an integer total in proportion to the weights, exactly (largest remainders)."""
    scale = sum(weights)
    shares = [total * weight / scale for weight in weights]
    parts = [int(share) for share in shares]
    order = sorted(range(len(weights)), key=lambda i: shares[i] - parts[i], reverse=True)
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def split_amount(total: Decimal, weights: Sequence[float], unit: Decimal = CENT) -> list[Decimal]:
    """Split an amount in proportion to the weights into multiples of `unit` that add up to the
    total exactly; with positive weights of similar size every part is positive."""
    units = int((total / unit).to_integral_value(ROUND_DOWN))
    parts = [Decimal(n) * unit for n in split_int(units, weights)]
    parts[max(range(len(parts)), key=parts.__getitem__)] += total - sum(parts)
    return parts


def spread(rng: random.Random, n: int, low: float = 0.3, high: float = 3.0) -> list[float]:
    """n positive weights, skewed as real amounts are (log-normal, clipped)."""
    return [min(max(rng.lognormvariate(0, 0.6), low), high) for _ in range(n)]


# --- people and numbers -------------------------------------------------------------------------


def person_name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def luhn_complete(body: str) -> str:
    """Append the Luhn check digit to a string of digits."""
    total = 0
    for position, char in enumerate(reversed(body)):
        digit = int(char)
        if position % 2 == 0:  # doubled once the check digit stands to its right
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return body + str(-total % 10)


def resident_id(rng: random.Random) -> str:
    """A valid 18-character resident ID number (region, birth date, sequence, check digit)."""
    born = datetime.date(1940, 1, 1) + datetime.timedelta(days=rng.randint(0, 19700))
    body = f"{rng.choice(ID_REGIONS)}{born:%Y%m%d}{rng.randint(0, 999):03d}"
    check = pii.ID_CHECK_CHARS[sum(int(d) * w for d, w in zip(body, pii.ID_WEIGHTS)) % 11]
    return body + check


def other_bank_card(rng: random.Random) -> str:
    """A card number of another bank (ABC, ICBC, CCB, postal savings), Luhn-valid."""
    bin_ = rng.choice(("622848", "622202", "621700", "621799"))
    return luhn_complete(bin_ + "".join(str(rng.randint(0, 9)) for _ in range(12)))
