"""The metric codes of spec/kpi.md, with their Chinese names and whether each is a count or an
amount in yuan (amounts are Decimal with 2 places, written "365093000.00")."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Metric:
    code: str
    label: str
    amount: bool = False


KINDS = {"personal": "个人", "corporate": "企业"}
CHANNELS = {"intra": "行内", "inter": "跨行", "nxy": "农信银"}
PROGRAMS = {
    "pension": "城乡居民社会养老金",
    "agri_subsidy": "涉农补贴资金",
    "salary": "代发工资",
    "other": "其他代发",
}


def _metrics() -> list[Metric]:
    metrics = [
        Metric("cards_total", "发卡总量"),
        Metric("new_cards", "新增发卡"),
        Metric("card_balance", "卡存款余额", amount=True),
        Metric("avg_card_balance", "卡均余额", amount=True),
        Metric("sms_cards", "短信通知开通"),
        Metric("merchants_total", "特约商户"),
        Metric("new_merchants", "新增特约商户"),
        Metric("atms_total", "ATM 台数"),
        Metric("new_atms", "新增 ATM"),
        Metric("pos_total", "POS 台数"),
        Metric("new_pos", "新增 POS"),
        Metric("pos_txn_count", "POS 交易笔数"),
        Metric("pos_txn_amount", "POS 交易金额", amount=True),
        Metric("pos_fee_income", "POS 手续费收入", amount=True),
        Metric("atm_txn_count", "ATM 交易笔数"),
        Metric("atm_withdrawal_amount", "ATM 取款金额", amount=True),
        Metric("dormant_pos", "连续三个月无交易 POS"),
        Metric("netbank_personal_total", "个人网银客户"),
        Metric("netbank_corporate_total", "企业网银客户"),
        Metric("new_netbank_personal", "新增个人网银"),
        Metric("new_netbank_corporate", "新增企业网银"),
    ]
    for kind, kind_label in KINDS.items():
        metrics += [
            Metric(f"netbank_{kind}_transfer_count", f"{kind_label}网银转账笔数"),
            Metric(f"netbank_{kind}_transfer_amount", f"{kind_label}网银转账金额", amount=True),
        ]
        for channel, channel_label in CHANNELS.items():
            metrics += [
                Metric(f"netbank_{kind}_{channel}_count", f"{kind_label}网银{channel_label}转账笔数"),
                Metric(
                    f"netbank_{kind}_{channel}_amount",
                    f"{kind_label}网银{channel_label}转账金额",
                    amount=True,
                ),
            ]
    for program, program_label in PROGRAMS.items():
        metrics += [
            Metric(f"disbursed_{program}_households", f"{program_label}代发户数"),
            Metric(f"disbursed_{program}_amount", f"{program_label}代发金额", amount=True),
        ]
    return metrics


METRICS = _metrics()
BY_CODE = {metric.code: metric for metric in METRICS}
