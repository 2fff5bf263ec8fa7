"""The quarterly assessment report: CSV (the exact columns of docs/cli.md, numbers written plainly),
XLSX (the ranking, every line with completion shaded, the headline figures; Chinese headers, number
formats of ebank/formatting.py) and PDF (A4 in Chinese: the ranking, each branch's lines, page
numbers, the lines to sign). The XLSX and the PDF say whether the run is published (已发布, when
and by whom) or a draft (草稿, on every page). A text cell a spreadsheet would read as a formula is
escaped."""

import csv
import io

from django.utils import timezone

from ebank import formatting
from ebank.exports import escape_formula

from .metrics import BY_CODE
from .models import AssessmentRun
from .selectors import assessment_ranking, figures
from .services import quarter_end

CSV_COLUMNS = [
    "branch_code",
    "branch_name",
    "metric",
    "target",
    "actual",
    "completion_pct",
    "weight",
    "score",
    "total_score",
    "rank",
]
HEADERS_ZH = [
    "机构号",
    "机构名称",
    "指标",
    "目标值",
    "实际完成",
    "完成率（%）",
    "权重",
    "得分",
    "总得分",
    "名次",
]


def run_rows(*, results) -> list[list]:
    """The run's lines (a scoped queryset of results) in the order of docs/cli.md."""
    rows = []
    for r in results.select_related("branch").order_by("rank", "branch__code", "metric"):
        rows.append(
            [
                escape_formula(r.branch.code),
                escape_formula(r.branch.name),
                r.metric,
                r.target,
                r.actual,
                r.completion_pct,
                r.weight,
                r.score,
                r.total_score,
                r.rank,
            ]
        )
    return rows


def assessment_csv(*, run: AssessmentRun, results) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(run_rows(results=results))
    return buffer.getvalue().encode("utf-8")


def _union_name() -> str:
    from ebank.org.models import Branch

    root = Branch.objects.filter(parent__isnull=True).order_by("pk").first()
    return root.name if root else ""


def _title(run: AssessmentRun) -> str:
    return f"{run.year}年第{run.quarter}季度电子银行业务考核结果"


def _publication(run: AssessmentRun):
    from .models import AssessmentPublication

    return AssessmentPublication.objects.filter(run=run).select_related("published_by").first()


def standing(publication) -> str:
    """What a download says of its run: 已发布 with when and by whom, or 草稿 (no publication)."""
    if publication is None:
        return "草稿（未发布）"
    who = publication.published_by.get_full_name() or publication.published_by.username
    return f"已发布：{timezone.localtime(publication.published_at):%Y-%m-%d %H:%M} {who}发布"


