"""The year-end work summary (年度工作总结) as a document: the structure of the seed's first article,
its figure sentences and tables written from `year_facts`, and the staff's narrative paragraphs
around them. A document is plain data (a dict of blocks) so that a finalised one can be kept as it
was and rendered again as Markdown, HTML or DOCX."""

import datetime
from decimal import Decimal

from ..metrics import BY_CODE, metrics
from . import wording as w

# What each narrative paragraph says before the staff rewrite it: figure-free, in the
# department's own words; {year} and {next_year} are filled in.
DEFAULT_NARRATIVE = {
    "cards_text": (
        "为促进金农卡业务稳步健康发展，我部年初制定了《电子银行业务考核任务分解表》，按季对金农卡发卡、"
        "卡均余额、网上银行业务、POS机进行考核，并组织人员对辖内网点电子银行业务考核任务计划完成情况"
        "进行检查督促。"
    ),
    "terminals_text": (
        "我部将继续推进特约商户的签约和POS机的安装，为金农卡提供无障碍刷卡环境，更多地服务客户。"
    ),
    "netbank_text": (
        "下一步，我部将结合省联社电子银行业务营销方案，做好全县电子银行业务的宣传和营销工作，引导客户"
        "多频次、多品种使用电子银行系列产品，把握优质客户，开办网上银行业务及短信业务；同时做好网上银行"
        "业务风险防范工作。"
    ),
    "maintenance_text": (
        "我部明确了ATM网点的管理人员和业务操作人员，建立了ATM机各项登记簿，与监察保卫部一起做好ATM机"
        "日常管理工作，要求每天上午与晚间各对全县ATM机网点进行一次安全检查并做好登记；与监察保卫部、"
        "稽核部对ATM机进行定期与不定期安全检查，对发现的问题及时纠正。对特约商户进行走访，加大对POS机"
        "的检查力度，确保用卡安全。"
    ),
    "network_text": (
        "通过联社网络安全监控、ATM机监控软件，及时做好各营业网点及机房各硬件设备的维护工作。中心机房"
        "坚持专人值守、节假日轮换查看，确保综合业务系统及办公系统营业和办公不间断；同时做好省、市、县"
        "连通网络的管理工作，确保全县网络安全无事故。"
    ),
    "repairs_text": (
        "除平时加强网络管理外，我部做好节假日及周六、周日值班工作，确保全县中心机房日常保障无间断，"
        "有力地保障了全县综合业务系统和办公系统的正常运行。"
    ),
    "training_text": (
        "对POS机商户严格入网审核，确保成熟一户发展一户；对POS机商户及各网点POS机管理人员进行业务知识"
        "及风险防范讲解，提高操作人员的业务水平和技能。"
    ),
    "service_points_text": (
        "为确保“银行卡助农取款服务”工作健康有序、扎实有效的开展，电子银行部专门负责具体事务和业务推广，"
        "督促各管理网点按月对服务点进行巡查，检查服务标识及公告张贴、取款限额公示、操作人员培训、机具运行"
        "和备付金情况，发现问题及时整改。"
    ),
    "disbursement_text": "我部做好财政、社保部门代发资金的技术保障工作，确保资金按时足额发放到户。",
    "rules_text": (
        "通过完善制度、规范管理与操作、落实安全责任制等措施，为计算机、网络等信息系统安全稳定运行提供"
        "保障。我部每月对辖内各网点网络设备进行一次全面维护，计算机设备到点到人、管理责任明确，并对计算机"
        "网络突发事件应急预案进行演练，提高突发事件的应急处置能力。"
    ),
    "problems_text": (
        "针对基层网点存在的问题：一是部分计算机操作人员计算机水平薄弱、操作人员密码管理安全意识淡薄；"
        "二是计算机病毒预防工作有待加强。下一步我部将加大对各社计算机设备的维护工作，通过会计和信贷例会"
        "及电子银行业务培训进一步强化业务培训，严格执行各项网络和计算机管理制度，要求各社、部计算机设备"
        "及时更新杀毒软件，以保障系统正常稳定运行。"
    ),
    "plan_text": (
        "{next_year}年电子银行工作将围绕联社制定的各项工作任务，为各项业务发展提供科技支撑，加大电子银行"
        "业务拓展力度，进一步提高中间业务发展水平；建立ATM、POS机、网上银行、金农卡风险管理长效机制，"
        "开展金农卡营销宣传，加强电子银行业务培训，认真做好全年科技信息保障工作。"
    ),
}


