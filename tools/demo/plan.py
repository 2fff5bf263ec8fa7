"""The demo county's assessment: the 2011 and 2012 plans, the target breakdown with the July
2011 revision on record, the four quarterly assessments of 2011; and the department's rules and
registers."""

import datetime
from decimal import Decimal

from reports.models import AssessmentPublication, AssessmentRun, PlanItem, Policy, Target
from reports.services import assessment_compute, assessment_publish, assessment_run_create, quarter_end

from .bulk import backdate, change_on_record, create_on_record
from .common import Demo, at, split_int
from .org import SIZE

PLAN = {
    2011: {
        "new_cards": 40,
        "avg_card_balance": 20,
        "new_netbank_personal": 15,
        "new_netbank_corporate": 5,
        "new_merchants": 20,
    },
    2012: {
        "new_cards": 30,
        "avg_card_balance": 20,
        "new_netbank_personal": 15,
        "new_netbank_corporate": 5,
        "new_pos": 15,
        "new_atms": 10,
        "new_merchants": 5,
    },
}
CAP = Decimal("1.2")
# The union's plan per quarter, year to date (a level for the average balance).
TARGETS = {
    2011: {
        "new_cards": (10_000, 20_000, 30_000, 40_000),
        "avg_card_balance": (2150, 2280, 2400, 2500),
        "new_netbank_personal": (140, 315, 490, 700),
        "new_netbank_corporate": (15, 30, 45, 60),
        "new_merchants": (20, 45, 65, 90),
    },
    2012: {
        "new_cards": (15_000, 32_000, 48_000, 65_000),
        "avg_card_balance": (2650, 2750, 2850, 2950),
        "new_netbank_personal": (220, 480, 740, 1000),
        "new_netbank_corporate": (15, 35, 55, 80),
        "new_merchants": (20, 50, 85, 120),
        "new_pos": (20, 45, 70, 100),
    },
}
# The mid-year revision of 2011: 20,000 more cards, half of them due by the third quarter.
REVISED_CARDS = {3: 40_000, 4: 60_000}
REVISION_REASON = "下半年发卡数量较低，追加20000张金农卡发行任务"
REVISED_AT = (datetime.date(2011, 7, 8), 10)
# 2012's ten new ATMs: branch → (the quarter it is due, how many).
ATMS_2012 = {
    "001": (2, 2),
    "101": (1, 1),
    "102": (3, 1),
    "104": (2, 1),
    "106": (3, 2),
    "108": (4, 1),
    "110": (4, 1),
    "113": (3, 1),
}

RULES = (
    ("网络管理办法", "2008-03-15", "2011-03-20", "全辖计算机网络的接入、使用、安全及运行维护。"),
    (
        "计算机岗位人员管理办法",
        "2008-03-15",
        "2011-03-20",
        "系统管理员、网络管理员等计算机岗位的职责与交接。",
    ),
    ("县级机房管理制度", "2008-05-10", "2011-04-15", "联社中心机房的出入、值班、环境与设备管理。"),
    ("计算机安全管理制度", "2008-05-10", "2011-04-15", "终端、账号密码、数据备份与信息安全。"),
    ("计算机病毒预防管理制度", "2008-05-10", None, "防病毒软件安装、病毒库升级与移动介质使用。"),
    ("计算机网络突发事件应急预案", "2009-06-01", "2011-06-10", "网络中断、系统故障等突发事件的报告与处置。"),
    ("金农卡（借记卡）业务管理办法", "2008-06-20", "2011-05-18", "金农卡的发行、挂失、销户及空白卡管理。"),
    ("金农卡（借记卡）业务风险防范措施", "2009-04-10", "2011-05-18", "金农卡业务的风险点、检查与责任追究。"),
    ("自助设备业务操作管理办法", "2008-09-01", "2011-08-05", "ATM加钞、清机、对账及吞卡处理的操作规程。"),
    ("自助设备业务风险管理办法", "2011-08-05", None, "自助设备的安全检查、监控与风险处置。"),
    ("自助设备管理办法", "2008-09-01", "2011-08-05", "自助设备的布放、巡检、维修与撤机。"),
    ("计算机设备管理办法", "2008-03-15", None, "计算机设备的购置、登记、维修与报废。"),
)
REGISTERS = (
    ("ATM机日常管理登记簿", "2008-09-26"),
    ("ATM机安全检查登记簿", "2008-09-26"),
    ("ATM机故障处理登记簿", "2008-09-26"),
    ("ATM机设备维修登记簿", "2009-01-05"),
    ("ATM机长短款登记簿", "2008-09-26"),
    ("ATM机废卡回收登记簿", "2008-09-26"),
    ("POS机维护登记簿", "2010-03-01"),
    ("金农卡风险安全检查登记簿", "2009-04-10"),
    ("计算机及网络维护登记簿", "2008-03-15"),
    ("重要空白凭证交接登记簿", "2008-06-20"),
    ("ATM机钥匙密码交接登记簿", "2008-09-26"),
)


