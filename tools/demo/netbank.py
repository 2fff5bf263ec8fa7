"""The demo county's online banking: customers since late 2009 with their security media,
transfers of 2010 and 2011 by channel, the holiday calendar, tickets and spot checks."""

import datetime
from decimal import Decimal

from netbanking.models import CalendarDay, Customer, SecurityMedium, SpotCheck, Ticket, Transfer
from netbanking.selectors import working_day_after
from netbanking.services import TICKET_WORKING_DAYS

from .bulk import change_on_record, create_on_record, insert_rows
from .common import (
    HOLIDAYS,
    WORKDAYS,
    Demo,
    at,
    day_time,
    month_end,
    person_name,
    random_day,
    split_amount,
    split_int,
)
from .org import SIZE
from .terminals import SHOP_NAMES, _place

# kind → (signed per year, closed per year)
CUSTOMERS = {
    "personal": ({2009: 112, 2010: 318, 2011: 784}, {2010: 6, 2011: 23}),  # 1,185 at the end of 2011
    "corporate": ({2009: 12, 2010: 22, 2011: 67}, {2010: 1, 2011: 2}),  # 98
}
LAUNCH = datetime.date(2009, 10, 15)  # online banking opened to customers
# (kind, channel) → year → (transfers, amount)
TRANSFERS = {
    ("personal", "intra"): {2010: (1102, "18750000.00"), 2011: (3233, "56664000.00")},
    ("personal", "inter"): {2010: (736, "22380000.00"), 2011: (2627, "75169000.00")},
    ("personal", "nxy"): {2010: (6, "210000.00"), 2011: (21, "970000.00")},
    ("corporate", "intra"): {2010: (18, "1620000.00"), 2011: (52, "5593000.00")},
    ("corporate", "inter"): {2010: (41, "11350000.00"), 2011: (139, "39730000.00")},
    ("corporate", "nxy"): {2010: (1, "450000.00"), 2011: (3, "1777000.00")},
}
COMPANY_KINDS = (
    "农资有限公司",
    "建筑工程有限公司",
    "粮油贸易有限公司",
    "农民专业合作社",
    "商贸有限公司",
    "养殖有限公司",
    "食品有限公司",
    "运输有限公司",
    "建材有限公司",
    "茶业有限公司",
)
MEDIA_SERIAL = {"usb_key": "UK", "otp_token": "OTP", "password_card": "KL", "sms": ""}
TICKETS = (
    ("fault", "U盾无法识别", "客户插入U盾后网银页面提示未检测到证书，重装驱动后仍无法使用。"),
    ("fault", "证书过期无法登录", "客户登录个人网银提示证书已过期，需更新证书。"),
    ("fault", "跨行转账未到账", "客户网银跨行转账显示成功，收款方次日仍未收到款项。"),
    ("fault", "口令卡坐标错误", "客户多次输入口令卡坐标提示错误，口令卡已锁定。"),
    ("fault", "农信银汇款退回", "客户通过农信银渠道汇款被退回，原因未知。"),
    ("fault", "电子密码器无显示", "客户电子密码器按键后无显示，无法完成转账。"),
    ("complaint", "柜台办理网银等待时间长", "客户反映办理网银签约排队时间过长。"),
    ("complaint", "短信通知未收到", "客户反映网银转账后未收到短信通知。"),
    ("complaint", "对转账手续费有异议", "客户对跨行转账手续费收取标准有异议。"),
)
RESOLUTIONS = {
    "U盾无法识别": "上门协助客户更换U盾驱动程序，U盾恢复正常。",
    "证书过期无法登录": "指导客户在网点完成证书更新，已可正常登录。",
    "跨行转账未到账": "经向省联社查询，系收款行系统延迟入账，款项已于次日到账，已告知客户。",
    "口令卡坐标错误": "为客户办理口令卡解锁并重新告知使用方法。",
    "农信银汇款退回": "收款人户名与账号不符被退回，已协助客户核实后重新汇款。",
    "电子密码器无显示": "电子密码器电池耗尽，为客户更换新电子密码器。",
    "柜台办理网银等待时间长": "已向客户致歉，营业部增设网银签约专柜。",
    "短信通知未收到": "客户手机号码变更未登记，已更新号码。",
    "对转账手续费有异议": "向客户解释收费标准依据省联社文件，客户表示理解。",
}
SPOT_FINDINGS = (
    "个人网银签约申请书2份客户未签字",
    "企业网银U盾领用登记簿登记不完整",
    "网银签约资料未按月装订归档",
    "1份签约资料身份证复印件未加盖核对章",
)