def default_narrative(*, year: int) -> dict[str, str]:
    """The narrative paragraphs a new summary of `year` starts from."""
    return {field: text.format(year=year, next_year=year + 1) for field, text in DEFAULT_NARRATIVE.items()}


def _heading(level: int, text: str) -> dict:
    return {"type": "heading", "level": level, "text": text}


def _paragraph(text: str) -> dict:
    return {"type": "paragraph", "text": text}


def _table(caption: str, header: list[str], rows: list[list[str]]) -> dict:
    return {"type": "table", "caption": caption, "header": header, "rows": rows}


def _narrative(text: str) -> list[dict]:
    """Staff text: one paragraph per line (blank lines dropped)."""
    return [_paragraph(line.strip()) for line in text.splitlines() if line.strip()]


def _sentence(*parts: str | None, sep: str = "，") -> str:
    """Clauses joined with Chinese commas (or semicolons between items of a list), the empty ones
    left out, ending with a full stop."""
    kept = [part for part in parts if part]
    return sep.join(kept) + "。" if kept else ""


def _labelled(label: str, comparison: str | None) -> str | None:
    """发卡总量 + 比上年末增加…, or None when there is nothing to compare with."""
    return f"{label}{comparison}" if comparison else None


def _compare_row(label: str, unit: str, now, before, *, shown=w.table_count) -> list[str]:
    return [label, unit, shown(now), shown(before) if before else "—", w.table_change(now, before)]


def _compare_rows(table: str, now: dict, before: dict) -> list[list[str]]:
    """The rows of one of the summary's comparison tables: each metric the registry puts in
    `table`, this year beside last year, in the department's units."""
    listed = sorted(
        (metric for metric in metrics() if metric.summary_table == table),
        key=lambda metric: metric.summary_position,
    )
    rows = []
    for metric in listed:
        if metric.amount:
            unit, shown = ("元", w.table_yuan) if metric.in_yuan else ("万元", w.table_wan)
        else:
            unit, shown = metric.measure, w.table_count
        label = metric.summary_label or metric.label
        rows.append(_compare_row(label, unit, now[metric.code], before[metric.code], shown=shown))
    return rows


def _cards(facts: dict, narrative: dict) -> list[dict]:
    now, before = facts["now"], facts["before"]
    blocks = [_heading(2, "1、认真做好金农卡发行及金农卡业务管理工作"), *_narrative(narrative["cards_text"])]
    revision = facts["card_plan_revision"]
    if revision:
        added = revision["current"] - revision["initial"]
        reasons = "；".join(revision["reasons"])
        blocks.append(
            _paragraph(
                _sentence(
                    f"年内调整发卡任务：{reasons}" if reasons else None,
                    f"全年发卡计划由{w.count(int(revision['initial']), '张')}"
                    f"{'增加' if added > 0 else '减少'}{w.count(int(abs(added)), '张')}，"
                    f"调整为{w.count(int(revision['current']), '张')}",
                )
            )
        )
    plan = facts["card_plan"]
    blocks.append(
        _paragraph(
            _sentence(
                f"截止12月底，全县共发行金农卡{w.count(now['cards_total'], '张')}",
                f"金农卡存款余额{w.money(now['card_balance'])}",
                f"卡均余额{w.whole_yuan(now['avg_card_balance'])}；"
                f"其中新增卡{w.count(now['new_cards'], '张')}",
                f"完成全年计划{w.count(int(plan), '张')}的{w.percent(facts['card_plan_completion'])}"
                if plan
                else None,
            )
        )
    )
    if before["cards_total"]:
        blocks.append(
            _paragraph(
                _sentence(
                    _labelled(
                        "发卡总量",
                        w.change(now["cards_total"], before["cards_total"], unit="张", against="上年末"),
                    ),
                    _labelled(
                        "金农卡存款余额",
                        w.change(now["card_balance"], before["card_balance"], amount=True, against="上年末"),
                    ),
                    _labelled("全年新增发卡", w.change(now["new_cards"], before["new_cards"], unit="张")),
                    sep="；",
                )
            )
        )
    blocks.append(
        _table(
            f"金农卡业务情况（{facts['year']}年末）",
            ["项目", "单位", f"{facts['year']}年", f"{facts['year'] - 1}年", "增长"],
            _compare_rows("cards", now, before),
        )
    )
    return blocks


