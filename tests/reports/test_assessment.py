"""The quarterly assessment exactly as docs/kpi.md defines it."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from ebank.imports.engine import extract_import
from ebank.org.roles import Role
from reports import services
from reports.models import AssessmentResult, AssessmentRun, PlanItem, Target
from tests.cards.factories import CardFactory
from tests.factories import user_with_role


def test_scores_totals_and_ranks(quarter, staff):
    run = services.assessment_compute(run_id=AssessmentRun.objects.create(year=2011, quarter=4).pk)
    lines = {(r.branch.code, r.metric): r for r in run.results.select_related("branch")}
    a_new = lines[("101", "new_cards")]
    assert (a_new.actual, a_new.completion_pct, a_new.score) == (
        Decimal("1050.00"),
        Decimal("105.00"),
        Decimal("42.00"),
    )
    a_total = lines[("101", "cards_total")]  # 1050 of 500: capped at 1.0 → 10 points
    assert (a_total.completion_pct, a_total.score) == (Decimal("210.00"), Decimal("10.00"))
    assert (a_new.total_score, a_new.rank) == (Decimal("52.00"), 1)
    b_new = lines[("201", "new_cards")]
    assert (b_new.score, b_new.total_score, b_new.rank) == (Decimal("36.00"), Decimal("46.00"), 2)


def test_equal_totals_share_a_rank(tree):
    PlanItem.objects.create(year=2011, metric="new_cards", weight=Decimal("40"))
    for branch in (tree["a"], tree["b"]):
        Target.objects.create(year=2011, quarter=4, branch=branch, metric="new_cards", target=Decimal(3))
    run = services.assessment_compute(run_id=AssessmentRun.objects.create(year=2011, quarter=4).pk)
    assert set(run.results.values_list("rank", flat=True)) == {1}


def test_a_revision_changes_the_next_run_and_both_stay(quarter, staff):
    first = services.assessment_compute(run_id=AssessmentRun.objects.create(year=2011, quarter=4).pk)
    target = Target.objects.get(branch__code="201", metric="new_cards")
    target.target, target.reason, target._change_reason = (
        Decimal(900),
        "下半年追加任务调整",
        "下半年追加任务调整",
    )
    target.save()
    second = services.assessment_compute(run_id=AssessmentRun.objects.create(year=2011, quarter=4).pk)
    assert first.results.get(branch__code="201", metric="new_cards").score == Decimal("36.00")
    assert second.results.get(branch__code="201", metric="new_cards").score == Decimal("40.00")
    assert target.history.count() == 2 and target.history.last().target == Decimal(1000)


def test_running_a_run_again_gives_the_same_results(quarter):
    run = AssessmentRun.objects.create(year=2011, quarter=4)
    services.assessment_compute(run_id=run.pk)
    before = list(run.results.order_by("id").values_list("branch_id", "metric", "score", "rank"))
    services.assessment_compute(run_id=run.pk)
    assert list(run.results.order_by("id").values_list("branch_id", "metric", "score", "rank")) == before


def test_the_command_runs_through_the_task_and_prints_the_ranking(quarter):
    out = io.StringIO()
    call_command("assess", "--year", "2011", "--quarter", "4", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[1].split("\t")[:2] == ["1", "101"] and lines[2].split("\t")[:2] == ["2", "201"]
    assert AssessmentRun.objects.get().status == "done"


def test_the_command_says_what_is_missing(tree):
    with pytest.raises(CommandError, match="2012"):
        call_command("assess", "--year", "2012", "--quarter", "1")
    PlanItem.objects.create(year=2012, metric="new_cards", weight=Decimal(1))
    with pytest.raises(CommandError, match="targets"):
        call_command("assess", "--year", "2012", "--quarter", "1")


def test_targets_import_refuses_a_branch_and_its_sub_branch_together(tree, write):
    path = write(
        "t.csv",
        "year,quarter,branch_code,metric,target\n2011,4,101,new_cards,1000\n2011,4,10101,new_cards,300\n",
    )
    outcome = extract_import(kind="targets", path=path)
    assert [(r, c) for r, c, _ in outcome.errors] == [(1, "branch_code"), (2, "branch_code")]
    ok = write("ok.csv", "year,quarter,branch_code,metric,target,reason\n2011,4,101,new_cards,1000,\n")
    assert extract_import(kind="targets", path=ok).created == 1
    clash = write("c.csv", "year,quarter,branch_code,metric,target\n2011,4,10101,new_cards,300\n")
    assert [(r, c) for r, c, _ in extract_import(kind="targets", path=clash).errors] == [(1, "branch_code")]


def test_a_target_revision_by_import_keeps_the_old_value_and_reason(tree, staff, write):
    extract_import(
        kind="targets",
        path=write("t.csv", "year,quarter,branch_code,metric,target\n2011,4,101,new_cards,40000\n"),
        by=staff,
    )
    revised = write(
        "r.csv", "年度,季度,机构号,指标,目标值,修改原因\n2011,4,101,new_cards,60000,下半年追加2万张\n"
    )
    assert extract_import(kind="targets", path=revised, by=staff).updated == 1
    target = Target.objects.get()
    old, new = target.history.all()[1], target.history.all()[0]
    assert (old.target, new.target, new.reason, new.history_user) == (
        Decimal("40000.00"),
        Decimal("60000.00"),
        "下半年追加2万张",
        staff,
    )


def test_plan_import_defaults_the_cap(tree, write):
    extract_import(
        kind="assessment_plan",
        path=write("p.csv", "year,metric,weight,cap\n2011,new_cards,40,\n2011,bogus,1,\n"),
    )
    outcome = extract_import(
        kind="assessment_plan", path=write("p.csv", "year,metric,weight,cap\n2011,new_cards,40,\n")
    )
    assert outcome.created == 1 and PlanItem.objects.get().cap == Decimal("1.20")


def test_the_admin_runs_and_shows_the_ranking_scoped(
    quarter, staff_client, manager_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("admin:reports_assessmentrun_add"), {"year": 2011, "quarter": 4})
    run = AssessmentRun.objects.get()
    page = staff_client.get(response["Location"]).content.decode()
    assert 'id="ranking"' in page and "城关信用社" in page and "北山信用社" in page and "52.00" in page
    # A branch manager reads it once it is published (a draft is the department's).
    services.assessment_publish(run=run, note="第四季度考核结果", by=user_with_role(Role.LEADER))
    page = manager_client.get(reverse("admin:reports_assessmentrun_change", args=[run.pk])).content.decode()
    assert "城关信用社" in page and "北山信用社" not in page
    assert AssessmentResult.objects.count() == 4


def _summary_rows(page: str) -> list[str]:
    """The ranking's summary lines as text: rank, name, total, deductions, change."""
    import re

    rows = re.findall(r"<summary>(.*?)</summary>", page, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in rows]


