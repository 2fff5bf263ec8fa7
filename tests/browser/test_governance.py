"""A quarter's assessment as its people govern it, in Chromium: staff revise a target (a change
awaiting approval); the union manager approves it, then publishes the run; the branch manager
appeals on a phone, with an attachment; staff uphold the appeal; the corrected target is approved,
the quarter run again, and the union manager publishes the corrected run with the reason."""

import datetime
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from ebank.org.roles import Role
from reports import jobs
from reports.models import Appeal, AssessmentPublication, AssessmentRun, PlanItem, Target
from tests.browser.test_logbook_on_a_phone import PHONE, assert_fits_the_phone
from tests.cards.factories import CardFactory
from tests.factories import user_with_role

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def quarter(tree, staff, leader):
    leader.first_name = "孙建华"
    leader.save()
    CardFactory.create_batch(6, branch=tree["a1"], issued_on=datetime.date(2011, 11, 1))
    CardFactory.create_batch(4, branch=tree["b"], issued_on=datetime.date(2011, 11, 2))
    PlanItem.objects.create(year=2011, metric="new_cards", weight=Decimal("40"), cap=Decimal("1.2"))
    for branch in (tree["a"], tree["b"]):
        Target.objects.create(year=2011, quarter=4, branch=branch, metric="new_cards", target=Decimal(5))
    return tree


def _revise(page, value, reason):
    page.goto("/reports/target/matrix/?year=2011&quarter=4")
    page.get_by_label("北山信用社 新增发卡", exact=True).fill(value)
    page.get_by_label("修改原因").fill(reason)
    page.get_by_role("button", name="保存任务分解表").click()
    expect(page.locator("#awaiting-approval")).to_be_visible()
    return page.url


def _approve(page, url):
    page.goto(url)
    expect(page.locator("#proposed-changes")).to_contain_text("北山信用社 新增发卡")
    page.get_by_role("button", name="审批通过").click()
    expect(page.locator(".messagelist")).to_contain_text("已审批")


def test_revise_approve_publish_appeal_uphold_and_publish_again(
    new_page, log_in, screenshot, quarter, staff, tree
):
    user_with_role(Role.BRANCH_MANAGER, tree["b"], username="mgr-201")
    staff_page = new_page()
    log_in(staff_page, "staff")
    # 1. Staff revise 北山's target: submitted, not applied.
    change = _revise(staff_page, "6", "北山信用社增设分社，任务上调")
    assert Target.objects.get(branch__code="201").target == Decimal(5)
    screenshot(staff_page, "change-awaiting-approval")

    # 2. The union manager finds it on the first page, approves it; the run is made and published.
    leader_page = new_page()
    log_in(leader_page, "leader")
    expect(leader_page.locator("#worklist")).to_contain_text("待您审批的任务及考核办法修改")
    _approve(leader_page, change)
    assert Target.objects.get(branch__code="201").target == Decimal(6)
    run = jobs.assessment_start(year=2011, quarter=4, by=staff)
    leader_page.goto(f"/reports/assessmentrun/{run.pk}/change/")
    expect(leader_page.locator("#draft")).to_contain_text("草稿")
    leader_page.get_by_label("发布说明").fill("2011年第四季度考核结果，请各网点核对。")
    leader_page.get_by_role("button", name="发布", exact=True).click()
    expect(leader_page.locator("#publication")).to_contain_text("已发布")
    screenshot(leader_page, "published")

    # 3. 北山's manager appeals on a phone, with the list of the cards as a PDF.
    phone = new_page(**PHONE)
    log_in(phone, "mgr-201")
    phone.goto(f"/reports/assessmentrun/{run.pk}/change/")
    expect(phone.locator("#publication")).to_contain_text("请各网点核对")
    phone.get_by_label(re.compile("对北山信用社的考核结果提出申诉")).fill(
        "增设分社推迟到明年，任务不应上调，请按原任务考核。"
    )
    phone.get_by_label(re.compile("附件")).set_input_files(
        files=[{"name": "北山信用社情况说明.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    assert_fits_the_phone(phone)
    screenshot(phone, "appeal-form")
    phone.get_by_role("button", name="提交申诉").click()
    expect(phone.locator(".messagelist")).to_contain_text("申诉已提交")
    expect(phone.locator("#appeals")).to_contain_text("待答复")
    appeal = Appeal.objects.get()
    assert appeal.attachment_name == "北山信用社情况说明.pdf"

    # 4. Staff uphold it, with the reason.
    staff_page.goto(f"/reports/assessmentrun/{run.pk}/change/")
    staff_page.get_by_role("link", name="答复申诉").click()
    staff_page.get_by_label("结果").select_option("upheld")
    staff_page.get_by_label("答复").fill("经核实，增设分社推迟，恢复原任务5张。")
    staff_page.get_by_role("button", name="保存", exact=True).click()
    appeal.refresh_from_db()
    assert appeal.outcome == Appeal.Outcome.UPHELD
    phone.reload()
    expect(phone.locator("#appeals")).to_contain_text("恢复原任务5张")

    # 5. The corrected target is approved, the quarter run again, and published with the reason.
    change = _revise(staff_page, "5", "申诉成立，恢复原任务")
    _approve(leader_page, change)
    corrected = jobs.assessment_start(year=2011, quarter=4, by=staff)
    leader_page.goto(f"/reports/assessmentrun/{corrected.pk}/change/")
    leader_page.get_by_label("发布说明").fill("北山信用社申诉成立，更正后的第四季度考核结果。")
    leader_page.get_by_label(re.compile("替代第")).fill("北山信用社申诉成立")
    leader_page.get_by_role("button", name="发布", exact=True).click()
    expect(leader_page.locator("#publication")).to_contain_text("重新发布原因：北山信用社申诉成立")
    screenshot(leader_page, "published-again")
    assert list(AssessmentPublication.objects.order_by("published_at").values_list("run_id", flat=True)) == [
        run.pk,
        corrected.pk,
    ]
    assert AssessmentRun.objects.get(pk=corrected.pk).results.get(branch__code="201").target == Decimal(5)
    phone.goto(f"/reports/assessmentrun/{run.pk}/change/")
    expect(phone.locator("#earlier-run")).to_contain_text(f"第 {corrected.pk} 次")
