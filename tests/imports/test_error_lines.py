"""One error suite for both ways of reading a file: every rule of every column kind and of the
extracts' own rules, broken in one file per extract, gives these exact `row N: column: reason`
lines on SQLite (Python) and on PostgreSQL (read in the database); on PostgreSQL the Python path
is run too, on the same files and on random damage, and must say the same, word for word."""

import random

import pytest

from ebank.imports.engine import extract_import, parse_in_database
from tests.imports.test_engine import CARDS_HEADER

LUHN_BAD = "6228480000000000001"  # 19 digits, fails the Luhn check


def _lines(outcome):
    return outcome.error_lines()


def _cards(numbers, rows):
    lines = [CARDS_HEADER]
    for i, row in enumerate(rows):
        values = dict(
            card_no=numbers["cards"][i % 6],
            holder_name=f"持卡人{i}",
            holder_id_no=numbers["ids"][i % 6],
            branch_code="101",
            issued_on="2011-03-01",
            status="active",
            closed_on="",
            sms_alert="0",
            sms_since="",
        )
        values.update(row)
        lines.append(",".join(values[c] for c in CARDS_HEADER.split(",")))
    return "\n".join(lines) + "\n"


BAD_CARD_ROWS = [
    {"card_no": "12345"},
    {"card_no": "１２３４５６７８９０１２３４５６"},
    {"card_no": LUHN_BAD},
    {"holder_name": ""},
    {"holder_name": "长" * 61},
    {"holder_id_no": "34042119800101"},
    {"holder_id_no": "34042119800101A21X"},
    {"holder_id_no": "340421198002301234"},
    {"holder_id_no": "340421189901011234"},
    {"holder_id_no": "340421198001017520"},
    {"branch_code": "999"},
    {"issued_on": "2011/03/01"},
    {"issued_on": "2011-02-29"},
    {"issued_on": "2012-02-29 00:00:00"},
    {"issued_on": "0000-01-01"},
    {"status": "gone"},
    {"status": "closed"},
    {"closed_on": "2012-01-01"},
    {"status": "closed", "closed_on": "2010-01-01"},
    {"sms_alert": "yes"},
    {"sms_alert": "1"},
    {"sms_since": "2012-01-01"},
    {"sms_alert": "1", "sms_since": "2011-02-01"},
    {"card_no": "", "issued_on": "", "status": "closed"},
]

EXPECTED_CARD_LINES = [
    "row 1: card_no: 卡号须为 16 至 19 位数字",
    "row 2: card_no: 卡号须为 16 至 19 位数字",
    "row 3: card_no: 卡号 622848*********0001 未通过 Luhn 校验",
    "row 4: holder_name: 必填",
    "row 5: holder_name: 长度须为 1 至 60 个字符",
    "row 6: holder_id_no: 证件号码：须为 18 位",
    "row 7: holder_id_no: 证件号码：须为 17 位数字加一位数字或 X",
    "row 8: holder_id_no: 证件号码：出生日期无效",
    "row 9: holder_id_no: 证件号码：出生日期超出范围",
    "row 10: holder_id_no: 证件号码 340421********7520 的校验位错误",
    "row 11: branch_code: 999 不存在（系统中没有，本文件前面的行中也没有）",
    "row 12: issued_on: 须为日期，格式 YYYY-MM-DD",
    "row 13: issued_on: 不是有效日期",
    "row 15: issued_on: 不是有效日期",
    "row 16: status: 须为以下之一：active, lost, frozen, closed",
    "row 17: closed_on: 卡状态为销卡时必填",
    "row 18: closed_on: 只有已销卡的卡才有销卡日期",
    "row 19: closed_on: 不得早于发卡日期",
    "row 20: sms_alert: 须为 1 或 0",
    "row 21: sms_since: 开通短信通知时必填",
    "row 22: sms_since: 仅在开通短信通知时填写",
    "row 23: sms_since: 不得早于发卡日期",
    "row 24: card_no: 必填",
    "row 24: issued_on: 必填",
]


