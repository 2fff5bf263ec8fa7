"""A year of the demo county's logbooks (登记簿), 2011, and the IT log of 2010 and 2011; the ATM
inspections of the last thirty days, so that today's to-do list shows a handful of items.

Entries are append-only: a later fact (a finding rectified, a retained card destroyed) or a
mistake is an amendment that names the entry it corrects and why, as the admin records them."""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from cards.models import CardRiskCheck
from ebank import pii
from infotech.models import ItMaintenance
from terminals.models import (
    AtmCashDifference,
    AtmCashLog,
    AtmFault,
    AtmFaultClearance,
    AtmInspection,
    AtmRepair,
    InspectionCampaign,
    PosMaintenance,
    RetainedCard,
    Terminal,
)

from .bulk import create_rows, insert_rows
from .common import Demo, at, day_time, days, other_bank_card, person_name, random_day
from .org import STAFF_NAMES

YEAR_START, YEAR_END = datetime.date(2011, 1, 1), datetime.date(2011, 12, 31)
MINUTE = datetime.timedelta(minutes=1)
RECENT_SEED = 2012
BACKDATED_SEED = 20110601
INSPECTION_FIELDS = (
    "branch",
    "occurred_at",
    "entered_by",
    "entered_at",
    "correction_reason",
    "is_void",
    "terminal",
    "shift",
    *AtmInspection.CHECKS,
    "findings",
    "rectified_on",
    "campaign",
)
# A failed check and what the branch wrote down.
FINDINGS = (
    ("camera_working", "监控摄像头画面模糊，已通知维护单位调试。"),
    ("notices_posted", "防诈骗安全提示脱落，已重新张贴。"),
    ("surroundings_safe", "自助银行门禁闭门器损坏，已报修。"),
    ("alarm_working", "振动报警器测试无响应，已通知保安公司检修。"),
    ("test_withdrawal_ok", "测试取款凭条打印不清，已更换打印纸。"),
    ("no_skimmer", "插卡口发现可疑粘贴物，已拆除并报告保卫部门，经查为广告贴纸。"),
)
IT_LOG = {2010: (41, 98, 26), 2011: (50, 120, 30)}
IT_TEXT = {
    "network_fault": (
        "{b}网络中断，经查为电信光纤线路故障，联系电信公司抢修后恢复。",
        "{b}路由器死机导致业务中断，重启后恢复。",
        "{b}交换机端口故障，更换端口后恢复。",
        "{b}网络时断时通，更换网线水晶头后正常。",
    ),
    "equipment_repair": (
        "{b}柜员终端针式打印机打印头损坏，更换打印头。",
        "{b}柜员终端主机无法启动，更换电源。",
        "{b}密码键盘故障，更换新密码键盘。",
        "{b}UPS电池老化，更换电池组。",
        "{b}显示器黑屏，送修后恢复。",
    ),
    "software_fault": (
        "{b}柜面系统客户端异常退出，重新安装客户端后恢复。",
        "{b}操作系统感染病毒，查杀并升级病毒库。",
        "{b}前置机服务异常，重启服务后恢复。",
    ),
}
FAULTS = {
    "card_retained": ("客户卡片被吞，已按废卡回收流程处理。", "已取出卡片登记，待持卡人凭身份证领取。"),
    "cash_jam": ("出钞模块卡钞，暂停服务。", "清理卡钞，重新加钞后恢复服务。"),
    "network": ("ATM与前置机通讯中断。", "联系电信公司恢复线路，ATM签到正常。"),
    "hardware": ("凭条打印机不能打印。", "厂家工程师更换打印机部件后恢复。"),
    "power": ("停电导致ATM停机。", "来电后重新启动，检查无异常。"),
    "other": ("屏幕显示异常。", "重启后恢复正常。"),
}
VENDORS = {"日立": "日立（中国）有限公司青山服务站", "广电运通": "广州广电运通金融电子股份有限公司"}
PARTS = (
    ("出钞模块传送皮带", Decimal("680.00")),
    ("读卡器", Decimal("1850.00")),
    ("凭条打印机", Decimal("1200.00")),
    ("加密键盘", Decimal("2400.00")),
    ("主机电源", Decimal("560.00")),
    ("触摸屏", Decimal("3200.00")),
    ("", Decimal("0.00")),
)


