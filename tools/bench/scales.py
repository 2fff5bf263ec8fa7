"""The sizes the benchmark runs at. County is one county union's size; province the size of a
province's union; tiny only proves that every measurement runs (the test suite)."""

from dataclasses import dataclass

# Every date of the data set falls in this year or before it; the assessment is its fourth quarter.
YEAR = 2024


@dataclass(frozen=True)
class Scale:
    name: str
    unions: int  # credit unions under the head office: the branches assessed
    sub_branches: int  # 分社, each under one credit union
    cards: int
    months: int  # month-end balance snapshots (every card in each), the last ones of YEAR
    merchants: int
    pos: int
    atms: int
    terminal_txns: int
    customers: int
    transfers: int
    service_points: int  # 助农取款服务点, in villages, each under a branch
    service_point_txns: int
    memory_rows: tuple[int, int]  # the two import sizes whose peak memory is compared
    repeats: int  # timings of figures, SQL and the assessment (the median is kept)
    page_requests: int  # requests per admin page (p50/p95)
    api_seconds: float  # per round of the requests-per-second measurement (two rounds each)

    @property
    def balance_rows(self) -> int:
        return self.cards * self.months


SCALES = {
    "tiny": Scale(
        name="tiny",
        unions=4,
        sub_branches=3,
        cards=2_000,
        months=3,
        merchants=60,
        pos=80,
        atms=10,
        terminal_txns=4_000,
        customers=500,
        transfers=3_000,
        service_points=20,
        service_point_txns=500,
        memory_rows=(1_000, 6_000),
        repeats=2,
        page_requests=3,
        api_seconds=0.5,
    ),
    # About a county union: 150,000 cards and a year of month-end snapshots (1.8 million rows).
    # Transactions and transfers are kept to a few months' worth of a county so that the whole run
    # stays near ten minutes on two cores.
    "county": Scale(
        name="county",
        unions=20,
        sub_branches=12,
        cards=150_000,
        months=12,
        merchants=1_500,
        pos=2_000,
        atms=120,
        terminal_txns=300_000,
        customers=30_000,
        transfers=150_000,
        service_points=300,
        service_point_txns=60_000,
        memory_rows=(100_000, 1_000_000),
        repeats=5,
        page_requests=20,
        api_seconds=5.0,
    ),
    # A province: 100 branches, 2 million cards, 24 million balance rows, 10 million terminal
    # transactions, 2 million transfers; 400,000 online-banking customers (one card holder in five),
    # one in five of them on mobile banking; 4,000 service points (one per few villages) and a
    # million transactions at them.
    "province": Scale(
        name="province",
        unions=100,
        sub_branches=60,
        cards=2_000_000,
        months=12,
        merchants=20_000,
        pos=25_000,
        atms=1_500,
        terminal_txns=10_000_000,
        customers=400_000,
        transfers=2_000_000,
        service_points=4_000,
        service_point_txns=1_000_000,
        memory_rows=(100_000, 1_000_000),
        repeats=2,
        page_requests=20,
        api_seconds=10.0,
    ),
}
