"""A branch manager types a retained card's full number into the register's search box: the entry
is found, and the number never stands in the address bar (nor in any URL the browser asked for)."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from ebank.registers import services as logbooks
from terminals.models import RetainedCard
from tests.browser.test_logbook_on_a_phone import PHONE, assert_fits_the_phone
from tests.terminals.factories import TerminalFactory

NUMBER = "6212345678901234569"


def test_a_full_card_number_is_searched_without_showing_in_a_url(new_page, log_in, screenshot, tree, manager):
    atm = TerminalFactory(
        branch=tree["a1"], kind="atm", merchant=None, installed_on=datetime.date(2011, 1, 1)
    )
    when = timezone.now().replace(second=0, microsecond=0) - datetime.timedelta(hours=2)
    for number in (NUMBER, "6228480402564890018"):
        logbooks.logbook_enter(
            model=RetainedCard, by=manager, terminal=atm, occurred_at=when, outcome="held", card_no=number
        )
    page = new_page(**PHONE)
    asked = []
    page.on("request", lambda request: asked.append(request.url))
    log_in(page, "mgr-101")
    page.goto("/terminals/retainedcard/")
    expect(page.locator("#result_list")).to_contain_text("622848*********0018")
    page.locator("#searchbar").fill(NUMBER[:6] + " " + NUMBER[6:])  # typed with a space, as on a card
    page.locator("#searchbar").press("Enter")
    expect(page.locator("#result_list")).to_contain_text("621234*********4569")
    expect(page.locator("#result_list")).not_to_contain_text("622848*********0018")
    assert NUMBER not in page.url and "hash%3A" in page.url
    expect(page.locator("#searchbar")).to_have_value("")  # not the hash either
    expect(page.locator("#searchbar")).to_have_attribute("placeholder", "已按您输入的完整卡号或身份证号查找")
    assert not [url for url in asked if NUMBER in url]
    assert_fits_the_phone(page)
    screenshot(page, "found")