def _terminals(facts: dict, narrative: dict) -> list[dict]:
    now, before = facts["now"], facts["before"]
    return [
        _heading(2, "2、做好ATM、POS机具的布放工作"),
        _paragraph(
            _sentence(
                f"截止12月底，全年发展特约商户{w.count(now['new_merchants'], '户')}",
                f"全县{w.count(now['pos_total'], '台')}POS机实现交易{w.count(now['pos_txn_count'], '笔')}",
                f"交易金额{w.money(now['pos_txn_amount'])}",
                f"实现手续费收入{w.money(now['pos_fee_income'])}",
            )
            + (
                _sentence(
                    _labelled(
                        "POS交易笔数", w.change(now["pos_txn_count"], before["pos_txn_count"], unit="笔")
                    )
                )
                if before["pos_txn_count"]
                else ""
            )
        ),
        _paragraph(
            _sentence(
                f"全县布放ATM机{w.count(now['atms_total'], '台')}，"
                f"其中当年新增{w.count(now['new_atms'], '台')}",
                f"全年ATM机交易{w.count(now['atm_txn_count'], '笔')}，"
                f"取款金额{w.money(now['atm_withdrawal_amount'])}",
                sep="；",
            )
        ),
        *_narrative(narrative["terminals_text"]),
        _table(
            f"ATM、POS机业务情况（{facts['year']}年）",
            ["项目", "单位", f"{facts['year']}年", f"{facts['year'] - 1}年", "增长"],
            _compare_rows("terminals", now, before),
        ),
    ]


def _transfers_sentence(now: dict, kind: str, label: str) -> str:
    channels = [("intra", "行内"), ("inter", "跨行"), ("nxy", "农信银")]
    parts = [
        f"{name}转账{w.count(now[f'netbank_{kind}_{code}_count'], '笔')}，"
        f"{name}转账金额{w.money(now[f'netbank_{kind}_{code}_amount'])}"
        for code, name in channels
        if now[f"netbank_{kind}_{code}_count"]
    ]
    lead = (
        f"截止12月底，{label}{w.count(now[f'netbank_{kind}_total'], '户')}，"
        f"转账{w.count(now[f'netbank_{kind}_transfer_count'], '笔')}，"
        f"转账金额为{w.money(now[f'netbank_{kind}_transfer_amount'])}"
    )
    return lead + ("；其中" + "，".join(parts) if parts else "") + "。"


def _mobile(facts: dict) -> list[dict]:
    """Mobile banking beside online banking, when the year has mobile-banking customers."""
    now, before = facts["now"], facts["before"]
    if not (now["netbank_mobile_total"] or now["new_netbank_mobile"] or now["netbank_mobile_transfer_count"]):
        return []
    return [
        _paragraph(
            _sentence(
                f"截止12月底，全县手机银行客户{w.count(now['netbank_mobile_total'], '户')}，"
                f"其中当年新增{w.count(now['new_netbank_mobile'], '户')}",
                f"12月活跃客户{w.count(now['mobile_active'], '户')}，占手机银行客户的"
                f"{w.percent(w.share(now['mobile_active'], now['netbank_mobile_total']))}"
                if now["netbank_mobile_total"]
                else None,
                f"全年手机银行转账{w.count(now['netbank_mobile_transfer_count'], '笔')}，"
                f"转账金额{w.money(now['netbank_mobile_transfer_amount'])}",
                _labelled(
                    "手机银行客户",
                    w.change(
                        now["netbank_mobile_total"],
                        before["netbank_mobile_total"],
                        unit="户",
                        against="上年末",
                    ),
                ),
                sep="；",
            )
        ),
        _table(
            f"手机银行业务情况（{facts['year']}年）",
            ["项目", "单位", f"{facts['year']}年", f"{facts['year'] - 1}年", "增长"],
            _compare_rows("mobile", now, before),
        ),
    ]