def test_the_ranking_reads_summary_first_with_the_change_against_last_quarter(quarter, tree, staff_client):
    # Q3: 101 scored 40 (target 2,000 of new cards), 201 scored 48.
    for branch, target in ((tree["a"], 2000), (tree["b"], 500)):
        Target.objects.create(year=2011, quarter=3, branch=branch, metric="new_cards", target=Decimal(target))
    q3_run = services.assessment_compute(run_id=AssessmentRun.objects.create(year=2011, quarter=3).pk)
    run = services.assessment_compute(run_id=AssessmentRun.objects.create(year=2011, quarter=4).pk)
    # A draft of Q3 is compared with nothing; its published run is.
    page = staff_client.get(reverse("admin:reports_assessmentrun_change", args=[run.pk])).content.decode()
    assert _summary_rows(page) == ["1 城关信用社 52.00 — —", "2 北山信用社 46.00 — —"]
    services.assessment_publish(run=q3_run, note="第三季度考核结果", by=user_with_role(Role.LEADER))
    page = staff_client.get(reverse("admin:reports_assessmentrun_change", args=[run.pk])).content.decode()
    assert "2011年第4季度考核" in page
    # One line per branch, its name first; 101 gained 52.00 − 21.00, 201 lost 46.00 − 48.00 … as computed.
    q3 = {r.branch.code: r.total_score for r in AssessmentRun.objects.get(quarter=3).results.all()}
    assert _summary_rows(page) == [
        f"1 城关信用社 52.00 — +{Decimal('52.00') - q3['101']:.2f}",
        f"2 北山信用社 46.00 — {Decimal('46.00') - q3['201']:.2f}",
    ]
    # Each branch opens on its metrics, written with separators and units, no codes.
    assert "新增发卡" in page and "1,050" in page and "105.00%" in page and "new_cards" not in page
    assert 'id="earlier-run"' not in page


