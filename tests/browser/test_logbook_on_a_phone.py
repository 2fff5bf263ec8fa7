"""A branch manager on a phone records the morning ATM inspection, corrects it, and cannot reach a
sibling branch's register."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from terminals.models import AtmInspection
from tests.terminals.factories import TerminalFactory, logbook_entry

PHONE = {
    "width": 375,
    "height": 812,
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
    "locale": "zh-CN",
}


def morning_time():
    """The middle of the configured morning inspection window."""
    start, end = (
        datetime.time.fromisoformat(t) for t in settings.ATM_INSPECTION_WINDOWS["morning"].split("-")
    )
    minutes = (start.hour * 60 + start.minute + end.hour * 60 + end.minute) // 2
    return datetime.time(minutes // 60, minutes % 60)


def assert_fits_the_phone(page):
    """Nothing makes the page scroll sideways on a 375 px screen."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide"


@pytest.fixture
def atm(tree):
    return TerminalFactory(
        branch=tree["a1"], kind="atm", merchant=None, installed_on=datetime.date(2011, 1, 1), location="东街"
    )


def test_a_manager_records_and_corrects_a_morning_inspection_on_a_phone(
    new_page, log_in, screenshot, live_server, tree, manager, atm
):
    sibling = logbook_entry(AtmInspection, tree["b"])
    day = timezone.localdate() - datetime.timedelta(days=1)
    page = new_page(**PHONE)
    page.goto("/login/")
    screenshot(page, "login")
    log_in(page, "mgr-101")
    expect(page.locator("#user-tools")).to_contain_text("mgr-101", ignore_case=True)
    assert_fits_the_phone(page)
    screenshot(page, "home")

    # 机具与商户 → ATM机安全检查登记簿 → 新增
    page.get_by_role("link", name="ATM机安全检查登记簿", exact=True).click()
    expect(page.locator("h1")).to_contain_text("ATM机安全检查")
    assert_fits_the_phone(page)
    screenshot(page, "register")
    page.get_by_role("link", name="新增ATM机安全检查").click()
    expect(page.locator("h1")).to_have_text("新增ATM机安全检查")  # the button and the title say 新增
    page.get_by_label("机具").select_option(str(atm.pk))
    page.locator("#id_occurred_at_0").fill(day.isoformat())
    page.locator("#id_occurred_at_1").fill(morning_time().strftime("%H:%M:%S"))
    page.get_by_label("检查时段").select_option(label="上午")
    expect(page.get_by_label("插卡口无盗卡装置")).to_be_checked()  # every check starts as passed
    assert_fits_the_phone(page)
    screenshot(page, "add-form")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("成功添加了")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(atm.terminal_no)
    screenshot(page, "added")
    original = AtmInspection.objects.get(terminal=atm)
    assert (original.entered_by, original.shift) == (manager, "morning")
    assert timezone.localtime(original.occurred_at).date() == day

    # The entry is read only; 更正此条 makes a new entry that refers to it, with the reason.
    rows.first.locator("th a").click()
    expect(page.locator("h1")).to_have_text("查看ATM机安全检查")
    expect(page.get_by_role("button", name="保存")).to_have_count(0)
    assert_fits_the_phone(page)
    screenshot(page, "entry")
    page.get_by_role("link", name="更正此条").click()
    expect(page.locator("h1")).to_have_text(f"更正第 {original.pk} 条")
    page.get_by_label("告示张贴齐全").uncheck()
    page.get_by_label("发现问题").fill("ATM告示被撕毁，已重新张贴")
    page.get_by_label("更正原因").fill("补记检查发现的问题")
    assert_fits_the_phone(page)
    screenshot(page, "correction-form")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("已更正")
    corrected = AtmInspection.objects.get(amends=original)
    expect(page.locator(".messagelist")).to_have_text(
        f"已更正：第 {corrected.pk} 条更正第 {original.pk} 条。"
    )
    screenshot(page, "corrected")
    assert (corrected.correction_reason, corrected.notices_posted) == ("补记检查发现的问题", False)

    page.locator(".breadcrumbs").get_by_role("link", name="ATM机安全检查登记簿").click()
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text(f"更正 #{original.pk}")
    expect(rows.nth(1)).to_contain_text(f"已被更正： #{corrected.pk}")
    expect(page.locator("#result_list")).not_to_contain_text(sibling.terminal.terminal_no)
    assert_fits_the_phone(page)
    screenshot(page, "both-entries")

    # A sibling branch's entry by its address: the admin says no such entry and goes home; its
    # correction page is a 404.
    page.goto(f"/terminals/atminspection/{sibling.pk}/change/")
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator(".messagelist")).to_contain_text(f"ID 为“{sibling.pk}”的 ATM机安全检查 不存在")
    expect(page.locator("#content")).not_to_contain_text(sibling.terminal.terminal_no)
    screenshot(page, "sibling-entry")
    response = page.goto(f"/terminals/atminspection/{sibling.pk}/correct/")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("页面不存在")
    screenshot(page, "sibling-correction")


def test_the_correction_form_loads_its_date_widgets(new_page, log_in, screenshot, manager, atm):
    """The correction page's date and time boxes have their 今天 / 现在 shortcuts and calendar
    (they once failed with "gettext is not defined": the page lacked the admin's JS catalogue)."""
    entry = logbook_entry(AtmInspection, atm.branch, terminal=atm)
    page = new_page(**PHONE)
    log_in(page, "mgr-101")
    page.goto(f"/terminals/atminspection/{entry.pk}/correct/")
    screenshot(page, "correction-form")
    expect(page.get_by_role("link", name="今天").first).to_be_visible(timeout=2_000)
    assert not new_page.errors, new_page.errors