def _netbank(facts: dict, narrative: dict) -> list[dict]:
    now, before = facts["now"], facts["before"]
    channel_rows = [
        [
            f"{kind_label}·{channel_label}",
            w.table_count(now[f"netbank_{kind}_{channel}_count"]),
            w.table_wan(now[f"netbank_{kind}_{channel}_amount"]),
        ]
        for kind, kind_label in (("personal", "个人网银"), ("corporate", "企业网银"))
        for channel, channel_label in (("intra", "行内"), ("inter", "跨行"), ("nxy", "农信银"))
    ]
    return [
        _heading(2, "3、网上银行及短信业务开展情况"),
        _paragraph(_transfers_sentence(now, "personal", "全县共开办个人网上银行业务")),
        _paragraph(_transfers_sentence(now, "corporate", "企业网上银行业务")),
        _paragraph(
            _sentence(
                f"截止12月底，开通短信业务{w.count(now['sms_cards'], '户')}",
                f"占发卡总量的{w.percent(w.share(now['sms_cards'], now['cards_total']))}",
                w.change(now["sms_cards"], before["sms_cards"], unit="户", against="上年末"),
            )
        ),
        *_narrative(narrative["netbank_text"]),
        _table(
            f"网上银行业务情况（{facts['year']}年）",
            ["项目", "单位", f"{facts['year']}年", f"{facts['year'] - 1}年", "增长"],
            _compare_rows("netbank", now, before),
        ),
        _table(
            f"网上银行转账分渠道情况（{facts['year']}年）",
            ["客户·渠道", "笔数", "金额（万元）"],
            channel_rows,
        ),
        *_mobile(facts),
    ]


def _maintenance(facts: dict, narrative: dict) -> list[dict]:
    books = facts["logbooks"]
    inspections = None
    if books["inspections_due"]:
        inspections = (
            f"全年应进行ATM机安全检查{w.count(books['inspections_due'], '次')}，"
            f"按时检查并登记{w.count(books['inspections_on_time'], '次')}，"
            f"检查登记率{w.percent(w.share(books['inspections_on_time'], books['inspections_due']))}"
        )
        if books["inspections_late"]:
            inspections += f"（另有补录{w.count(books['inspections_late'], '次')}，不计入检查登记率）"
    return [
        _heading(2, "4、认真做好ATM机、POS机的日常维护及管理工作"),
        *_narrative(narrative["maintenance_text"]),
        _paragraph(
            _sentence(
                inspections,
                f"登记ATM机故障{w.count(books['faults_total'], '次')}，"
                f"已处理{w.count(books['faults_resolved'], '次')}"
                if books["faults_total"]
                else None,
                f"设备维修{w.count(books['repairs_total'], '次')}" if books["repairs_total"] else None,
                f"发生长短款{w.count(books['differences_total'], '笔')}，"
                f"已处理{w.count(books['differences_settled'], '笔')}"
                if books["differences_total"]
                else None,
                f"回收吞卡{w.count(books['retained_total'], '张')}，其中验证身份后退还持卡人"
                f"{w.count(books['retained_returned'], '张')}、"
                f"销毁{w.count(books['retained_destroyed'], '张')}"
                if books["retained_total"]
                else None,
                f"走访特约商户、维护POS机{w.count(books['pos_visits'], '次')}"
                if books["pos_visits"]
                else None,
                sep="；",
            )
        ),
    ]