def customers_load(demo: Demo) -> dict[str, list[Customer]]:
    """Personal and corporate customers signed by branch, some closed; their security media."""
    rng = demo.rng
    branches = [b for b in demo.branches.values() if b is not demo.root]
    by_kind: dict[str, list[Customer]] = {}
    closings = []
    seq = 0
    for kind, (signed, closed) in CUSTOMERS.items():
        customers = []
        for year, n in signed.items():
            start = LAUNCH if year == 2009 else datetime.date(year, 1, 1)
            weights = [
                SIZE[b.code] * (demo.drive[demo.level1_of(b).code] if year == 2011 else 1) for b in branches
            ]
            for branch, count in zip(branches, split_int(n, weights)):
                for _ in range(count):
                    seq += 1
                    customers.append(
                        Customer(
                            customer_no=f"{'8' if kind == 'personal' else '9'}{branch.code:0<5}{seq:06d}",
                            kind=kind,
                            name=person_name(rng)
                            if kind == "personal"
                            else f"青山县{_place(branch)}{rng.choice(SHOP_NAMES)}{rng.choice(COMPANY_KINDS)}",
                            branch=branch,
                            signed_on=random_day(rng, start, datetime.date(year, 12, 31)),
                            status=Customer.Status.ACTIVE,
                            security_media=_media(rng, kind),
                        )
                    )
        customers.sort(key=lambda c: c.signed_on)
        create_on_record(
            Customer, customers, when=lambda c: at(c.signed_on, 11), by=demo.staff, reason="网银签约"
        )
        for year, n in closed.items():
            first = datetime.date(year, 1, 1)
            eligible = [
                c for c in customers if c.status == "active" and c.signed_on < datetime.date(year, 12, 1)
            ]
            for customer in rng.sample(eligible, n):
                customer.status = Customer.Status.CLOSED  # decided now, written below with its history
                closings.append(
                    (
                        customer,
                        random_day(
                            rng,
                            max(first, customer.signed_on + datetime.timedelta(30)),
                            datetime.date(year, 12, 31),
                        ),
                    )
                )
        by_kind[kind] = customers
        demo.count(f"{kind} online-banking customers", len(customers))
    change_on_record(
        Customer,
        [(customer, {"status": Customer.Status.CLOSED, "closed_on": on}) for customer, on in closings],
        when=lambda c: at(c.closed_on, 15),
        by=demo.staff,
        reason="客户申请注销网银",
    )
    _security_media(demo, [c for customers in by_kind.values() for c in customers])
    return by_kind


def _media(rng, kind: str) -> str:
    if kind == "corporate":
        kinds = ["usb_key", "sms"] if rng.random() < 0.6 else ["usb_key"]
    else:
        kinds = rng.choices(
            (["password_card", "sms"], ["usb_key", "sms"], ["otp_token", "sms"], ["usb_key"]), (5, 3, 1, 1)
        )[0]
    return "|".join(sorted(kinds))