def test_an_earlier_run_says_so_and_running_a_quarter_again_asks_first(
    quarter, staff_client, django_capture_on_commit_callbacks
):
    first = services.assessment_compute(run_id=AssessmentRun.objects.create(year=2011, quarter=4).pk)
    url = reverse("admin:reports_assessmentrun_add")
    response = staff_client.post(url, {"year": 2011, "quarter": 4})
    assert response.status_code == 200 and AssessmentRun.objects.count() == 1  # asked, not run
    assert f"已考核过（第 {first.pk} 次" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url, {"year": 2011, "quarter": 4, "again": "on"})
    assert response.status_code == 302 and AssessmentRun.objects.count() == 2
    latest = AssessmentRun.objects.latest("pk")
    page = staff_client.get(reverse("admin:reports_assessmentrun_change", args=[first.pk])).content.decode()
    assert 'id="earlier-run"' in page and f"第 {latest.pk} 次" in page
    listing = staff_client.get(reverse("admin:reports_assessmentrun_changelist")).content.decode()
    assert "草稿（最新）" in listing and listing.count("草稿") >= 2


@pytest.fixture
def assessed(quarter):
    quarter["b"].name = '=HYPERLINK("x")北山'
    quarter["b"].save()
    call_command("assess", "--year", "2011", "--quarter", "4", stdout=io.StringIO())
    services.assessment_publish(
        run=AssessmentRun.objects.get(), note="第四季度考核结果", by=user_with_role(Role.LEADER)
    )
    return quarter


def test_export_csv_has_the_contract_columns_in_order(assessed, tmp_path):
    path = tmp_path / "q4.csv"
    call_command(
        "export_assessment",
        "--year",
        "2011",
        "--quarter",
        "4",
        "--format",
        "csv",
        "--output",
        str(path),
        stdout=io.StringIO(),
    )
    lines = path.read_text(encoding="utf-8").splitlines()
    assert (
        lines[0]
        == "branch_code,branch_name,metric,target,actual,completion_pct,weight,score,total_score,rank"
    )
    assert lines[1] == "101,城关信用社,cards_total,500.00,1050.00,210.00,10.00,10.00,52.00,1"
    assert lines[3].startswith("201,\"'=HYPERLINK") and lines[3].endswith(",46.00,2")


def test_the_downloaded_csv_opens_in_excel_with_the_same_columns(assessed, staff_client, tmp_path):

    run = AssessmentRun.objects.get(year=2011, quarter=4)
    response = staff_client.get(reverse("admin:reports_assessmentrun_report", args=[run.pk, "csv"]))
    path = tmp_path / "q4.csv"
    call_command("export_assessment", year=2011, quarter=4, format="csv", output=path, stdout=io.StringIO())
    # The download starts with the byte order mark; after it, it is the command's file, byte for byte.
    assert response.content == b"\xef\xbb\xbf" + path.read_bytes()
    assert not path.read_bytes().startswith(b"\xef\xbb\xbf")  # scripts read the command's CSV as it was


def test_export_xlsx_reads_back_in_chinese_with_shading_and_headlines(assessed, tmp_path):
    import openpyxl

    path = tmp_path / "q4.xlsx"
    call_command(
        "export_assessment",
        "--year",
        "2011",
        "--quarter",
        "4",
        "--format",
        "xlsx",
        "--output",
        str(path),
        stdout=io.StringIO(),
    )
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["名次", "考核结果", "主要指标"]
    ranking = book["名次"]
    assert [c.value for c in ranking[2]] == ["名次", "机构名称", "机构号", "总得分", "扣分", "较上季度"]
    assert [c.value for c in ranking[3]][:4] == [1, "城关信用社", "101", 52]
    sheet = book["考核结果"]
    assert [c.value for c in sheet[2]][:3] == ["机构号", "机构名称", "指标"]
    assert sheet["B3"].value == "城关信用社" and sheet["F3"].fill.fgColor.rgb.endswith("C6EFCE")
    assert sheet["C3"].value == "发卡总量"  # the metric's name, no code
    # Numbers stay numbers, shown as the pages write them (a count with separators, % with 2 places).
    assert sheet["D3"].value == 500 and sheet["D3"].number_format == "#,##0"
    assert sheet["F3"].number_format == '#,##0.00"%"'
    assert str(sheet["B5"].value).startswith("'=")  # no formula from user data
    headline = {row[0]: row for row in book["主要指标"].iter_rows(min_row=3, values_only=True)}
    assert headline["新增发卡"][1:] == (1950, "张")
    assert headline["卡存款余额"][2] == "万元"


