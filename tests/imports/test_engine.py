"""The import engine as staff meet it: every rule of docs/extracts.md, all or nothing, idempotent."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command

from cards.models import BalanceRevision, Card, CardBalance, Disbursement
from ebank import pii
from ebank.imports.engine import extract_import
from ebank.imports.models import ImportRun
from ebank.org.models import Branch

CARDS_HEADER = "card_no,holder_name,holder_id_no,branch_code,issued_on,status,closed_on,sms_alert,sms_since"


def cards_csv(numbers, rows):
    lines = [CARDS_HEADER]
    for i, row in enumerate(rows):
        values = {
            "card_no": numbers["cards"][i],
            "holder_name": f"持卡人{i}",
            "holder_id_no": numbers["ids"][i],
            "branch_code": "101",
            "issued_on": "2011-03-01",
            "status": "active",
            "closed_on": "",
            "sms_alert": "0",
            "sms_since": "",
        }
        values.update(row)
        lines.append(",".join(values[c] for c in CARDS_HEADER.split(",")))
    return "\n".join(lines) + "\n"


def errors_of(outcome):
    return [(row, column) for row, column, _reason in outcome.errors]


# --- branches -----------------------------------------------------------------------------------


def test_branches_import_with_parents_earlier_in_the_file(db, write):
    path = write(
        "branches.csv", "code,name,parent_code\n000,联社营业部,\n101,城关信用社,000\n10101,东街分社,101\n"
    )
    outcome = extract_import(kind="branches", path=path)
    assert outcome.summary() == "branches: 3 rows (3 created, 0 updated, 0 unchanged)"
    assert Branch.objects.get(code="10101").parent.code == "101"
    assert extract_import(kind="branches", path=path).summary() == (
        "branches: 3 rows (0 created, 0 updated, 3 unchanged)"
    )


def test_branch_references_must_exist_or_come_earlier(db, write):
    path = write(
        "branches.csv", "code,name,parent_code\n000,联社营业部,\n10101,东街分社,101\n101,城关信用社,000\n"
    )
    outcome = extract_import(kind="branches", path=path)
    assert errors_of(outcome) == [(2, "parent_code")]
    assert "101" in outcome.errors[0][2]
    assert not Branch.objects.exists()


def test_a_second_root_and_a_cycle_are_refused(tree, write):
    path = write("branches.csv", "code,name,parent_code\n999,另一个联社,\n101,城关信用社,10101\n")
    outcome = extract_import(kind="branches", path=path)
    assert errors_of(outcome) == [(1, "parent_code"), (2, "parent_code")]
    assert Branch.objects.get(code="101").parent.code == "000"


# --- cards --------------------------------------------------------------------------------------


def test_cards_are_stored_hashed_and_masked(tree, write, numbers):
    outcome = extract_import(kind="cards", path=write("cards.csv", cards_csv(numbers, [{}, {}])))
    assert outcome.summary() == "cards: 2 rows (2 created, 0 updated, 0 unchanged)"
    card = Card.objects.get(number_hash=pii.keyed_hash(numbers["cards"][0]))
    assert card.number_masked == pii.card_mask(numbers["cards"][0])
    assert card.last4 == numbers["cards"][0][-4:]
    assert card.holder_id_masked == pii.resident_id_mask(numbers["ids"][0])
    assert card.branch == tree["a"] and card.history.first().history_type == "+"


@pytest.mark.parametrize(
    "row,column,reason",
    [
        ({"card_no": "6228480402564890019"}, "card_no", "Luhn"),
        ({"card_no": "622848040256"}, "card_no", "16 至 19 位"),
        ({"holder_id_no": "110105194912310021"}, "holder_id_no", "校验位错误"),
        ({"holder_id_no": "11010519491331002X"}, "holder_id_no", "出生日期无效"),
        ({"holder_name": ""}, "holder_name", "必填"),
        ({"branch_code": "999"}, "branch_code", "999 不存在"),
        ({"issued_on": "2011/03/01"}, "issued_on", "YYYY-MM-DD"),
        ({"issued_on": "2011-02-30"}, "issued_on", "不是有效日期"),
        ({"status": "stolen"}, "status", "active, lost, frozen, closed"),
        ({"status": "closed"}, "closed_on", "销卡时必填"),
        ({"closed_on": "2011-05-01"}, "closed_on", "只有已销卡"),
        ({"status": "closed", "closed_on": "2011-01-01"}, "closed_on", "不得早于发卡日期"),
        ({"sms_alert": "yes"}, "sms_alert", "1 或 0"),
        ({"sms_alert": "1"}, "sms_since", "开通短信通知时必填"),
        ({"sms_since": "2011-04-01"}, "sms_since", "仅在开通短信通知时"),
        ({"sms_alert": "1", "sms_since": "2011-02-01"}, "sms_since", "不得早于发卡日期"),
    ],
)
def test_each_card_rule_refuses_the_file_naming_row_and_column(tree, write, numbers, row, column, reason):
    path = write("cards.csv", cards_csv(numbers, [{}, row, {}]))
    outcome = extract_import(kind="cards", path=path)
    assert errors_of(outcome) == [(2, column)]
    assert reason in outcome.errors[0][2]
    assert not Card.objects.exists()  # all or nothing: the two good rows are not written either


def test_duplicate_card_in_one_file(tree, write, numbers):
    numbers["cards"][2] = numbers["cards"][0]
    outcome = extract_import(kind="cards", path=write("cards.csv", cards_csv(numbers, [{}, {}, {}])))
    assert outcome.errors == [(3, "card_no", "主键重复：与第 1 行相同")]


def test_errors_never_show_a_full_number(tree, write, numbers):
    bad_card = numbers["cards"][1][:-1] + str((int(numbers["cards"][1][-1]) + 1) % 10)
    outcome = extract_import(
        kind="cards", path=write("cards.csv", cards_csv(numbers, [{"card_no": bad_card}]))
    )
    assert bad_card not in " ".join(outcome.error_lines())
    assert pii.card_mask(bad_card) in outcome.error_lines()[0]


def test_second_import_changes_nothing_and_a_changed_row_is_on_record(tree, staff, write, numbers):
    path = write("cards.csv", cards_csv(numbers, [{}, {}]))
    extract_import(kind="cards", path=path, by=staff)
    history = Card.history.count()
    assert extract_import(kind="cards", path=path, by=staff).summary() == (
        "cards: 2 rows (0 created, 0 updated, 2 unchanged)"
    )
    assert Card.history.count() == history
    changed = write("cards2.csv", cards_csv(numbers, [{}, {"status": "lost", "holder_name": "新名字"}]))
    outcome = extract_import(kind="cards", path=changed, by=staff, reason="第 7 号导入")
    assert (outcome.created, outcome.updated, outcome.unchanged) == (0, 1, 1)
    card = Card.objects.get(holder_name="新名字")
    latest = card.history.first()
    assert latest.history_type == "~" and latest.history_user == staff
    assert latest.history_change_reason == "第 7 号导入"
    assert [c.field for c in latest.diff_against(latest.prev_record).changes] == ["holder_name", "status"]


def test_dry_run_writes_nothing(tree, write, numbers):
    outcome = extract_import(kind="cards", path=write("cards.csv", cards_csv(numbers, [{}])), dry_run=True)
    assert outcome.created == 1 and not outcome.written
    assert not Card.objects.exists()


# --- file formats -------------------------------------------------------------------------------


def test_gb18030_crlf_and_chinese_headers(tree, write, numbers):
    text = cards_csv(numbers, [{}]).replace(
        CARDS_HEADER, "卡号,持卡人,证件号码,发卡机构,发卡日期,卡状态,销卡日期,短信通知,短信开通日期"
    )
    path = write("cards.csv", text, encoding="gb18030", newline="\r\n")
    outcome = extract_import(kind="cards", path=path)
    assert outcome.created == 1
    assert Card.objects.get().holder_name == "持卡人0"


def test_utf8_with_bom(tree, write, numbers):
    path = write("cards.csv", cards_csv(numbers, [{}]), encoding="utf-8-sig")
    assert extract_import(kind="cards", path=path).created == 1


def test_xlsx_first_sheet_with_blank_trailing_rows(tree, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["program", "paid_on", "branch_code", "households", "amount"])
    sheet.append(["pension", "2011-06-30", "101", 1200, "66000.50"])
    sheet.append(["agri_subsidy", "2011-06-30", "10101", 300, "12000"])
    sheet.append([None, None, None, None, None])
    sheet.append([])
    book.create_sheet("other").append(["ignored"])
    path = tmp_path / "disbursements.xlsx"
    book.save(path)
    outcome = extract_import(kind="disbursements", path=path)
    assert outcome.summary() == "disbursements: 2 rows (2 created, 0 updated, 0 unchanged)"
    assert Disbursement.objects.get(program="pension").amount == Decimal("66000.50")


def test_missing_column_is_named(tree, write):
    outcome = extract_import(kind="disbursements", path=write("d.csv", "program,paid_on,households,amount\n"))
    assert outcome.errors == [(0, "branch_code", "表头缺少此列（branch_code 或 发放机构）")]


def test_a_file_that_is_not_csv_or_xlsx(tree, write):
    outcome = extract_import(kind="disbursements", path=write("d.pdf", "%PDF"))
    assert outcome.errors[0][1] == "file"


# --- balances and disbursements -----------------------------------------------------------------


def test_balances_reference_known_cards_and_keep_corrections(tree, staff, write, numbers):
    extract_import(kind="cards", path=write("cards.csv", cards_csv(numbers, [{}, {}])))
    a, b = numbers["cards"][:2]
    path = write("bal.csv", f"card_no,as_of,balance\n{a},2011-12-31,2550.00\n{b},2011-12-31,100\n")
    assert extract_import(kind="card_balances", path=path).created == 2
    corrected = write("bal2.csv", f"card_no,as_of,balance\n{a},2011-12-31,2600.10\n{b},2011-12-31,100.00\n")
    outcome = extract_import(kind="card_balances", path=corrected, by=staff, reason="更正")
    assert (outcome.created, outcome.updated, outcome.unchanged) == (0, 1, 1)
    revision = BalanceRevision.objects.get()
    assert (revision.old_balance, revision.new_balance, revision.changed_by) == (
        Decimal("2550.00"),
        Decimal("2600.10"),
        staff,
    )
    assert CardBalance.objects.get(card__last4=a[-4:]).balance == Decimal("2600.10")


def test_balances_refuse_unknown_cards_negative_amounts_and_duplicates(tree, write, numbers):
    extract_import(kind="cards", path=write("cards.csv", cards_csv(numbers, [{}])))
    a, unknown = numbers["cards"][0], numbers["cards"][5]
    path = write(
        "bal.csv",
        "card_no,as_of,balance\n"
        f"{a},2011-12-31,-1.00\n{unknown},2011-12-31,5\n{a},2011-11-30,1.234\n"
        f"{a},2011-10-31,1\n{a},2011-10-31,2\n",
    )
    outcome = extract_import(kind="card_balances", path=path)
    assert errors_of(outcome) == [(1, "balance"), (2, "card_no"), (3, "balance"), (5, "card_no")]
    assert pii.card_mask(unknown) in outcome.errors[1][2] and unknown not in outcome.errors[1][2]
    assert not CardBalance.objects.exists()


@pytest.mark.parametrize(
    "row,column",
    [
        ("bonus,2011-06-30,101,1,1", "program"),
        ("pension,2011-06-30,101,-1,1", "households"),
        ("pension,2011-06-30,101,1.5,1", "households"),
        ("pension,2011-06-30,101,1,-5", "amount"),
        ("pension,2011-06-30,999,1,1", "branch_code"),
        ("pension,2011-06-31,101,1,1", "paid_on"),
    ],
)
def test_disbursement_rules(tree, write, row, column):
    path = write("d.csv", f"program,paid_on,branch_code,households,amount\n{row}\n")
    assert errors_of(extract_import(kind="disbursements", path=path)) == [(1, column)]


# --- the command line ---------------------------------------------------------------------------


def test_command_prints_the_contract_line_and_records_the_run(tree, write, numbers, capsys):
    path = write("cards.csv", cards_csv(numbers, [{}, {}]))
    call_command("import_extract", "cards", str(path))
    assert capsys.readouterr().out.strip() == "cards: 2 rows (2 created, 0 updated, 0 unchanged)"
    run = ImportRun.objects.get()
    assert (run.kind, run.status, run.created, run.source) == ("cards", "done", 2, "command")
    assert len(run.sha256) == 64 and run.size == path.stat().st_size


def test_command_exits_1_listing_every_invalid_row(tree, write, numbers, capsys):
    path = write("cards.csv", cards_csv(numbers, [{"status": "x"}, {}, {"issued_on": "x"}]))
    with pytest.raises(SystemExit) as exit_:
        call_command("import_extract", "cards", str(path))
    assert exit_.value.code == 1
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("row 1: status: ") and lines[1].startswith("row 3: issued_on: ")
    assert not Card.objects.exists()
    assert ImportRun.objects.get().status == "invalid"


def test_command_dry_run(tree, write, numbers, capsys):
    call_command("import_extract", "cards", str(write("c.csv", cards_csv(numbers, [{}]))), "--dry-run")
    assert "1 created" in capsys.readouterr().out
    assert not Card.objects.exists()


def test_progress_goes_to_stderr(tree, write, numbers):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "import_extract", "cards", str(write("c.csv", cards_csv(numbers, [{}]))), stdout=out, stderr=err
    )
    assert "rows read (100%)" in err.getvalue() and "rows read" not in out.getvalue()


def test_a_branch_cannot_be_its_own_parent(tree, write):
    outcome = extract_import(kind="branches", path=write("b.csv", "code,name,parent_code\n301,新社,301\n"))
    assert outcome.errors == [(1, "parent_code", "机构不能以自身为上级机构")]


def test_memory_stays_flat_because_rows_stream(tree, write, numbers, monkeypatch, settings):
    """The Python path loads rows in batches: with a batch of 2, five rows make three loads (the
    database path streams the file into COPY)."""
    from ebank.imports import engine

    settings.IMPORT_PARSE_IN_DATABASE = False
    loads = []
    original = engine.Staging.load
    monkeypatch.setattr(engine, "BATCH", 2)
    monkeypatch.setattr(
        engine.Staging, "load", lambda self, rows: (loads.append(len(rows)), original(self, rows))
    )
    extract_import(kind="cards", path=write("cards.csv", cards_csv(numbers, [{}] * 5)))
    assert loads == [2, 2, 1]


def test_a_row_with_several_problems_reports_them_all_and_counts_once(tree, write):
    path = write(
        "d.csv",
        "program,paid_on,branch_code,households,amount\n"
        "pension,2011-06-30,101,1200,66000.50\nbonus,2011-06-31,999,-1,-5\n",
    )
    outcome = extract_import(kind="disbursements", path=path)
    assert [column for _row, column, _reason in outcome.errors] == [
        "amount",
        "branch_code",
        "households",
        "paid_on",
        "program",
    ]
    assert (outcome.invalid_rows, outcome.error_count) == (1, 5)


def test_a_big_import_refreshes_the_tables_statistics(tree, write, numbers, monkeypatch):
    from ebank.imports import engine

    analyzed = []
    monkeypatch.setattr(engine, "ANALYZE_AFTER", 2)
    monkeypatch.setattr(engine.Staging, "analyze_target", lambda self: analyzed.append(self.target))
    extract_import(kind="cards", path=write("one.csv", cards_csv(numbers, [{}])))
    assert analyzed == []
    extract_import(kind="cards", path=write("three.csv", cards_csv(numbers, [{}, {}, {}])))
    assert analyzed == ["cards_card"]