def _amendment(original, *, reason: str, entered_at: datetime.datetime, by=None, is_void=False, **changes):
    """A new entry of the same register that corrects `original` (saved), with the reason."""
    model = type(original)
    values = {
        f.attname: getattr(original, f.attname) for f in model._meta.concrete_fields if f.attname != "id"
    }
    values.update(changes)
    values.update(
        amends_id=original.id,
        correction_reason=reason,
        entered_at=entered_at,
        is_void=is_void,
        entered_by_id=(by or original.entered_by).id,
    )
    return model(**values)


def _save(model, entries: list, amendments: list[tuple]) -> int:
    """Write the entries, then the amendments (original, reason, changes) of some of them."""
    written = create_rows(model, entries)
    return written + create_rows(model, [_amendment(original, **changes) for original, changes in amendments])


def campaigns_load(demo: Demo) -> dict[str, InspectionCampaign]:
    """The spring ATM safety campaign and the autumn POS round of 2011."""
    atm = InspectionCampaign.objects.create(
        name="2011年ATM安全专项检查",
        kind=Terminal.Kind.ATM,
        starts_on=datetime.date(2011, 5, 3),
        ends_on=datetime.date(2011, 5, 31),
        notes="逐台检查插卡口、防护罩、监控录像保存、报警联动及安全提示张贴情况。",
    )
    pos = InspectionCampaign.objects.create(
        name="2011年POS机专项巡检",
        kind=Terminal.Kind.POS,
        starts_on=datetime.date(2011, 9, 1),
        ends_on=datetime.date(2011, 10, 31),
        notes="走访全部特约商户，核对机具、检查签购单保管、开展收银员培训。",
    )
    return {"atm": atm, "pos": pos}


def inspections_load(demo: Demo, atms: list[Terminal], campaign: InspectionCampaign) -> None:
    """Twice a day for every ATM in service in 2011 (a dozen slots missed, a few findings) and in
    the last thirty days."""
    rng = demo.rng
    slots = [
        (atm, day, shift)
        for day in days(YEAR_START, YEAR_END)
        for atm in atms
        if atm.installed_on <= day
        for shift in ("morning", "evening")
    ]
    missed = set(rng.sample(range(len(slots)), 12))
    with_finding = rng.sample([i for i in range(len(slots)) if i not in missed], len(FINDINGS) * 3)
    findings = {i: FINDINGS[n % len(FINDINGS)] for n, i in enumerate(with_finding)}
    unrectified = max(with_finding)  # the last finding of the year is still open
    corrected = rng.choice([i for i in range(len(slots)) if i not in missed and i not in findings])
    # A few inspections typed in days later (补录): late entries, not counted as done on time. Drawn
    # apart from the county's own sequence, which the rest of the demo follows.
    backdated = set(
        random.Random(BACKDATED_SEED).sample(
            [i for i in range(len(slots)) if i not in missed and i not in findings and i != corrected], 4
        )
    )
    in_campaign = {}
    for i, (atm, day, shift) in enumerate(slots):
        if (
            campaign.starts_on <= day <= campaign.ends_on
            and shift == "morning"
            and i not in findings
            and i not in missed
            and i != corrected
        ):
            in_campaign.setdefault(atm.id, i)
    rows, kept_aside, amendments = [], [], []
    for i, (atm, day, shift) in enumerate(slots):
        if i in missed:
            continue
        occurred = day_time(rng, day, 7, 9) if shift == "morning" else day_time(rng, day, 18, 21)
        entered = occurred + rng.randint(2, 25) * MINUTE
        if i in backdated:
            entered += datetime.timedelta(days=2 + i % 4, hours=3)
        manager = demo.managers[atm.branch_id]
        checks = dict.fromkeys(AtmInspection.CHECKS, True)
        text, rectified = "", None
        if i in findings:
            check, text = findings[i]
            checks[check] = False
            if i != unrectified:
                rectified = day + datetime.timedelta(days=rng.choice((0, 0, 1, 2, 3)))
        if i == corrected or (i in findings and rectified and rectified > day):
            # Entered as it was seen, corrected later: kept aside for an amendment.
            entry = AtmInspection(
                branch_id=atm.branch_id,
                terminal=atm,
                occurred_at=occurred,
                entered_by=manager,
                entered_at=entered,
                shift=shift,
                findings=text,
                **checks,
            )
            if i == corrected:
                entry.camera_working, entry.findings = False, "监控摄像头无图像。"
                change = {"camera_working": True, "findings": ""}
                reason = "误勾选监控异常，经复核监控工作正常。"
                when = entered + datetime.timedelta(hours=2)
            else:
                change, reason = {"rectified_on": rectified}, "问题已整改，补记整改日期。"
                when = at(rectified, 17)
            kept_aside.append(entry)
            amendments.append((entry, {"reason": reason, "entered_at": when, **change}))
            continue
        rows.append(
            (
                atm.branch_id,
                occurred,
                manager.id,
                entered,
                "",
                False,
                atm.id,
                shift,
                *(checks[c] for c in AtmInspection.CHECKS),
                text,
                rectified,
                campaign.id if in_campaign.get(atm.id) == i else None,
            )
        )
    rows += _recent_inspections(demo, atms)
    written = insert_rows(AtmInspection, INSPECTION_FIELDS, rows)
    demo.count("logbook entries", written + _save(AtmInspection, kept_aside, amendments))


