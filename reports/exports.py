"""The quarterly assessment report: CSV (the exact columns of docs/cli.md), XLSX (Chinese headers,
completion shaded, a sheet of headline figures in 元 and 万元) and PDF (A4, Chinese, page numbers).
A text cell that a spreadsheet would read as a formula is escaped in every format."""

import csv
import io
from decimal import Decimal

from django.utils import timezone

from ebank.exports import escape_formula

from .metrics import BY_CODE
from .models import AssessmentRun
from .selectors import figures
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


def assessment_xlsx(*, run: AssessmentRun, results, branch=None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    book = Workbook()
    sheet = book.active
    sheet.title = "考核结果"
    sheet.append([f"{run.year}年第{run.quarter}季度电子银行业务考核结果（第 {run.pk} 次运行）"])
    sheet.append(HEADERS_ZH)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    good, short = PatternFill("solid", fgColor="C6EFCE"), PatternFill("solid", fgColor="FFEB9C")
    for row in run_rows(results=results):
        code, name, metric, *numbers = row
        sheet.append(
            [
                code,
                name,
                f"{BY_CODE[metric].label}（{metric}）",
                *(float(n) if isinstance(n, Decimal) else n for n in numbers),
            ]
        )
        completion = sheet.cell(row=sheet.max_row, column=6)
        completion.fill = good if numbers[2] >= 100 else short
    for column, width in zip("ABCDEFGHIJ", (10, 16, 30, 14, 14, 12, 8, 8, 10, 6)):
        sheet.column_dimensions[column].width = width

    headline = book.create_sheet("主要指标")
    as_of = quarter_end(year=run.year, quarter=run.quarter)
    headline.append([f"主要指标（截至 {as_of:%Y-%m-%d}）"])
    headline.append(["指标", "代码", "数值", "单位", "折合万元"])
    for code, value in figures(as_of=as_of, branch=branch).items():
        metric = BY_CODE[code]
        if metric.amount:
            headline.append(
                [metric.label, code, float(value), "元", float((value / 10000).quantize(Decimal("0.01")))]
            )
        else:
            headline.append([metric.label, code, value, "", None])
    headline.column_dimensions["A"].width = 28
    headline.column_dimensions["B"].width = 34
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def assessment_pdf(*, run: AssessmentRun, results) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate, Spacer

    from ebank.printing import FONT, SUBTITLE, TITLE, grid_table, paragraph

    rows = [HEADERS_ZH]
    for result in results.select_related("branch").order_by("rank", "branch__code", "metric"):
        numbers = (result.target, result.actual, result.completion_pct, result.weight, result.score)
        rows.append(
            [
                result.branch.code,
                result.branch.name,
                BY_CODE[result.metric].label,
                *(str(n) for n in numbers),
                str(result.total_score),
                str(result.rank),
            ]
        )
    table = grid_table(rows, A4[0] - 24 * mm)

    def page(canvas, doc):
        canvas.saveState()
        canvas.setFont(FONT, 9)
        canvas.drawRightString(A4[0] - 15 * mm, 10 * mm, f"第 {doc.page} 页")
        canvas.restoreState()

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=14 * mm,
        bottomMargin=18 * mm,
        title="季度考核",
    )
    document.build(
        [
            paragraph(f"{run.year}年第{run.quarter}季度电子银行业务考核结果", TITLE),
            paragraph(f"生成日期 {timezone.localdate():%Y-%m-%d}　第 {run.pk} 次运行", SUBTITLE),
            Spacer(1, 4 * mm),
            table,
        ],
        onFirstPage=page,
        onLaterPages=page,
    )
    return buffer.getvalue()


def latest_run(*, year: int, quarter: int) -> AssessmentRun | None:
    return (
        AssessmentRun.objects.filter(year=year, quarter=quarter, status=AssessmentRun.Status.DONE)
        .order_by("-created_at", "-pk")
        .first()
    )