def _both_paths(settings, kind, path):
    """The outcome's lines as the configured database reads the file, and (PostgreSQL) as the
    Python path reads it."""
    first = extract_import(kind=kind, path=path, dry_run=True)
    if not parse_in_database():
        return first, None
    settings.IMPORT_PARSE_IN_DATABASE = False
    try:
        second = extract_import(kind=kind, path=path, dry_run=True)
    finally:
        settings.IMPORT_PARSE_IN_DATABASE = True
    return first, second


def _same(first, second):
    if second is None:
        return
    assert _lines(first) == _lines(second)
    assert (first.rows, first.created, first.updated, first.unchanged, first.invalid_rows) == (
        second.rows,
        second.created,
        second.updated,
        second.unchanged,
        second.invalid_rows,
    )
    assert first.preview == second.preview


def test_every_card_rule_gives_the_same_line_on_both_databases(tree, write, numbers, settings):
    path = write("cards.csv", _cards(numbers, BAD_CARD_ROWS))
    first, second = _both_paths(settings, "cards", path)
    lines = _lines(first)
    # The ID numbers repeat every six rows: duplicates are reported after the cells' own errors.
    assert [line for line in lines if "重复" not in line] == EXPECTED_CARD_LINES
    _same(first, second)


@pytest.mark.parametrize(
    "kind, text",
    [
        (
            "terminals",
            "terminal_no,kind,serial_no,model,branch_code,merchant_no,location,installed_on,status,removed_on\n"
            "T0000001,pos,S1,M,101,,街,2020-01-01,in_service,\n"
            "T0000002,atm,S2,M,101,MMMMMMMMMMMMMMM,街,2020-01-01,removed,\n"
            "T00003,kiosk,S3,M,101,,街,2020-13-01,in_service,2020-02-01\n"
            ",,,,,,,,,\n"
            "T0000004,atm,S4,M,101,,街,2020-01-01,removed,2019-12-31\n",
        ),
        (
            "terminal_txns",
            "reference,terminal_no,txn_at,txn_type,amount,fee,card_no\n"
            "R1,T0000001,2024-01-01 25:00:00,inquiry,1.00,0,\n"
            "R2,T0000001,2024-01-01 10:00,withdrawal,-1,x,123\n"
            f"R3,T0000001,2024-01-01 10:00:00,inquiry,0.5,-0.10,{LUHN_BAD}\n",
        ),
        (
            "netbank_customers",
            "customer_no,kind,name,branch_code,signed_on,status,closed_on,security_media\n"
            "C1,personal,张三,101,2020-01-01,closed,,ukey|nope\n"
            "C2,personal,李四,101,2020-01-01,active,2021-01-01,ukey\n",
        ),
        (
            "netbank_transfers",
            "reference,customer_no,txn_at,channel,amount\nX1,C9,2024-01-01 10:00:00,intra,0\n"
            "X2,C9,2024-02-30 10:00:00,post,1.001\n",
        ),
        (
            "assessment_plan",
            "year,metric,weight,cap,mode\n1999,nope,0,,\n2024,cards_new,10,0.9,\n2024,cards_new,10,,other\n",
        ),
        (
            "branches",
            'code,name,parent_code\n301,"新社, 东",301\n302,新社,\n',
        ),
        (
            "service_points",
            "point_no,name,branch_code,village,device,opened_on,status,closed_on\n"
            "P1,点,101,村,pos,2020-01-01,closed,\n",
        ),
    ],
)
def test_each_extracts_rules_say_the_same_on_both_paths(tree, write, settings, kind, text):
    first, second = _both_paths(settings, kind, write(f"{kind}.csv", text))
    assert first.error_count > 0 and all(line.startswith("row ") for line in _lines(first))
    _same(first, second)