def _recent_inspections(demo: Demo, atms: list[Terminal]) -> list[tuple]:
    """The last thirty days up to now (nothing in the future), two inspections missed this week.

    With a generator of its own: how many slots there are depends on the moment of loading, and
    the rest of the county must not."""
    rng = random.Random(RECENT_SEED)
    now = timezone.localtime(demo.now)
    today = now.date()
    in_service = [atm for atm in atms if atm.removed_on is None]
    missed = {
        (rng.choice(in_service).id, today - datetime.timedelta(days=2), "evening"),
        (rng.choice(in_service).id, today - datetime.timedelta(days=5), "morning"),
    }
    rows = []
    for day in days(today - datetime.timedelta(days=29), today):
        for atm in in_service:
            for shift in ("morning", "evening"):
                occurred = day_time(rng, day, 7, 9) if shift == "morning" else day_time(rng, day, 18, 21)
                if (atm.id, day, shift) in missed or occurred > now - 5 * MINUTE:
                    continue
                entered = min(occurred + rng.randint(2, 25) * MINUTE, now)
                rows.append(
                    (
                        atm.branch_id,
                        occurred,
                        demo.managers[atm.branch_id].id,
                        entered,
                        "",
                        False,
                        atm.id,
                        shift,
                        *([True] * len(AtmInspection.CHECKS)),
                        "",
                        None,
                        None,
                    )
                )
    return rows


def cash_logs_load(demo: Demo, atms: list[Terminal]) -> None:
    """Cash loaded every few days by two custodians; one amount entered wrong and corrected."""
    rng = demo.rng
    custodians = {b.id: [person_name(rng) for _ in range(3)] for b in demo.branches.values()}
    entries = []
    for atm in atms:
        day = max(atm.installed_on, YEAR_START)
        first = atm.installed_on >= YEAR_START
        while day <= YEAR_END:
            occurred = day_time(rng, day, 8, 9)
            a, b = rng.sample(custodians[atm.branch_id], 2)
            loaded = Decimal(rng.choice((200_000, 250_000, 300_000, 400_000)))
            entries.append(
                AtmCashLog(
                    branch_id=atm.branch_id,
                    terminal=atm,
                    occurred_at=occurred,
                    entered_by=demo.managers[atm.branch_id],
                    entered_at=occurred + rng.randint(20, 60) * MINUTE,
                    operation="load" if first else "load_clear",
                    amount_loaded=loaded,
                    amount_cleared=Decimal(0) if first else Decimal(rng.randint(50, 900) * 100),
                    custodian_a=a,
                    custodian_b=b,
                )
            )
            first = False
            day += datetime.timedelta(days=rng.randint(3, 5))
    wrong = rng.choice([e for e in entries if e.amount_loaded == Decimal(300_000)])
    wrong.amount_loaded = Decimal(200_000)
    amendments = [
        (
            wrong,
            {
                "reason": "加钞金额录入错误，实际加钞30万元。",
                "entered_at": wrong.entered_at + datetime.timedelta(hours=5),
                "amount_loaded": Decimal(300_000),
            },
        )
    ]
    demo.count("logbook entries", _save(AtmCashLog, entries, amendments))