def policies_load(demo: Demo) -> None:
    """The department's twelve rules (several revised in 2011) and its eleven registers."""
    policies = [
        Policy(
            kind=Policy.Kind.RULE,
            title=title,
            adopted_on=datetime.date.fromisoformat(adopted),
            revised_on=datetime.date.fromisoformat(revised) if revised else None,
            notes=notes,
        )
        for title, adopted, revised, notes in RULES
    ] + [
        Policy(kind=Policy.Kind.REGISTER, title=title, adopted_on=datetime.date.fromisoformat(adopted))
        for title, adopted in REGISTERS
    ]
    create_on_record(
        Policy,
        policies,
        when=lambda p: at(p.revised_on or p.adopted_on, 10),
        by=demo.staff,
        reason="制度汇编",
    )
    demo.count("rules and registers", len(policies))


def _reach(demo: Demo) -> dict[str, float]:
    """The size of each assessed branch with the 分社 below it."""
    reach = {b.code: 0.0 for b in demo.level1}
    for branch in demo.branches.values():
        if branch is not demo.root:
            reach[demo.level1_of(branch).code] += SIZE[branch.code]
    return reach


def _breakdown(total: int, weights: list[float]) -> list[int]:
    """A union total over the branches, at least 1 each (a target is > 0)."""
    return [1 + n for n in split_int(total - len(weights), weights)]


def targets_load(demo: Demo) -> None:
    """The plans, and the targets of every 信用社 and the 营业部 by quarter, the 2011 card
    targets revised in July with the reason kept in their history."""
    rng = demo.rng
    items = [
        PlanItem(year=year, metric=metric, weight=Decimal(weight), cap=CAP)
        for year, weights in PLAN.items()
        for metric, weight in weights.items()
    ]
    # 2012 deducts for discipline (扣分项): 0.5 points per idle POS and 0.2 per missed inspection,
    # each at most 5.
    items += [
        PlanItem(
            year=2012, metric=metric, mode=PlanItem.Mode.DEDUCTION, weight=Decimal(weight), cap=Decimal(5)
        )
        for metric, weight in (("dormant_pos", "0.5"), ("missed_inspections", "0.2"))
    ]
    create_on_record(
        PlanItem,
        items,
        when=lambda i: at(datetime.date(i.year - 1, 12, 28), 10),
        by=demo.staff,
        reason="考核办法",
    )
    reach = _reach(demo)
    mean_factor = sum(demo.balance_factor[c] * r for c, r in reach.items()) / sum(reach.values())
    targets, revisions = [], []
    for year, metrics in TARGETS.items():
        for metric, plan in metrics.items():
            # How the department shares the plan out: by size, with its own judgement.
            weights = [reach[b.code] * rng.uniform(0.9, 1.1) for b in demo.level1]
            for quarter, total in enumerate(plan, start=1):
                if metric == "avg_card_balance":
                    values = [
                        round(total * demo.balance_factor[b.code] / mean_factor * rng.uniform(0.93, 1.07), -1)
                        for b in demo.level1
                    ]
                else:
                    values = _breakdown(total, weights)
                for branch, value in zip(demo.level1, values):
                    target = Target(
                        year=year, quarter=quarter, branch=branch, metric=metric, target=Decimal(value)
                    )
                    targets.append(target)
                if year == 2011 and metric == "new_cards" and quarter in REVISED_CARDS:
                    revised = _breakdown(REVISED_CARDS[quarter], weights)
                    revisions += [
                        (t, {"target": Decimal(v), "reason": REVISION_REASON})
                        for t, v in zip(targets[-len(values) :], revised)
                    ]
    # An ATM target only from the quarter the machine is due: a target is > 0.
    for code, (due, n) in ATMS_2012.items():
        for quarter in range(due, 5):
            targets.append(
                Target(
                    year=2012,
                    quarter=quarter,
                    branch=demo.branches[code],
                    metric="new_atms",
                    target=Decimal(n),
                )
            )
    create_on_record(
        Target,
        targets,
        when=lambda t: at(
            datetime.date(2011, 1, 10) if t.year == 2011 else datetime.date(2011, 12, 28), 9, 30
        ),
        by=demo.staff,
        reason="任务分解",
    )
    change_on_record(Target, revisions, when=at(*REVISED_AT), by=demo.staff, reason=REVISION_REASON)
    demo.count("targets", len(targets))


def assessments_load(demo: Demo) -> None:
    """The four quarterly assessments of 2011, computed as the Celery task computes them, dated
    the morning after each quarter's end, each published by the union's manager three days later
    (2011's targets and plan are locked since)."""
    for quarter in range(1, 5):
        run = assessment_run_create(year=2011, quarter=quarter, by=demo.staff)
        assessment_compute(run_id=run.pk)
        started = at(quarter_end(year=2011, quarter=quarter) + datetime.timedelta(days=1), 9, 5)
        backdate(
            AssessmentRun,
            run.pk,
            created_at=started,
            finished_at=started + datetime.timedelta(minutes=2, seconds=17),
        )
        run.refresh_from_db()
        publication = assessment_publish(
            run=run,
            note=f"2011年第{quarter}季度电子银行业务考核结果，经联社领导审定发布，请各网点对照查看。",
            by=demo.leader,
        )
        backdate(
            AssessmentPublication, publication.pk, published_at=started + datetime.timedelta(days=3, hours=1)
        )
    demo.count("assessment runs", 4)


def summary_load(demo: Demo) -> None:
    """The 2011 year-end summary, opened by the department from the generated paragraphs: a draft
    that staff edit and finalise, and that union managers read and download."""
    from reports.summary.services import year_summary_open

    year_summary_open(year=2011, by=demo.staff)
    demo.count("year-end summaries", 1)