def assessment_xlsx(*, run: AssessmentRun, results, branch=None) -> bytes:
    """The run as a workbook: the ranking, every line (numbers stay numbers, formatted as the
    pages write them), and the headline figures at the quarter's end."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    book = Workbook()
    publication = _publication(run)
    status, draft = standing(publication), publication is None
    ranking = book.active
    ranking.title = "名次"
    ranking.append([f"{_title(run)}（第 {run.pk} 次运行）", None, None, None, status])
    ranking.append(["名次", "机构名称", "机构号", "总得分", "扣分", "较上季度"])
    for cell in ranking[2]:
        cell.font = Font(bold=True)
    for row in assessment_ranking(run=run, results=results):
        ranking.append(
            [
                row["rank"],
                escape_formula(row["branch"].name),
                escape_formula(row["branch"].code),
                row["total"],
                row["deductions"],
                row["change"],
            ]
        )
        for column in (4, 5, 6):
            ranking.cell(row=ranking.max_row, column=column).number_format = formatting.XLSX_AMOUNT
    for column, width in zip("ABCDEF", (6, 20, 10, 10, 10, 10)):
        ranking.column_dimensions[column].width = width

    sheet = book.create_sheet("考核结果")
    sheet.append([f"{_title(run)}（第 {run.pk} 次运行）", None, None, None, None, None, status])
    sheet.append(HEADERS_ZH)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    good, short = PatternFill("solid", fgColor="C6EFCE"), PatternFill("solid", fgColor="FFEB9C")
    for row in run_rows(results=results):
        code, name, metric, *numbers = row
        sheet.append([code, name, BY_CODE[metric].label, *numbers])
        line = sheet.max_row
        shape = formatting.xlsx_format(BY_CODE[metric])
        for column, number_format in zip(
            range(4, 11),
            (
                shape,
                shape,
                formatting.XLSX_PERCENT,
                formatting.XLSX_AMOUNT,
                formatting.XLSX_AMOUNT,
                formatting.XLSX_AMOUNT,
                formatting.XLSX_COUNT,
            ),
        ):
            sheet.cell(row=line, column=column).number_format = number_format
        completion = sheet.cell(row=line, column=6)
        if numbers[2] is not None:  # a deduction line has no completion
            completion.fill = good if numbers[2] >= 100 else short
    for column, width in zip("ABCDEFGHIJ", (10, 16, 22, 16, 16, 12, 8, 8, 10, 6)):
        sheet.column_dimensions[column].width = width

    headline = book.create_sheet("主要指标")
    as_of = quarter_end(year=run.year, quarter=run.quarter)
    headline.append([f"主要指标（截至 {as_of:%Y-%m-%d}）"])
    headline.append(["指标", "数值", "单位"])
    for code, value in figures(as_of=as_of, branch=branch).items():
        metric = BY_CODE[code]
        headline.append(
            [metric.label, formatting.metric_scaled(metric, value), formatting.metric_unit(metric)]
        )
        cell = headline.cell(row=headline.max_row, column=2)
        cell.number_format = formatting.XLSX_AMOUNT if metric.amount else formatting.XLSX_COUNT
    headline.column_dimensions["A"].width = 28
    headline.column_dimensions["B"].width = 18
    for page in book.worksheets:
        # On screen in the title row; on every printed page in the header.
        page.oddHeader.right.text = "草稿" if draft else status
        if draft:
            page.oddHeader.center.text = "草稿"
            page["A1"].value = f"【草稿】{page['A1'].value}"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _signed(value) -> str:
    """A change of points with its sign: +1.25, −0.50, 0.00."""
    if value is None:
        return "—"
    return f"+{formatting.score(value)}" if value > 0 else formatting.score(value).replace("-", "−")


def assessment_pdf(*, run: AssessmentRun, results) -> bytes:
    """The run as the union files it: A4, the title and quarter, the ranking (branch names
    first), each branch's lines, page numbers, and the lines to sign (制表, 审核, 负责人)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, SimpleDocTemplate, Spacer

    from ebank.printing import (
        DATE_LINE,
        HEADING,
        SIGNATURES,
        SUBTITLE,
        TITLE,
        grid_table,
        paragraph,
        stamped_canvas,
    )

    width = A4[0] - 30 * mm
    publication = _publication(run)
    ranking = assessment_ranking(run=run, results=results)
    story = [
        paragraph(_title(run), TITLE),
        paragraph(
            f"{_union_name()}电子银行部　截至 {quarter_end(year=run.year, quarter=run.quarter):%Y-%m-%d}"
            f"　第 {run.pk} 次运行　制表日期 {timezone.localdate():%Y-%m-%d}",
            SUBTITLE,
        ),
        paragraph(standing(publication), SUBTITLE),
        Spacer(1, 4 * mm),
        paragraph("一、名次", HEADING),
        grid_table(
            [
                ["名次", "机构名称", "机构号", "总得分", "扣分", "较上季度"],
                *(
                    [
                        str(row["rank"]),
                        row["branch"].name,
                        row["branch"].code,
                        formatting.score(row["total"]),
                        formatting.score(row["deductions"]) if row["deductions"] else "—",
                        _signed(row["change"]),
                    ]
                    for row in ranking
                ),
            ],
            width,
        ),
        paragraph("二、各机构指标完成情况", HEADING),
    ]
    blocks = []
    for row in ranking:
        lines = [["指标", "单位", "目标值", "实际完成", "完成率", "权重", "得分"]]
        for line in row["lines"]:
            metric = BY_CODE[line.metric]
            lines.append(
                [
                    metric.label,
                    formatting.metric_unit(metric),
                    "扣分项" if line.target is None else formatting.metric_number(metric, line.target),
                    formatting.metric_number(metric, line.actual),
                    "—" if line.completion_pct is None else formatting.percent(line.completion_pct),
                    formatting.score(line.weight),
                    formatting.score(line.score),
                ]
            )
        heading = (
            f"第 {row['rank']} 名　{row['branch'].name}（{row['branch'].code}）"
            f"　总得分 {formatting.score(row['total'])}"
        )
        blocks.append([paragraph(heading, HEADING), grid_table(lines, width)])
    space = "\u00a0" * 6  # kept by the layout, where ordinary spaces collapse
    signatures = [
        paragraph(f"制表：{'_' * 14}{space}审核：{'_' * 14}{space}负责人：{'_' * 14}", SIGNATURES),
        paragraph(f"年{space}月{space}日", DATE_LINE),
    ]
    # The lines to sign stay on the page of the last branch's lines.
    last = blocks.pop() if blocks else []
    story.extend(KeepTogether(block) for block in blocks)
    story.append(KeepTogether([*last, *signatures]))
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=18 * mm,
        title=_title(run),
    )
    document.build(story, canvasmaker=stamped_canvas("" if publication else "草稿"))
    return buffer.getvalue()