def incidents_load(demo: Demo, atms: list[Terminal]) -> None:
    """Faults (two still open at the year's end), repairs, cash over/short, retained cards."""
    rng = demo.rng

    def atm_on(day):
        return rng.choice([atm for atm in atms if atm.installed_on <= day])

    faults = []
    kinds, weights = (
        ("card_retained", "cash_jam", "network", "hardware", "power", "other"),
        (8, 10, 9, 8, 3, 2),
    )
    for n in range(42):
        still_open = n >= 40
        day = (
            random_day(rng, datetime.date(2011, 12, 26), YEAR_END)
            if still_open
            else random_day(rng, YEAR_START, datetime.date(2011, 12, 20))
        )
        kind = rng.choices(kinds, weights)[0]
        atm = atm_on(day)
        occurred = day_time(rng, day, 7, 20)
        resolved = None if still_open else occurred + datetime.timedelta(minutes=rng.randint(40, 30 * 60))
        description, resolution = FAULTS[kind]
        faults.append(
            AtmFault(
                branch_id=atm.branch_id,
                terminal=atm,
                occurred_at=occurred,
                entered_by=demo.managers[atm.branch_id],
                entered_at=(resolved or occurred) + rng.randint(5, 30) * MINUTE,
                fault_kind=kind,
                description=description,
                handled_by=rng.choice(STAFF_NAMES) if kind in ("network", "hardware") else person_name(rng),
                resolved_at=resolved,
                resolution="" if still_open else resolution,
            )
        )
    written = _save(AtmFault, faults, [])

    repairs = []
    for _ in range(15):
        day = random_day(rng, YEAR_START, datetime.date(2011, 12, 15))
        atm = atm_on(day)
        part, cost = rng.choice(PARTS)
        hours = Decimal(rng.randint(4, 96)) / 2
        occurred = day_time(rng, day, 9, 16)
        repairs.append(
            AtmRepair(
                branch_id=atm.branch_id,
                terminal=atm,
                occurred_at=occurred,
                entered_by=demo.managers[atm.branch_id],
                entered_at=occurred + datetime.timedelta(hours=2),
                vendor=VENDORS["日立" if atm.model.startswith("日立") else "广电运通"],
                parts=part,
                cost=cost,
                downtime_hours=hours,
                remarks="保修期内免费更换。" if not cost else "已报联社审批，费用据实列支。",
            )
        )
    written += _save(AtmRepair, repairs, [])

    differences = []
    settlements = (
        "长款挂账，经调阅监控系客户取款未取走现金，已联系客户退还。",
        "短款系加钞时点钞差错，经办人已赔付。",
        "长款挂账，经核对系卡钞未计数，已入账。",
    )
    for _ in range(6):
        day = random_day(rng, YEAR_START, datetime.date(2011, 12, 10))
        atm = atm_on(day)
        expected = Decimal(rng.randint(500, 3000) * 100)
        delta = Decimal(rng.choice((-500, -200, -100, 100, 100, 200, 300)))
        occurred = day_time(rng, day, 8, 10)
        differences.append(
            AtmCashDifference(
                branch_id=atm.branch_id,
                terminal=atm,
                occurred_at=occurred,
                entered_by=demo.managers[atm.branch_id],
                entered_at=occurred + datetime.timedelta(hours=1),
                expected=expected,
                counted=expected + delta,
                settled_on=day + datetime.timedelta(days=rng.randint(1, 5)),
                settlement=settlements[0 if delta > 0 and rng.random() < 0.5 else (2 if delta > 0 else 1)],
            )
        )
    written += _save(AtmCashDifference, differences, [])

    retained, destroyed = [], []
    for n in range(30):
        held = n >= 28  # retained in the last days of December, not yet collected
        day = (
            random_day(rng, datetime.date(2011, 12, 26), YEAR_END)
            if held
            else random_day(rng, YEAR_START, datetime.date(2011, 11, 15))
        )
        atm = atm_on(day)
        if rng.random() < 0.6:
            card_hash, card_masked = rng.choice(demo.card_sample)
        else:
            number = other_bank_card(rng)
            card_hash, card_masked = pii.keyed_hash(number), pii.card_mask(number)
        occurred = day_time(rng, day, 8, 20)
        returned = not held and n % 5 != 0
        entry = RetainedCard(
            branch_id=atm.branch_id,
            terminal=atm,
            occurred_at=occurred,
            entered_by=demo.managers[atm.branch_id],
            entered_at=occurred + rng.randint(10, 90) * MINUTE,
            card_hash=card_hash,
            card_masked=card_masked,
            outcome="held" if not returned else "returned",
            outcome_on=day + datetime.timedelta(days=rng.randint(0, 3)) if returned else None,
            remarks="持卡人凭本人身份证领回。" if returned else "",
        )
        retained.append(entry)
        if not held and not returned:
            on = day + datetime.timedelta(days=rng.randint(31, 40))
            destroyed.append(
                (
                    entry,
                    {
                        "reason": "超过规定期限无人领取，双人核对后剪角销毁。",
                        "entered_at": at(on, 16),
                        "outcome": "destroyed",
                        "outcome_on": on,
                    },
                )
            )
    written += _save(RetainedCard, retained, destroyed)
    demo.count("logbook entries", written)


