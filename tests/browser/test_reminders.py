"""Reminders as a branch manager meets them on a phone: the bell counts the unread, the inbox lists
them, one tap opens what it is about; on 提醒设置 they choose WeCom with their account, quiet
hours and the digest — half the quiet hours is refused with its reason — and the page fits."""

import datetime
import re

from playwright.sync_api import expect

from ebank.notify.models import NotificationSettings, WeComRobot
from ebank.notify.services import notify
from tests.browser.test_logbook_on_a_phone import PHONE, assert_fits_the_phone


def test_a_manager_reads_a_reminder_and_chooses_how_to_be_told_on_a_phone(
    new_page, log_in, screenshot, manager, tree
):
    WeComRobot.objects.create(
        name="城关信用社群",
        branch=tree["a"],
        webhook_url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
    )
    notify(
        recipients=[manager],
        rule="inspection_window_closing",
        key="2026-12-01:evening",
        subject="晚间检查时段 23:59 结束：还有 1 台 ATM 未做安全检查",
        body="ATM10102 寿春镇东大街",
        url="/today/",
    )
    page = new_page(**PHONE)
    log_in(page, "mgr-101")
    expect(page.locator("#unread-count")).to_have_text("1")
    page.locator("#unread-count").click()
    expect(page.locator("#inbox")).to_contain_text("还有 1 台 ATM 未做安全检查")
    assert_fits_the_phone(page)
    screenshot(page, "inbox")

    page.get_by_role("link", name="提醒设置").click()
    expect(page.locator("#channel-email")).to_contain_text("本服务器未配置")
    expect(page.locator("#channel-wecom")).to_contain_text("城关信用社群")
    page.get_by_label("电子邮件", exact=True).uncheck()
    page.get_by_label("企业微信账号").fill("zhangsan")
    page.get_by_label("静默开始").fill("22:00")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".errornote")).to_contain_text("静默时段请填写起止两个时间，或都不填。")
    assert not NotificationSettings.objects.exists()
    page.get_by_label("静默结束").fill("07:00")
    page.get_by_label("每日摘要").check()
    assert_fits_the_phone(page)
    screenshot(page, "settings")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".messagelist")).to_contain_text("提醒设置已保存。")
    choice = NotificationSettings.objects.get(user=manager)
    assert (choice.by_email, choice.by_wecom, choice.wecom_userid, choice.digest) == (
        False,
        True,
        "zhangsan",
        True,
    )
    assert (choice.quiet_from, choice.quiet_until) == (datetime.time(22), datetime.time(7))

    page.goto("/inbox/")
    page.get_by_role("link", name=re.compile("未做安全检查")).click()
    expect(page).to_have_url(re.compile(r"/today/$"))
    expect(page.locator("#unread-count")).to_have_count(0)