def _technical(facts: dict, narrative: dict) -> list[dict]:
    it, it_before, now = facts["it"], facts["it_before"], facts["now"]
    before_network = it_before["network_fault"]
    return [
        _heading(1, "二、做好全县设备技术保障工作，强化网络管理工作"),
        _heading(2, "1、加强网络管理，做好中心机房的维护工作"),
        *_narrative(narrative["network_text"]),
        _paragraph(
            _sentence(
                f"全年排除网络故障{w.count(it['network_fault'], '次')}",
                f"上年为{w.count(before_network, '次')}" if before_network else None,
                "确保全县网络安全畅通",
            )
        ),
        _heading(2, "2、日常保障无间断，做好计算机维护工作"),
        _paragraph(
            _sentence(
                f"电子银行部全年修理各种打印机、复印机及终端等设备{w.count(it['equipment_repair'], '次')}",
                f"解决计算机软件故障{w.count(it['software_fault'], '次')}",
            )
        ),
        *_narrative(narrative["repairs_text"]),
        _table(
            f"计算机及网络维护情况（{facts['year']}年）",
            ["项目", "单位", f"{facts['year']}年", f"{facts['year'] - 1}年", "增长"],
            [
                _compare_row("排除网络故障", "次", it["network_fault"], it_before["network_fault"]),
                _compare_row("设备维修", "次", it["equipment_repair"], it_before["equipment_repair"]),
                _compare_row("解决软件故障", "次", it["software_fault"], it_before["software_fault"]),
            ],
        ),
        _heading(2, "3、加强ATM机、POS机培训"),
        _paragraph(
            _sentence(
                "为确保ATM机上线工作，电子银行部工作人员对新安装"
                f"{w.count(now['new_atms'], '台')}ATM机的网点管理人员进行现场培训，"
                "确保每台ATM机的管理人员会操作并能排除故障"
            )
            if now["new_atms"]
            else "本年未新安装ATM机。"
        ),
        *_narrative(narrative["training_text"]),
        *_service_points(facts, narrative),
    ]


def _service_points(facts: dict, narrative: dict) -> list[dict]:
    """二.4 银行卡助农取款: the points, the villages they cover, their business against the year
    before, the visits made against those due, the idle ones; left out in a year without any."""
    now, before, points = facts["now"], facts["before"], facts["service_points"]
    if not (now["service_points_total"] or now["new_service_points"] or now["service_point_txn_count"]):
        return []
    return [
        _heading(2, "4、做好银行卡助农取款试点工作"),
        *_narrative(narrative.get("service_points_text", "")),
        _paragraph(
            _sentence(
                f"截止12月底，全县共设立助农取款服务点{w.count(now['service_points_total'], '个')}，"
                f"其中当年新增{w.count(now['new_service_points'], '个')}",
                f"覆盖{w.count(points['villages'], '个')}村",
            )
        ),
        _paragraph(
            _sentence(
                f"全年服务点办理助农取款等业务{w.count(now['service_point_txn_count'], '笔')}",
                f"取款金额{w.money(now['service_point_withdrawal_amount'])}",
                _labelled(
                    "交易笔数",
                    w.change(now["service_point_txn_count"], before["service_point_txn_count"], unit="笔"),
                ),
                _labelled(
                    "取款金额",
                    w.change(
                        now["service_point_withdrawal_amount"],
                        before["service_point_withdrawal_amount"],
                        amount=True,
                    ),
                ),
            )
        ),
        _paragraph(
            _sentence(
                f"各管理网点全年应巡查服务点{w.count(points['visits_due'], '次')}，"
                f"实际巡查{w.count(points['visits_made'], '次')}，"
                f"巡查率{w.percent(w.share(points['visits_made'], points['visits_due']))}"
                if points["visits_due"]
                else None,
                f"年末连续三个月无交易的服务点{w.count(now['dormant_service_points'], '个')}，"
                "已督促管理网点走访整改"
                if now["dormant_service_points"]
                else "年末无连续三个月无交易的服务点",
                sep="；",
            )
        ),
        _table(
            f"助农取款服务点业务情况（{facts['year']}年）",
            ["项目", "单位", f"{facts['year']}年", f"{facts['year'] - 1}年", "增长"],
            _compare_rows("service_points", now, before),
        ),
    ]