def pos_visits_load(demo: Demo, pos: list, campaign: InspectionCampaign) -> None:
    """Every POS visited in the autumn campaign, and some fifty visits on call through the year;
    one visit entered twice, the copy voided by the department."""
    rng = demo.rng
    issues = (
        ("打印机卡纸，签购单打印不全。", "清理打印机，更换热敏纸。"),
        ("POS机签到失败，提示通讯故障。", "重新设置通讯参数后签到成功。"),
        ("商户咨询资金结算到账时间。", "向商户讲解T+1结算规则。"),
        ("POS机电池不能充电。", "更换电池。"),
        ("新收银员不会操作退货交易。", "现场培训收银员退货及撤销交易操作。"),
        ("密码键盘按键失灵。", "更换密码键盘。"),
    )
    terminals = [p.terminal for p in pos]
    visits = []

    def visit(terminal, day, campaign_id=None, issue=None):
        occurred = day_time(rng, day, 9, 17)
        issue, action = issue or rng.choice(issues)
        visits.append(
            PosMaintenance(
                branch_id=terminal.branch_id,
                terminal=terminal,
                occurred_at=occurred,
                entered_by=demo.managers[terminal.branch_id],
                entered_at=occurred + rng.randint(30, 180) * MINUTE,
                issue=issue,
                action_taken=action,
                campaign_id=campaign_id,
            )
        )

    for terminal in terminals:
        start = max(campaign.starts_on, terminal.installed_on)
        stop = min(campaign.ends_on, (terminal.removed_on or YEAR_END) - datetime.timedelta(days=1))
        if start <= stop:
            visit(
                terminal,
                random_day(rng, start, stop),
                campaign.id,
                ("专项巡检：核对机具及商户信息，检查签购单保管。", "机具运行正常，已对收银员进行安全培训。"),
            )
    for _ in range(55):
        day = random_day(rng, YEAR_START, YEAR_END)
        eligible = [
            t for t in terminals if t.installed_on <= day and (t.removed_on is None or t.removed_on > day)
        ]
        visit(rng.choice(eligible), day)
    duplicate = visits[-1]
    copy = PosMaintenance(
        **{
            f.attname: getattr(duplicate, f.attname)
            for f in PosMaintenance._meta.concrete_fields
            if f.attname != "id"
        }
    )
    copy.entered_at = duplicate.entered_at + 5 * MINUTE
    visits.append(copy)
    voided = [
        (
            copy,
            {
                "reason": "重复登记。",
                "entered_at": copy.entered_at + datetime.timedelta(days=1),
                "is_void": True,
                "by": demo.staff,
            },
        ),
    ]
    demo.count("logbook entries", _save(PosMaintenance, visits, voided))


