"""The 助农取款 patrol as a branch manager does it on a phone: 今日 lists the service points still
to visit this month; one tap opens the visit with the point chosen; a checklist item not met asks
for the finding; saved, the point leaves the list and the register shows the month's rate."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from terminals.models import ServicePoint, ServicePointVisit
from tests.browser.test_logbook_on_a_phone import PHONE, assert_fits_the_phone
from tests.terminals.factories import ServicePointFactory, ServicePointTxnFactory


@pytest.fixture
def point(tree):
    point = ServicePointFactory(
        branch=tree["a1"], name="东街村助农取款服务点", village="东街村", opened_on=datetime.date(2011, 7, 1)
    )
    ServicePointTxnFactory(point=point)  # used in 2011 only: idle today
    return point


def test_a_manager_visits_a_service_point_from_today_on_a_phone(new_page, log_in, screenshot, manager, point):
    page = new_page(**PHONE)
    log_in(page, "mgr-101")
    page.goto("/today/")
    work = page.locator("#today-work")
    expect(work).to_contain_text("待巡查的服务点")
    expect(work).to_contain_text("连续三个月无交易的服务点")
    assert_fits_the_phone(page)
    screenshot(page, "today-service-points")

    work.get_by_role("link", name="登记巡查").click()
    expect(page.locator("h1")).to_have_text("新增服务点巡查")
    expect(page.get_by_label("助农取款服务点")).to_have_value(str(point.pk))
    for item in ("服务标识及公告已张贴", "取款限额已公示", "操作人员经过培训", "机具运行正常"):
        page.get_by_label(item).check()
    page.get_by_role("button", name="保存", exact=True).click()
    # 备付金充足 not ticked: the finding is asked for, nothing is saved.
    expect(page.locator(".errorlist")).to_contain_text("请填写发现的问题")
    assert not ServicePointVisit.objects.exists()
    page.get_by_label("发现问题").fill("备付金不足，仅余800元")
    page.get_by_label("整改情况").fill("已通知店主补足备付金")
    assert_fits_the_phone(page)
    screenshot(page, "visit-form")
    page.get_by_role("button", name="保存", exact=True).click()

    expect(page).to_have_url(re.compile(r"/today/$"))
    expect(page.locator(".messagelist")).to_contain_text("成功添加了")
    expect(page.locator("#today-work")).not_to_contain_text("待巡查的服务点")
    visit = ServicePointVisit.objects.get()
    assert (visit.point, visit.branch, visit.entered_by, visit.cash_sufficient) == (
        point,
        point.branch,
        manager,
        False,
    )

    page.goto("/terminals/servicepointvisit/")
    summary = page.locator("#service-point-visits")
    expect(summary).to_contain_text("东街分社")
    expect(summary).to_contain_text("100.00%")
    assert_fits_the_phone(page)
    screenshot(page, "visit-register")
    assert ServicePoint.objects.get().status == "active"