def test_export_pdf_text_is_chinese(assessed, tmp_path):
    import pypdf

    path = tmp_path / "q4.pdf"
    call_command(
        "export_assessment",
        "--year",
        "2011",
        "--quarter",
        "4",
        "--format",
        "pdf",
        "--output",
        str(path),
        stdout=io.StringIO(),
    )
    reader = pypdf.PdfReader(path)
    text = "".join(page.extract_text() for page in reader.pages).replace("\n", "")
    assert "2011年第4季度电子银行业务考核结果" in text and "新增发卡" in text and "第 1 页 共 1 页" in text
    # The ranking first, by branch name, then each branch's lines, then the lines to sign.
    assert text.index("一、名次") < text.index("1城关信用社") < text.index("二、各机构指标完成情况")
    assert "第 1 名 城关信用社（101） 总得分 52.00" in text
    assert "制表：" in text and "审核：" in text and "负责人：" in text
    assert abs(float(reader.pages[0].mediabox.width) - 595.28) < 1  # A4


def test_export_without_a_run_says_so(tree, tmp_path):
    with pytest.raises(CommandError, match="assess"):
        call_command(
            "export_assessment",
            "--year",
            "2011",
            "--quarter",
            "4",
            "--format",
            "csv",
            "--output",
            str(tmp_path / "x.csv"),
        )


def test_a_branch_manager_downloads_only_their_lines(assessed, manager_client, leader_client):
    run = AssessmentRun.objects.get()
    mine = manager_client.get(
        reverse("admin:reports_assessmentrun_report", args=[run.pk, "csv"])
    ).content.decode()
    assert "101,城关信用社" in mine and "201," not in mine
    everything = leader_client.get(reverse("admin:reports_assessmentrun_report", args=[run.pk, "xlsx"]))
    assert everything.status_code == 200 and everything["Content-Type"].startswith("application/vnd.openxml")


def test_the_unions_annual_plan_and_its_completion(tree):
    from reports.selectors import union_plan, union_plan_completion

    CardFactory.create_batch(103, branch=tree["a1"], issued_on=datetime.date(2011, 5, 1))
    Target.objects.create(year=2011, quarter=4, branch=tree["a"], metric="new_cards", target=Decimal(60))
    Target.objects.create(year=2011, quarter=4, branch=tree["b"], metric="new_cards", target=Decimal(40))
    Target.objects.create(year=2011, quarter=2, branch=tree["b"], metric="new_cards", target=Decimal(20))
    assert union_plan(year=2011, metric="new_cards") == Decimal("100.00")
    assert union_plan_completion(year=2011, metric="new_cards") == Decimal("103.00")
    assert union_plan(year=2012, metric="new_cards") is None


def test_the_quarter_end_run_assesses_the_quarter_just_ended_and_says_when_it_fails(quarter, monkeypatch):
    run = services.assessment_quarter_end(today=datetime.date(2012, 1, 1))
    assert (run.year, run.quarter, run.status) == (2011, 4, "done")
    assert services.assessment_quarter_end(today=datetime.date(2011, 10, 1)) is None  # no Q3 targets

    def broken(**_kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "figures_for_branches", broken)
    with pytest.raises(RuntimeError):
        services.assessment_quarter_end(today=datetime.date(2012, 1, 2))
    failed = AssessmentRun.objects.order_by("-pk").first()
    assert failed.status == "failed" and failed.message == "RuntimeError"