def _disbursements(facts: dict, narrative: dict) -> list[dict]:
    now, before = facts["now"], facts["before"]
    return [
        _heading(1, "三、做好全县城乡居民社会养老金和涉农资金技术保障工作"),
        _paragraph(
            _sentence(
                "做好全县城乡居民社会养老金发放工作，共办理"
                f"{w.households(now['disbursed_pension_households'])}，资金{w.money(now['disbursed_pension_amount'])}",
                f"同时做好财政局涉农资金技术保障工作，全年共办理{w.households(now['disbursed_agri_subsidy_households'])}",
                f"资金{w.money(now['disbursed_agri_subsidy_amount'])}",
            )
        ),
        *_narrative(narrative["disbursement_text"]),
        _table(
            f"代发资金情况（{facts['year']}年）",
            ["项目", "单位", f"{facts['year']}年", f"{facts['year'] - 1}年", "增长"],
            _compare_rows("disbursements", now, before),
        ),
    ]


def _titles(titles: list[str]) -> str:
    return "、".join(f"《{title}》" for title in titles)


def _rules(facts: dict, narrative: dict) -> list[dict]:
    policies = facts["policies"]
    rules, of_year, registers = policies["rules"], policies["rules_of_year"], policies["registers"]
    blocks = [_heading(1, "四、完善电子银行部各项管理制度，确保网络系统稳定运行")]
    if of_year:
        blocks.append(
            _paragraph(
                _sentence(
                    f"本年先后制定、修订了{_titles(of_year)}等{len(of_year)}项制度",
                    f"现行电子银行部管理制度共{len(rules)}项",
                )
            )
        )
    elif rules:
        blocks.append(_paragraph(f"现行电子银行部管理制度共{len(rules)}项。"))
    blocks += _narrative(narrative["rules_text"])
    if rules:
        blocks.append(
            _table(
                "电子银行部管理制度",
                ["序号", "制度名称", "制定日期", "最近修订"],
                [
                    [
                        str(number),
                        f"《{rule['title']}》",
                        f"{rule['adopted_on']:%Y-%m-%d}",
                        f"{rule['revised_on']:%Y-%m-%d}" if rule["revised_on"] else "—",
                    ]
                    for number, rule in enumerate(rules, 1)
                ],
            )
        )
    if registers:
        blocks += [
            _heading(2, "1、完善ATM、POS机管理流程"),
            _paragraph(f"制定{_titles(registers)}等{len(registers)}种登记簿，强化ATM、POS机业务流程管理。"),
        ]
    books = facts["logbooks"]
    if books["risk_checks_total"]:
        blocks += [
            _heading(2, "2、狠抓银行卡管理制度落实，加大检查力度"),
            _paragraph(
                _sentence(
                    f"全年开展金农卡风险安全检查{w.count(books['risk_checks_total'], '次')}",
                    f"发现问题{w.count(books['risk_checks_found'], '项')}，已整改"
                    f"{w.count(books['risk_checks_rectified'], '项')}"
                    if books["risk_checks_found"]
                    else "未发现问题",
                    "通过检查，提高了网点主管和操作人员的银行卡安全用卡意识",
                )
            ),
        ]
    return blocks


def _problems(facts: dict, narrative: dict) -> list[dict]:
    books, tickets, now = facts["logbooks"], facts["tickets"], facts["now"]
    found = []
    if books["inspections_missed"]:
        where = f"，主要在{'、'.join(books['missed_branches'])}" if books["missed_branches"] else ""
        found.append(f"ATM机安全检查漏检{w.count(books['inspections_missed'], '次')}{where}")
    if books["inspection_findings"]:
        found.append(
            f"安全检查发现问题{w.count(books['inspection_findings'], '项')}，"
            f"已整改{w.count(books['inspection_findings_rectified'], '项')}"
        )
    open_faults = books["faults_total"] - books["faults_resolved"]
    if open_faults:
        found.append(f"ATM机故障尚未处理完毕{w.count(open_faults, '次')}")
    if tickets["late"]:
        found.append(
            f"网上银行故障及投诉{w.count(tickets['total'], '件')}，其中未在T+3时限内办结"
            f"{w.count(tickets['late'], '件')}"
        )
    if now["dormant_pos"]:
        found.append(f"年末连续三个月无交易的POS机{w.count(now['dormant_pos'], '台')}，已列入回收计划")
    blocks = [_heading(1, "五、总结和纠正存在的问题")]
    if found:
        numbered = "；".join(f"{number}是{item}" for number, item in zip("一二三四五六", found))
        blocks.append(_paragraph(f"从登记簿和业务数据看，全年存在的问题：{numbered}。"))
    return blocks + _narrative(narrative["problems_text"])