def test_random_damage_reads_the_same_on_both_paths(tree, write, numbers, settings):
    """Cells cut, doubled, blanked or replaced by other columns' text, blank rows, whitespace
    around cells, short rows: whatever the damage, both paths say the same."""
    if not parse_in_database():
        pytest.skip("PostgreSQL reads in the database; SQLite has the Python path only")
    rng = random.Random(20)
    samples = [
        "",
        " ",
        "2011-03-01",
        "1",
        "0",
        "closed",
        LUHN_BAD,
        "x" * 70,
        "３",
        "-1",
        "2011-02-30",
        "　101　",
    ]
    for round_ in range(6):
        rows = []
        for i in range(30):
            row = {}
            for column in rng.sample(CARDS_HEADER.split(","), rng.randint(0, 3)):
                row[column] = rng.choice(samples)
            rows.append(row)
        text = _cards(numbers, rows).splitlines()
        text.insert(rng.randint(1, len(text)), ",,,,,,,,")
        if round_ % 2:
            text.insert(rng.randint(1, len(text)), "")
            text[rng.randint(1, len(text) - 1)] += ",extra"
        first, second = _both_paths(settings, "cards", write(f"damaged{round_}.csv", "\n".join(text) + "\n"))
        _same(first, second)


NUMBER_CELLS = [
    "0",
    "1.5",
    "-0.01",
    "1.",
    ".5",
    "1.234",
    "--1",
    "-",
    "1..2",
    "1.2.3",
    "+1",
    "1e5",
    "１",
    "0.00",
]
NUMBER_CELLS += ["9" * 16 + ".99", "9" * 17, "-" + "9" * 16, "12 3", "١٢", "1,000"]


@pytest.mark.parametrize("cell", NUMBER_CELLS)
def test_a_number_cell_reads_the_same_on_both_paths(tree, write, settings, cell):
    """An amount (16 digits, 2 decimals, a sign), a whole number (18 digits, a sign) and a plain
    number (14 digits, 4 decimals): PostgreSQL reads their shape without a regular expression,
    and must say what Python's reads say, cell for cell."""
    text = (
        "program,paid_on,branch_code,households,amount\n"
        f"pension,2024-01-31,101,{cell},{cell}\n"
        f"salary,2024-01-31,101,{cell.lstrip('-')},1\n"
    )
    first, second = _both_paths(settings, "disbursements", write("disbursements.csv", text))
    _same(first, second)
    text = f"year,metric,weight,cap,mode\n2024,cards_total,{cell},,\n"
    first, second = _both_paths(settings, "assessment_plan", write("plan.csv", text))
    _same(first, second)


def test_the_check_digit_functions_agree_with_python(db):
    """ebank_luhn_valid and ebank_resident_id_check (migrations imports/0004, 0005) say what
    ebank.pii says, on numbers of every length a card number can have and on resident IDs."""
    from django.db import connection

    from ebank import pii

    if connection.vendor != "postgresql":
        pytest.skip("the functions are PostgreSQL's")
    rng = random.Random(5)
    numbers = ["".join(rng.choice("0123456789") for _ in range(rng.randint(12, 19))) for _ in range(3000)]
    bodies = ["".join(rng.choice("0123456789") for _ in range(17)) for _ in range(1000)]
    with connection.cursor() as cursor:
        cursor.execute("SELECT n, ebank_luhn_valid(n) FROM unnest(%s::text[]) AS n", [numbers])
        luhn = dict(cursor.fetchall())
        cursor.execute("SELECT b, ebank_resident_id_check(b) FROM unnest(%s::text[]) AS b", [bodies])
        checks = dict(cursor.fetchall())
    assert {n: pii.luhn_valid(n) for n in numbers} == luhn
    assert 250 < sum(luhn.values()) < 350  # about one in ten passes
    expected = {
        b: pii.ID_CHECK_CHARS[sum(int(d) * w for d, w in zip(b, pii.ID_WEIGHTS)) % 11] for b in bodies
    }
    assert expected == checks