def _security_media(demo: Demo, customers: list[Customer]) -> None:
    """Each customer's media as the extract names them, and a few replaced (lost U盾, a used-up
    password card, a token with a flat battery)."""
    rng = demo.rng
    media = []
    for customer in customers:
        for kind in customer.security_media.split("|"):
            prefix = MEDIA_SERIAL[kind]
            media.append(
                SecurityMedium(
                    customer=customer,
                    kind=kind,
                    serial_no=f"{prefix}{rng.randint(10**9, 10**10 - 1)}" if prefix else "",
                    issued_on=customer.signed_on,
                )
            )
    create_on_record(SecurityMedium, media, when=lambda m: at(m.issued_on, 11), by=demo.staff)
    reasons = {"usb_key": "U盾遗失", "password_card": "口令卡使用完毕", "otp_token": "电子密码器电池耗尽"}
    replaceable = [
        m
        for m in media
        if m.kind in reasons and m.customer.status == "active" and m.issued_on < datetime.date(2011, 6, 1)
    ]
    replaced, replacements = [], []
    for old in rng.sample(replaceable, 15):
        on = random_day(
            rng,
            max(old.issued_on + datetime.timedelta(60), datetime.date(2011, 1, 1)),
            datetime.date(2011, 12, 20),
        )
        replaced.append((old, on))
        replacements.append(
            SecurityMedium(
                customer=old.customer,
                kind=old.kind,
                serial_no=f"{MEDIA_SERIAL[old.kind]}{rng.randint(10**9, 10**10 - 1)}",
                issued_on=on,
                replaces=old,
                reason=reasons[old.kind],
            )
        )
    # The old medium is marked replaced first: only one of a kind may be in use.
    change_on_record(
        SecurityMedium,
        [(old, {"status": "replaced", "replaced_on": on}) for old, on in replaced],
        when=lambda m: at(m.replaced_on, 10),
        by=demo.staff,
    )
    create_on_record(
        SecurityMedium,
        replacements,
        when=lambda m: at(m.issued_on, 10, 5),
        by=demo.staff,
        reason="更换安全介质",
    )
    demo.count("security media", len(media) + len(replacements))


def transfers_load(demo: Demo, customers: dict[str, list[Customer]]) -> None:
    """Transfers by customers in force on the day; each (kind, channel) exact in count and amount."""
    rng = demo.rng
    rows = []
    for (kind, channel), years in TRANSFERS.items():
        for year, (n, total) in years.items():
            first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
            active = []
            for c in customers[kind]:
                stop = min(last, c.closed_on - datetime.timedelta(1)) if c.closed_on else last
                if max(first, c.signed_on) <= stop:
                    active.append((c, max(first, c.signed_on), stop))
            weights = [min(max(rng.lognormvariate(0, 0.9), 0.1), 8.0) for _ in active]
            picks = rng.choices(active, weights, k=n)
            # Transfers are mostly round sums of a hundred yuan.
            amounts = split_amount(
                Decimal(total), [rng.lognormvariate(0, 0.6) + 0.2 for _ in picks], Decimal(100)
            )
            for (customer, start, stop), amount in zip(picks, amounts):
                rows.append(
                    [customer.id, day_time(rng, random_day(rng, start, stop), 8, 21), channel, amount]
                )
    rows.sort(key=lambda row: row[1])
    numbered = [(f"NB{row[1]:%Y%m%d}{n:08d}", *row) for n, row in enumerate(rows, start=1)]
    demo.count(
        "online-banking transfers",
        insert_rows(Transfer, ("reference", "customer", "txn_at", "channel", "amount"), numbered),
    )


def calendar_load(demo: Demo) -> None:
    """The 2011 holidays and make-up working days (and the 2012 New Year)."""
    days = [
        CalendarDay(day=datetime.date(*ymd), kind=kind, name=name)
        for kind, table in ((CalendarDay.Kind.HOLIDAY, HOLIDAYS), (CalendarDay.Kind.WORKDAY, WORKDAYS))
        for name, dates in table.items()
        for ymd in dates
    ]
    create_on_record(
        CalendarDay, days, when=at(datetime.date(2010, 12, 20), 10), by=demo.staff, reason="国务院放假安排"
    )
    demo.count("calendar days", len(days))


