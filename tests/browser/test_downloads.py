"""A union manager downloads the quarterly assessment (XLSX) and the year-end summary (DOCX, and
from its preview Markdown and HTML), and each file opens and reads in Chinese."""

import datetime
from decimal import Decimal

import openpyxl
from docx import Document
from playwright.sync_api import expect

from reports import jobs
from reports.models import AssessmentRun, PlanItem, Target
from reports.summary.services import year_summary_open
from tests.cards.factories import CardFactory


def download(page, link, folder):
    """Click the link, wait for the file, keep it under its suggested name."""
    with page.expect_download() as event:
        link.click()
    file = event.value
    assert file.failure() is None
    path = folder / file.suggested_filename
    file.save_as(path)
    return path


def test_a_union_manager_downloads_the_assessment_and_the_year_summary(
    new_page, log_in, screenshot, tmp_path, tree, staff, leader
):
    # 2011 Q4: 城关信用社 (with 东街分社) issued 6 cards of a target of 5, 北山信用社 4 of 5.
    CardFactory.create_batch(6, branch=tree["a1"], issued_on=datetime.date(2011, 5, 1))
    CardFactory.create_batch(4, branch=tree["b"], issued_on=datetime.date(2011, 5, 1))
    PlanItem.objects.create(year=2011, metric="new_cards", weight=Decimal("40"), cap=Decimal("1.2"))
    for branch in (tree["a"], tree["b"]):
        Target.objects.create(year=2011, quarter=4, branch=branch, metric="new_cards", target=Decimal(5))
    run = jobs.assessment_start(year=2011, quarter=4, by=staff)  # the task runs in-process
    run.refresh_from_db()
    assert run.status == AssessmentRun.Status.DONE
    summary = year_summary_open(year=2011, by=staff)

    page = new_page()
    log_in(page, "leader")

    # 考核与报表 → 季度考核 → the run → 下载 XLSX
    page.locator(".app-reports").get_by_role("link", name="季度考核", exact=True).click()
    page.get_by_role("link", name=str(run)).click()
    # Summary first: rank, branch, total; a branch opens on its metrics.
    branches = page.locator("#ranking details summary")
    expect(branches.nth(0)).to_contain_text("1 城关信用社 48.00")
    expect(branches.nth(1)).to_contain_text("2 北山信用社 32.00")
    branches.nth(0).click()
    expect(page.locator("#branch-101 .ranking-lines")).to_contain_text("新增发卡")
    expect(page.locator("#branch-101 .ranking-lines")).to_contain_text("120.00%")
    screenshot(page, "assessment")
    xlsx = download(page, page.locator("#downloads").get_by_role("link", name="Excel"), tmp_path)
    assert xlsx.name == f"assessment-2011Q4-{run.pk}.xlsx"
    book = openpyxl.load_workbook(xlsx)
    rows = list(book["考核结果"].iter_rows(values_only=True))
    assert rows[1][:3] == ("机构号", "机构名称", "指标")
    assert {row[1] for row in rows[2:]} >= {"城关信用社", "北山信用社"}

    # 考核与报表 → 年度工作总结 → 2011: read only for a union manager, with 预览 and 下载 DOCX
    page.goto("/")
    page.locator(".app-reports").get_by_role("link", name="年度工作总结", exact=True).click()
    screenshot(page, "summaries")
    page.locator("#result_list").get_by_role("link", name="2011", exact=True).click()
    tools = page.locator(".object-tools")
    expect(tools.get_by_role("link", name="预览")).to_be_visible()
    expect(tools.get_by_role("link", name="定稿")).to_have_count(0)
    expect(page.get_by_role("button", name="保存")).to_have_count(0)
    screenshot(page, "summary")
    docx = download(page, tools.get_by_role("link", name="下载 DOCX"), tmp_path)
    assert docx.name == "year-summary-2011.docx"
    text = "\n".join(paragraph.text for paragraph in Document(docx).paragraphs)
    assert summary.title in text and "金农卡" in text and "六、2012年工作计划" in text

    tools.get_by_role("link", name="预览").click()
    expect(page.locator(".year-summary h1")).to_have_text(summary.title)
    expect(page.locator("#content")).to_contain_text("截止12月底，全县共发行金农卡10张")
    screenshot(page, "preview")
    links = page.locator("#downloads")
    markdown = download(page, links.get_by_role("link", name="Markdown"), tmp_path).read_text(
        encoding="utf-8"
    )
    assert markdown.startswith(f"# {summary.title}") and "截止12月底，全县共发行金农卡10张" in markdown
    html = download(page, links.get_by_role("link", name="HTML"), tmp_path).read_text(encoding="utf-8")
    assert "<html" in html and summary.title in html
    docx_again = download(page, links.get_by_role("link", name="DOCX"), tmp_path)
    assert docx_again.read_bytes()[:2] == b"PK"