PLAN_WORDING = {
    "new_cards": "新增发卡{}张",
    "new_atms": "布放ATM机{}台",
    "new_pos": "新增布放POS机{}台",
    "new_merchants": "发展特约商户{}户",
    "new_netbank_personal": "新增个人网上银行客户{}户",
    "new_netbank_corporate": "新增企业网上银行客户{}户",
    "sms_cards": "开通短信通知{}户",
}


def _plan_item(metric: str, value: Decimal) -> str:
    label = BY_CODE[metric]
    if metric in PLAN_WORDING:
        return PLAN_WORDING[metric].format(int(value))
    if label.amount:
        shown = w.whole_yuan(value) if metric == "avg_card_balance" else w.money(value)
        return f"{label.label}达到{shown}"
    return f"{label.label}达到{int(value)}"


def _table_value(metric: str, value) -> str:
    if metric == "avg_card_balance":
        return w.table_yuan(value) + "元"
    if BY_CODE[metric].amount:
        return w.table_wan(value) + "万元"
    return w.table_count(int(value))


def _plan(facts: dict, narrative: dict) -> list[dict]:
    year, plan = facts["year"] + 1, facts["next_year"]
    blocks = [_heading(1, f"六、{year}年工作计划"), *_narrative(narrative["plan_text"])]
    if plan["targets"]:
        blocks.append(
            _paragraph(
                f"根据{year}年电子银行业务考核任务分解表，全年计划："
                + "，".join(_plan_item(metric, value) for metric, value in plan["targets"].items())
                + "。"
            )
        )
        blocks.append(
            _table(
                f"{year}年主要业务计划",
                ["指标", f"{year}年计划", f"{facts['year']}年实绩"],
                [
                    [
                        BY_CODE[metric].label,
                        _table_value(metric, value),
                        _table_value(metric, facts["now"][metric]),
                    ]
                    for metric, value in plan["targets"].items()
                ],
            )
        )
    else:
        blocks.append(_paragraph(f"（{year}年任务分解表尚未下达，导入后此处列出全年计划。）"))
    if plan["weights"]:
        blocks.append(
            _paragraph(
                f"{year}年电子银行业务考核办法按季考核："
                + "、".join(f"{label}（{w.number(weight)}分）" for label, weight in plan["weights"])
                + "。"
            )
        )
    return blocks


def build_document(*, facts: dict, narrative: dict[str, str], title: str, date: datetime.date) -> dict:
    """The summary of facts["year"] with the given narrative paragraphs, dated `date` (the day it
    is written out, or finalised)."""
    now_blocks = [
        _heading(1, "一、推进金农卡发行，做好ATM、POS机布放工作"),
        *_cards(facts, narrative),
        *_terminals(facts, narrative),
        *_netbank(facts, narrative),
        *_maintenance(facts, narrative),
        *_technical(facts, narrative),
        *_disbursements(facts, narrative),
        *_rules(facts, narrative),
        *_problems(facts, narrative),
        *_plan(facts, narrative),
    ]
    # A sentence with nothing to state (a year without logbooks) is left out, not printed as "。".
    now_blocks = [block for block in now_blocks if block["type"] != "paragraph" or block["text"]]
    author = f"{facts['union']}电子银行部"
    return {
        "year": facts["year"],
        "title": title,
        "author": author,
        "date": date.isoformat(),
        "blocks": now_blocks,
    }


def default_title(*, union: str, year: int) -> str:
    return f"{union}电子银行部{year}年工作总结"
