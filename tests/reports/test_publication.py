"""Publication (发布): a union manager publishes one run of a quarter with a note; it is the run
branch managers, the downloads and `export_assessment` show, the others are drafts; the quarter's
targets and the year's plan are locked from then; a later import that changes a figure leaves the
published results alone and the run says which figures changed; publishing again needs a newer
run and a reason, and both stay on record."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from ebank.imports.engine import extract_import
from reports import services
from reports.models import AssessmentPublication, AssessmentRun, Target
from reports.selectors import assessment_shown_run
from tests.cards.factories import CardFactory


@pytest.fixture
def leader(leader):
    leader.first_name, leader.last_name = "孙建华", ""
    leader.save()
    return leader


def _run():
    return services.assessment_compute(run_id=AssessmentRun.objects.create(year=2011, quarter=4).pk)


def _publish(client, run, **fields):
    return client.post(reverse("admin:reports_assessmentrun_publish", args=[run.pk]), fields)


def test_a_union_manager_publishes_and_only_then_branch_managers_see_the_run(
    quarter, staff_client, leader_client, manager_client, leader
):
    run = _run()
    page = reverse("admin:reports_assessmentrun_change", args=[run.pk])
    # A draft: staff and the union manager read it; a branch manager does not find it.
    assert 'id="draft"' in staff_client.get(page).content.decode()
    assert manager_client.get(page).status_code == 302  # to the list: not among theirs
    assert (
        str(run) not in manager_client.get(reverse("admin:reports_assessmentrun_changelist")).content.decode()
    )
    # Staff cannot publish; the union manager can, with a note.
    assert _publish(staff_client, run, note="第四季度考核结果").status_code == 403
    assert _publish(manager_client, run, note="第四季度考核结果").status_code == 403
    assert 'id="publish-form"' in leader_client.get(page).content.decode()
    _publish(leader_client, run, note="")
    assert not AssessmentPublication.objects.exists()
    _publish(leader_client, run, note="2011年第四季度考核结果，请各网点核对。")
    publication = AssessmentPublication.objects.get()
    assert (publication.run, publication.published_by, publication.reason) == (run, leader, "")
    shown = manager_client.get(page).content.decode()
    assert 'id="publication"' in shown and "请各网点核对" in shown
    assert (
        "已发布（以此为准）"
        in staff_client.get(reverse("admin:reports_assessmentrun_changelist")).content.decode()
    )


def test_a_later_run_is_a_draft_until_published_again_with_a_reason(quarter, leader):
    first = _run()
    services.assessment_publish(run=first, note="第四季度考核结果", by=leader)
    with pytest.raises(ValidationError):
        services.assessment_publish(run=first, note="再发一次", by=leader)
    second = _run()
    assert assessment_shown_run(year=2011, quarter=4) == first  # the new run is a draft
    with pytest.raises(ValidationError) as refused:
        services.assessment_publish(run=second, note="更正后结果", by=leader)
    assert "reason" in refused.value.message_dict
    services.assessment_publish(
        run=second, note="更正后结果", reason="申诉成立，更正城关信用社发卡数", by=leader
    )
    assert assessment_shown_run(year=2011, quarter=4) == second
    third = AssessmentRun.objects.create(year=2011, quarter=4, status="done")
    third.created_at = first.created_at - datetime.timedelta(days=1)
    third.save()
    with pytest.raises(ValidationError):  # older than the published run
        services.assessment_publish(run=third, note="旧的", reason="误操作", by=leader)
    assert list(AssessmentPublication.objects.order_by("published_at").values_list("run_id", "reason")) == [
        (first.pk, ""),
        (second.pk, "申诉成立，更正城关信用社发卡数"),
    ]


def test_publication_locks_the_quarters_targets_and_the_years_plan(
    quarter, leader, staff, staff_client, write
):
    services.assessment_publish(run=_run(), note="第四季度考核结果", by=leader)
    revised = write(
        "targets.csv", "year,quarter,branch_code,metric,target,reason\n2011,4,201,new_cards,900,下调\n"
    )
    outcome = extract_import(kind="targets", path=revised, by=staff)
    ((row, column, reason),) = outcome.errors
    assert (row, column) == (1, "quarter")
    assert "2011 Q4" in reason or "2011年" in reason
    assert "锁定" in reason and f"第 {AssessmentRun.objects.get().pk} 次" in reason
    assert Target.objects.get(year=2011, branch__code="201", metric="new_cards").target == Decimal(1000)
    # The same values again change nothing and pass; another quarter stays open.
    same = write("same.csv", "year,quarter,branch_code,metric,target\n2011,4,201,new_cards,1000\n")
    assert extract_import(kind="targets", path=same, by=staff).valid
    q1_2012 = write("q1.csv", "year,quarter,branch_code,metric,target\n2012,1,201,new_cards,300\n")
    assert extract_import(kind="targets", path=q1_2012, by=staff).created == 1
    plan = write("plan.csv", "year,metric,weight,cap\n2011,new_cards,50,1.2\n")
    assert [c for _r, c, _t in extract_import(kind="assessment_plan", path=plan, by=staff).errors] == ["year"]
    # In the admin too: the target's page refuses the change and says why.
    target = Target.objects.get(year=2011, quarter=4, branch__code="201", metric="new_cards")
    response = staff_client.post(
        reverse("admin:reports_target_change", args=[target.pk]), {"target": "900", "reason": "下调"}
    )
    assert response.status_code == 200 and "锁定" in response.content.decode()
    target.refresh_from_db()
    assert target.target == Decimal(1000)


def test_a_late_import_leaves_the_published_results_and_says_what_changed(
    quarter, leader, staff_client, tree
):
    run = _run()
    services.assessment_publish(run=run, note="第四季度考核结果", by=leader)
    before = list(run.results.order_by("pk").values_list("actual", "score", "total_score"))
    CardFactory.create_batch(30, branch=tree["b"], issued_on=datetime.date(2011, 12, 20))  # entered late
    assert list(run.results.order_by("pk").values_list("actual", "score", "total_score")) == before
    page = staff_client.get(reverse("admin:reports_assessmentrun_change", args=[run.pk])).content.decode()
    assert 'id="data-changed"' in page and "发布后数据有变动" in page
    start = page.index('id="data-changed"')
    changed = page[start : page.index("</table>", start)]
    assert "北山信用社" in changed and "900" in changed and "930" in changed
    assert "城关信用社" not in changed


def test_the_downloads_say_published_or_draft_on_every_page(quarter, leader, staff_client, tmp_path):
    draft = _run()
    text = [p.extract_text() for p in PdfReader(io.BytesIO(_download(staff_client, draft, "pdf"))).pages]
    assert all("草稿" in page for page in text)
    book = load_workbook(io.BytesIO(_download(staff_client, draft, "xlsx")))
    assert all(sheet.oddHeader.center.text == "草稿" for sheet in book.worksheets)
    assert book["名次"]["A1"].value.startswith("【草稿】")
    services.assessment_publish(run=draft, note="第四季度考核结果", by=leader)
    text = "".join(
        p.extract_text() for p in PdfReader(io.BytesIO(_download(staff_client, draft, "pdf"))).pages
    )
    assert "已发布" in text and "孙建华" in text and "草稿" not in text
    book = load_workbook(io.BytesIO(_download(staff_client, draft, "xlsx")))
    assert "已发布" in book["名次"]["E1"].value and "孙建华" in book["名次"]["E1"].value
    # export_assessment: the published run, even with a later draft, and it says so.
    later = _run()
    out = io.StringIO()
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
        stdout=out,
    )
    assert f"run #{draft.pk} (the published run)" in out.getvalue() and later.pk != draft.pk


def _download(client, run, fmt) -> bytes:
    response = client.get(reverse("admin:reports_assessmentrun_report", args=[run.pk, fmt]))
    assert response.status_code == 200
    return response.content


def test_a_branch_manager_never_learns_a_drafts_totals(quarter, leader, manager_client):
    """The ranking's change against the previous quarter uses its published run only."""
    q3_draft = services.assessment_compute(run_id=AssessmentRun.objects.create(year=2011, quarter=3).pk)
    q4 = _run()
    services.assessment_publish(run=q4, note="第四季度考核结果", by=leader)
    book = load_workbook(io.BytesIO(_download(manager_client, q4, "xlsx")))
    changes = [row[5] for row in book["名次"].iter_rows(min_row=3, values_only=True)]
    assert changes and all(change is None for change in changes)
    assert (
        manager_client.get(reverse("admin:reports_assessmentrun_change", args=[q3_draft.pk])).status_code
        == 302
    )