def risk_checks_load(demo: Demo) -> None:
    """Blank cards and PIN mailers checked at every 信用社 and the 营业部 each month."""
    rng = demo.rng
    checks, rectifications = [], []
    findings = {
        (2, 3): ("blank_cards_counted", "空白卡账实不符，少2张，系已发卡未及时销记。"),
        (4, 9): ("pin_mailers_separate", "密码信封与空白卡同柜存放。"),
        (7, 5): ("register_up_to_date", "空白卡出入库登记簿未逐日登记。"),
        (9, 12): ("two_person_custody", "空白卡保管员临时离岗未办理交接。"),
        (12, 1): ("register_up_to_date", "重要空白凭证登记簿登记不及时。"),
    }
    for month in range(1, 13):
        for n, branch in enumerate(demo.level1):
            day = datetime.date(2011, month, 25) + datetime.timedelta(days=n % 3)
            occurred = day_time(rng, day, 14, 17)
            on_book = rng.randint(200, 1500)
            entry = CardRiskCheck(
                branch=branch,
                occurred_at=occurred,
                entered_by=demo.managers[branch.id],
                entered_at=occurred + datetime.timedelta(hours=1),
                blank_cards_on_book=on_book,
                blank_cards_counted=on_book,
            )
            finding = findings.get((month, n))
            if finding:
                field, text = finding
                if field == "blank_cards_counted":
                    entry.blank_cards_counted = on_book - 2
                else:
                    setattr(entry, field, False)
                entry.findings, entry.rectify_by = text, day + datetime.timedelta(days=7)
                if month < 12:
                    on = day + datetime.timedelta(days=rng.randint(1, 6))
                    rectifications.append(
                        (
                            entry,
                            {
                                "reason": "整改完成，补记整改日期。",
                                "entered_at": at(on, 17),
                                "rectified_on": on,
                            },
                        )
                    )
            checks.append(entry)
    demo.count("logbook entries", _save(CardRiskCheck, checks, rectifications))


def it_log_load(demo: Demo) -> None:
    """The department's IT log: 2010's and 2011's counts by category exactly (standing entries);
    one 2011 entry was filed under the wrong category and corrected."""
    rng = demo.rng
    branches = [b for b in demo.branches.values() if b is not demo.root]
    entries = []
    for year, numbers in IT_LOG.items():
        for category, n in zip(("network_fault", "equipment_repair", "software_fault"), numbers):
            for _ in range(n):
                day = random_day(rng, datetime.date(year, 1, 1), datetime.date(year, 12, 31))
                occurred = day_time(rng, day, 8, 18)
                entries.append(
                    ItMaintenance(
                        branch=demo.root,
                        occurred_at=occurred,
                        entered_by=demo.staff,
                        entered_at=occurred + datetime.timedelta(hours=rng.randint(1, 6)),
                        category=category,
                        description=rng.choice(IT_TEXT[category]).format(b=rng.choice(branches).name),
                        handled_by=rng.choice(STAFF_NAMES),
                    )
                )
    entries.sort(key=lambda e: e.occurred_at)
    # The wrong one goes in as a software fault; its amendment is one of 2011's network faults.
    wrong = next(e for e in entries if e.occurred_at.year == 2011 and e.category == "network_fault")
    entries.remove(wrong)
    wrong.category = "software_fault"
    entries.append(wrong)
    fix = [
        (
            wrong,
            {
                "reason": "故障类别登记错误，应为网络故障。",
                "entered_at": wrong.entered_at + datetime.timedelta(days=1),
                "category": "network_fault",
            },
        )
    ]
    demo.count("logbook entries", _save(ItMaintenance, entries, fix))


def late_entries_load() -> None:
    """Mark the entries written above that were entered late (补录), as the services would have:
    the rows were written past them (bulk.py)."""
    from django.conf import settings

    from ebank.registers.declarations import registers
    from ebank.registers.lateness import late_entries_mark

    for model in {declaration.model for declaration in registers()} | {AtmFaultClearance}:
        late_entries_mark(model, hours=settings.LATE_ENTRY_HOURS)
