"""The daily screens as their users meet them in Chromium: a branch manager's 今日 on a phone (the
inspection due, a fault reported, then cleared with its repair); staff pasting a block of targets
from Excel into 任务分解表; a union manager reading the ranking and the dashboard and downloading
the PDF to sign; and every page a branch manager opens fits a 375 px screen."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect
from pypdf import PdfReader

from ebank.org.roles import Role
from ebank.registers.declarations import registers
from reports import jobs, services
from reports.models import AssessmentRun, PlanItem, Target
from terminals.models import AtmFault, AtmFaultClearance, AtmInspection, AtmRepair, Terminal
from tests.browser.test_logbook_on_a_phone import PHONE, assert_fits_the_phone
from tests.cards.factories import CardFactory
from tests.factories import BranchFactory, user_with_role
from tests.reports.conftest import approve
from tests.reports.test_target_matrix import METRICS
from tests.terminals.factories import TerminalFactory


@pytest.fixture
def atm(tree):
    return TerminalFactory(
        branch=tree["a1"], kind="atm", merchant=None, installed_on=datetime.date(2011, 1, 1), location="东街"
    )


def test_a_manager_works_the_day_from_today_on_a_phone(
    new_page, log_in, screenshot, window_open_now, manager, atm
):
    page = new_page(**PHONE)
    log_in(page, "mgr-101")
    # 日常工作 → 今日, first on the menu.
    page.locator("#content-main").get_by_role("link", name="今日", exact=True).click()
    card = page.locator(f"#atm-{atm.terminal_no}")
    due = card.locator(".window.state-due")
    expect(due).to_have_count(1)
    expect(card.locator(".status")).to_have_text("在用")
    assert_fits_the_phone(page)
    screenshot(page, "today")

    # One tap on 登记检查: the ATM and the window are filled in, every check starts as passed.
    shift = due.get_attribute("data-shift")
    due.get_by_role("link", name="登记检查").click()
    expect(page.locator("h1")).to_have_text("新增ATM机安全检查")
    expect(page.get_by_label("机具")).to_have_value(str(atm.pk))
    expect(page.get_by_label("检查时段")).to_have_value(shift)
    assert_fits_the_phone(page)
    screenshot(page, "inspection-form")
    page.get_by_role("button", name="保存", exact=True).click()
    # Saved, and back on 今日 with the window done.
    expect(page).to_have_url(re.compile(r"/today/$"))
    expect(page.locator(".messagelist")).to_contain_text("成功添加了")
    expect(card.locator(f'.window[data-shift="{shift}"]')).to_contain_text("已检")
    inspection = AtmInspection.objects.get(terminal=atm)
    assert (inspection.shift, inspection.entered_by, inspection.repeat) == (shift, manager, False)
    screenshot(page, "inspected")

    # 报告故障: the ATM is out of service from the reported time.
    card.get_by_role("link", name="报告故障").click()
    expect(page.get_by_label("机具")).to_have_value(str(atm.pk))
    page.get_by_label("故障类型").select_option(label="卡钞")
    page.get_by_label("详细情况").fill("出钞口卡钞，暂停服务")
    assert_fits_the_phone(page)
    screenshot(page, "fault-form")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page).to_have_url(re.compile(r"/today/$"))
    expect(card).to_have_class("atm-card is-faulty")
    expect(card.locator(".status")).to_have_text("故障")
    expect(page.locator("#today-work")).to_contain_text("未排除的故障")
    fault = AtmFault.objects.get(terminal=atm)
    expect(card.locator("footer")).to_contain_text(f"故障 #{fault.pk} 卡钞")
    atm.refresh_from_db()
    assert atm.status == Terminal.Status.FAULTY
    assert_fits_the_phone(page)
    screenshot(page, "faulty")

    # 登记排除 with the repair it needed: the fault is closed, the repair on record, the ATM back.
    card.get_by_role("link", name="登记排除").click()
    expect(page.locator("#fault")).to_contain_text("卡钞")
    page.get_by_label("处理结果").fill("清理卡钞，更换出钞皮带")
    page.get_by_label("进行了维修").check()
    page.get_by_label("维修单位").fill("县农信科技服务部")
    page.get_by_label("更换部件").fill("出钞皮带")
    page.get_by_label("费用（元）").fill("350")
    assert_fits_the_phone(page)
    screenshot(page, "clear-form")
    page.get_by_role("button", name="保存：故障已排除").click()
    expect(page).to_have_url(re.compile(r"/today/$"))
    expect(page.locator(".messagelist")).to_contain_text(
        f"故障 #{fault.pk} 已排除，ATM机 {atm.terminal_no} 现为“在用”。"
    )
    expect(card).to_have_class("atm-card")
    expect(card.locator(".status")).to_have_text("在用")
    expect(page.locator("#today-work")).not_to_contain_text("未排除的故障")
    clearance = AtmFaultClearance.objects.get(fault=fault)
    assert clearance.resolution == "清理卡钞，更换出钞皮带" and clearance.entered_by == manager
    assert (clearance.repair.vendor, clearance.repair.cost) == ("县农信科技服务部", Decimal("350.00"))
    assert AtmRepair.objects.filter(terminal=atm).count() == 1
    atm.refresh_from_db()
    assert atm.status == Terminal.Status.IN_SERVICE
    screenshot(page, "cleared")

    # The fault register shows the fault closed by its clearance.
    page.goto(reverse("admin:terminals_atmfault_changelist"))
    row = page.locator("#result_list tbody tr").first
    expect(row).to_contain_text("卡钞")
    assert_fits_the_phone(page)
    row.locator("th a").click()
    expect(page.locator("#content")).to_contain_text("清理卡钞，更换出钞皮带")
    assert_fits_the_phone(page)
    screenshot(page, "fault-entry")


@pytest.fixture
def plan_2012(tree):
    for metric in METRICS:
        PlanItem.objects.create(year=2012, metric=metric, weight=Decimal(10))
    tree["c"] = BranchFactory(code="301", name="南湖信用社", parent=tree["hq"])
    return tree


def _paste(page, cell, text):
    """Paste `text` into `cell` as Excel puts a copied block on the clipboard (tabs and lines)."""
    cell.click()
    cell.evaluate(
        """(input, text) => {
            const data = new DataTransfer();
            data.setData("text/plain", text);
            const paste = {clipboardData: data, bubbles: true, cancelable: true};
            input.dispatchEvent(new ClipboardEvent("paste", paste));
        }""",
        text,
    )


def test_staff_paste_a_block_of_targets_from_excel(new_page, log_in, screenshot, plan_2012, staff):
    page = new_page()
    log_in(page, "staff")
    # 考核与报表 → 任务分解表 opens on the matrix; choose 2012 Q1.
    page.locator("#content-main").get_by_role("link", name="任务分解表", exact=True).click()
    page.locator("#matrix-period select[name=year]").select_option("2012")
    page.locator("#matrix-period select[name=quarter]").select_option("1")
    page.get_by_role("button", name="显示").click()
    first = page.get_by_label("城关信用社 新增发卡", exact=True)
    expect(first).to_be_visible()

    # A block with one bad cell (卡均余额 of 北山 is "两千"): nothing is saved, the cell is named.
    bad = "1200\t2210.5\t4\t33\r\n2,818\t两千\t4\t30\r\n1897\t2690\t3\t22\r\n"
    _paste(page, first, bad)
    expect(page.get_by_label("北山信用社 卡均余额", exact=True)).to_have_value("两千")
    expect(page.get_by_label("南湖信用社 新增个人网银", exact=True)).to_have_value("22")
    expect(page.locator("input.changed")).to_have_count(12)
    screenshot(page, "pasted-with-a-bad-cell")
    page.get_by_role("button", name="保存任务分解表").click()
    expect(page.locator(".messagelist")).to_contain_text("未保存：请更正下面标出的单元格。")
    expect(page.locator("#matrix-problems")).to_contain_text("北山信用社 · 卡均余额")
    expect(page.locator("td.has-problem")).to_have_count(1)
    assert not Target.objects.filter(year=2012).exists()
    # What was typed is still there to correct.
    expect(page.get_by_label("城关信用社 新增发卡", exact=True)).to_have_value("1200")
    screenshot(page, "refused")

    page.get_by_label("北山信用社 卡均余额", exact=True).fill("2420")
    page.get_by_role("button", name="保存任务分解表").click()
    # Submitted for a union manager's approval (four eyes): the change's page says what it does.
    expect(page.locator(".messagelist")).to_contain_text("联社领导审批后新增任务 12 项，修改 0 项。")
    expect(page.locator("#awaiting-approval")).to_be_visible()
    expect(page.locator("#proposed-changes")).to_contain_text("北山信用社 卡均余额")
    assert not Target.objects.filter(year=2012).exists()
    screenshot(page, "submitted")
    approve(user_with_role(Role.LEADER, username="leader"))
    page.goto(f"{reverse('admin:reports_target_matrix')}?year=2012&quarter=1")
    saved = {(t.branch.code, t.metric): t.target for t in Target.objects.filter(year=2012, quarter=1)}
    assert len(saved) == 12
    assert saved[("201", "new_cards")] == Decimal(2818)
    assert saved[("201", "avg_card_balance")] == Decimal(2420)
    assert saved[("101", "avg_card_balance")] == Decimal("2210.5")
    # The union's plan row adds the branches up (an average has no total).
    totals = page.locator("table.matrix tfoot td")
    expect(totals.nth(0)).to_have_text("5,915")  # 张, as its column says
    expect(totals.nth(1)).to_have_text("—")
    screenshot(page, "saved")


def test_a_union_manager_reads_the_ranking_and_the_dashboard_and_prints_the_assessment(
    new_page, log_in, screenshot, tmp_path, tree, staff, leader
):
    CardFactory.create_batch(6, branch=tree["a1"], issued_on=datetime.date(2011, 11, 1))
    CardFactory.create_batch(4, branch=tree["b"], issued_on=datetime.date(2011, 11, 2))
    PlanItem.objects.create(year=2011, metric="new_cards", weight=Decimal("40"), cap=Decimal("1.2"))
    for branch in (tree["a"], tree["b"]):
        Target.objects.create(year=2011, quarter=4, branch=branch, metric="new_cards", target=Decimal(5))
    run = jobs.assessment_start(year=2011, quarter=4, by=staff)
    run.refresh_from_db()
    assert run.status == AssessmentRun.Status.DONE
    services.assessment_publish(run=run, note="第四季度考核结果", by=leader)

    page = new_page(**PHONE)
    log_in(page, "leader")
    # The dashboard opens on the latest day with data, and shows it.
    page.locator("#content-main").get_by_role("link", name="仪表盘", exact=True).click()
    expect(page.locator("#dashboard-scope input[name=as_of]")).to_have_value("2011-11-02")
    expect(page.locator("#headline h2")).to_contain_text("2011-11-02")
    expect(page.locator("#headline tbody tr").first).to_contain_text("10")
    assert_fits_the_phone(page)
    screenshot(page, "dashboard")

    # 季度考核 → the run: the ranking, summary first, each branch opening on its lines.
    page.goto(reverse("admin:reports_assessmentrun_changelist"))
    page.get_by_role("link", name=str(run)).click()
    branches = page.locator("#ranking details summary")
    expect(branches.nth(0)).to_contain_text("1 城关信用社 48.00")
    expect(branches.nth(1)).to_contain_text("2 北山信用社 32.00")
    expect(page.locator("#branch-101 .ranking-lines")).to_be_hidden()
    branches.nth(1).click()
    lines = page.locator("#branch-201 .ranking-lines")
    expect(lines).to_contain_text("新增发卡")
    expect(lines).to_contain_text("80.00%")
    assert_fits_the_phone(page)
    screenshot(page, "ranking")

    with page.expect_download() as download:
        page.locator("#downloads").get_by_role("link", name="PDF（打印签字用）").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.suffix == ".pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages)
    assert "城关信用社" in text and "北山信用社" in text
    assert "制表" in text and "负责人" in text  # the lines to sign


def test_every_page_a_branch_manager_opens_fits_a_phone(
    new_page, log_in, window_open_now, tree, manager, staff, atm
):
    """今日, the dashboard, a ranking and the add form of every register the manager keeps, at 375 px."""
    PlanItem.objects.create(year=2011, metric="new_cards", weight=Decimal("40"), cap=Decimal("1.2"))
    Target.objects.create(year=2011, quarter=4, branch=tree["a"], metric="new_cards", target=Decimal(5))
    run = jobs.assessment_start(year=2011, quarter=4, by=staff)
    run.refresh_from_db()
    services.assessment_publish(run=run, note="第四季度考核结果", by=user_with_role(Role.LEADER))
    page = new_page(**PHONE)
    log_in(page, "mgr-101")
    pages = [
        reverse("today"),
        reverse("dashboard"),
        reverse("admin:reports_assessmentrun_change", args=[run.pk]),
    ]
    for declaration in registers():
        info = declaration.model._meta.app_label, declaration.model._meta.model_name
        if manager.has_perm("%s.add_%s" % info):
            pages.append(reverse("admin:%s_%s_add" % info))
    assert len(pages) > 10
    wide = {}
    for url in pages:
        response = page.goto(url)
        assert response.status == 200, url
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            wide[url] = width
    assert wide == {}, f"pages wider than the phone: {wide}"
