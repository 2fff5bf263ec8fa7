"""Department staff import a card extract: a bad row is refused with its row, column and reason;
the corrected file checks clean, is confirmed, and its cards are created."""

import random

from playwright.sync_api import expect

from cards.models import Card
from ebank.imports.models import ImportRun
from tests.cards.factories import card_number, resident_id

HEADER = "卡号,持卡人,证件号码,发卡机构,发卡日期,卡状态,销卡日期,短信通知,短信开通日期"  # docs/extracts.md


def cards_extract(branch_codes):
    rng = random.Random(8)
    lines = [HEADER]
    for i, code in enumerate(branch_codes):
        lines.append(
            f"{card_number(rng=rng)},持卡人{i + 1},{resident_id(rng=rng)},{code},2011-03-0{i + 1},active,,0,"
        )
    return "\n".join(lines) + "\n"


def upload(page, path):
    """数据导入 → 导入记录 → 新增: choose the extract and the file, upload; wait for the check."""
    page.goto("/")
    page.locator(".app-imports").get_by_role("link", name="新增").click()
    expect(page.locator("h1")).to_have_text("导入数据文件")
    page.get_by_label("数据类型").select_option("cards")
    page.get_by_label("文件").set_input_files(path)
    page.get_by_role("button", name="上传并校验").click()
    # The check runs as a Celery task (in-process here); the page polls until it ends.
    expect(page.locator("#import-run")).not_to_have_attribute("data-status", "queued")
    expect(page.locator("#import-run")).not_to_have_attribute("data-status", "validating")


def test_staff_read_the_row_error_fix_the_file_and_import(new_page, log_in, screenshot, write, tree, staff):
    page = new_page()
    log_in(page, "staff")
    screenshot(page, "home")

    bad = write("金农卡-2011-03.csv", cards_extract(["101", "999", "201"]))
    upload(page, bad)
    expect(page.locator("#import-run")).to_have_attribute("data-status", "invalid")
    expect(page.locator("#run-status")).to_have_text("已拒绝：有无效行")
    expect(page.locator("h2")).to_contain_text("1")
    errors = page.locator("#import-errors tbody tr")
    expect(errors).to_have_count(1)
    cells = errors.first.locator("td")
    expect(cells.nth(0)).to_have_text("2")
    expect(cells.nth(1)).to_have_text("branch_code（发卡机构）")
    expect(cells.nth(2)).to_contain_text("999")
    expect(cells.nth(2)).to_contain_text("不存在")
    expect(page.get_by_role("button", name="确认导入")).to_have_count(0)
    screenshot(page, "refused")
    assert not Card.objects.exists()

    fixed = write("金农卡-2011-03.csv", cards_extract(["101", "201", "201"]))
    upload(page, fixed)
    expect(page.locator("#import-run")).to_have_attribute("data-status", "valid")
    expect(page.locator("h2").first).to_have_text("校验通过：所有行均有效")
    expect(page.locator("#count-created")).to_have_text("3")
    expect(page.locator("#import-preview")).to_contain_text("持卡人2")
    screenshot(page, "checked")
    assert not Card.objects.exists()  # nothing is written before the confirmation

    page.get_by_role("button", name="确认导入").click()
    expect(page.locator("#import-run")).to_have_attribute("data-status", "done")
    expect(page.locator("#run-status")).to_have_text("已导入")
    expect(page.locator("#count-created")).to_have_text("3")
    expect(page.get_by_role("button", name="确认导入")).to_have_count(0)
    screenshot(page, "imported")
    assert Card.objects.filter(branch__code="201").count() == 2

    page.locator(".breadcrumbs").get_by_role("link", name="导入记录").click()
    runs = page.locator("#result_list tbody tr")
    expect(runs).to_have_count(2)
    expect(runs.nth(0)).to_contain_text("已导入")
    expect(runs.nth(1)).to_contain_text("已拒绝")
    screenshot(page, "import-list")
    assert list(ImportRun.objects.order_by("pk").values_list("status", flat=True)) == ["invalid", "done"]