def tickets_load(demo: Demo, customers: dict[str, list[Customer]]) -> None:
    """Three dozen fault and complaint tickets of 2011, T+3 working days each; two late, and two
    of the last days of December still open."""
    rng = demo.rng
    opened = sorted(
        random_day(rng, datetime.date(2011, 1, 4), datetime.date(2011, 12, 23)) for _ in range(34)
    )
    opened += [datetime.date(2011, 12, 27), datetime.date(2011, 12, 29)]
    signed = [
        c for c in customers["personal"] + customers["corporate"] if c.signed_on <= datetime.date(2011, 1, 1)
    ]
    tickets, closings = [], []
    for n, day in enumerate(opened):
        kind, subject, description = rng.choice(TICKETS)
        customer = rng.choice([c for c in signed if c.signed_on <= day] or signed)
        branch = customer.branch
        manager = demo.managers[branch.id]
        ticket = Ticket(
            kind=kind,
            branch=branch,
            customer=customer,
            subject=subject,
            description=description,
            opened_at=day_time(rng, day, 9, 16),
            opened_by=manager,
            deadline=working_day_after(start=day, days=TICKET_WORKING_DAYS),
            assigned_to=demo.staff if kind == "fault" else manager,
        )
        tickets.append(ticket)
        if n < len(opened) - 2:
            late = n in (7, 21)
            closed_day = (
                ticket.deadline + datetime.timedelta(days=2)
                if late
                else random_day(rng, day, ticket.deadline)
            )
            closed_at = max(ticket.opened_at + datetime.timedelta(hours=2), day_time(rng, closed_day, 9, 17))
            closings.append(
                (ticket, {"status": "closed", "closed_at": closed_at, "resolution": RESOLUTIONS[subject]})
            )
        elif n == len(opened) - 2:
            closings.append((ticket, {"status": "in_progress"}))
    create_on_record(Ticket, tickets, when=lambda t: t.opened_at, by=lambda t: t.opened_by)
    change_on_record(
        Ticket,
        closings,
        when=lambda t: t.closed_at or t.opened_at + datetime.timedelta(hours=3),
        by=lambda t: t.assigned_to,
    )
    demo.count("tickets", len(tickets))


def spot_checks_load(demo: Demo) -> None:
    """Every month of 2011 the department checks the sign-up documents of three branches."""
    rng = demo.rng
    checks, rectified = [], []
    rotation = list(demo.level1)
    rng.shuffle(rotation)
    findings_at = set(rng.sample(range(36), len(SPOT_FINDINGS)))
    for month in range(1, 13):
        for k in range(3):
            n = (month - 1) * 3 + k
            branch = rotation[n % len(rotation)]
            checked_on = min(datetime.date(2011, month, 20 + k * 2), month_end(2011, month))
            finding = SPOT_FINDINGS[sorted(findings_at).index(n)] if n in findings_at else ""
            check = SpotCheck(
                branch=branch,
                checked_on=checked_on,
                checked_by=demo.staff,
                scope="个人及企业网银签约资料、U盾领用登记",
                documents_checked=rng.randint(20, 60),
                findings=finding,
                rectify_by=checked_on + datetime.timedelta(days=10) if finding else None,
            )
            checks.append(check)
            if finding:
                days_taken = 13 if len(rectified) == 1 else rng.randint(2, 9)  # one was late
                rectified.append((check, checked_on + datetime.timedelta(days=days_taken)))
    create_on_record(SpotCheck, checks, when=lambda c: at(c.checked_on, 16), by=demo.staff)
    change_on_record(
        SpotCheck,
        [
            (check, {"rectified_on": on, "rectification": "已责成网点补正资料，复查合格。"})
            for check, on in rectified
        ],
        when=lambda c: at(c.rectified_on, 16),
        by=demo.staff,
    )
    demo.count("spot checks", len(checks))
