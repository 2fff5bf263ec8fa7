"""Four eyes on the plan and the targets: a change made in the browser — one value, a pasted
matrix, an uploaded file, a plan line — waits for a union manager's approval; its maker can never
approve it; a rejection carries its reason and keeps the old value; the assessment uses approved
values only; the command line applies directly, recorded as a command-line import."""

import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from ebank.imports import services as imports
from ebank.imports.models import ImportRun
from reports import services
from reports.models import AssessmentRun, PlanItem, Target
from tests.reports.conftest import approve

URL = "admin:reports_target_matrix"


def _revise_in_the_matrix(client, value="900", reason="下半年网点撤并，调减任务"):
    return client.post(
        reverse(URL), {"year": 2011, "quarter": 4, "cell-201-new_cards": value, "reason": reason}
    )


def _pending() -> ImportRun:
    return ImportRun.objects.get(status=ImportRun.Status.AWAITING_APPROVAL)


def test_the_maker_cannot_approve_even_with_the_permission(quarter, staff, staff_client):
    _revise_in_the_matrix(staff_client)
    change = _pending()
    # Staff have no approval: the page offers none and the address refuses.
    page = staff_client.get(reverse("admin:imports_importrun_change", args=[change.pk])).content.decode()
    assert 'id="approve-form"' not in page and "须由他人审批" in page
    assert staff_client.post(reverse("admin:imports_importrun_approve", args=[change.pk])).status_code == 403
    # Given the permission, the maker is still refused, with the reason.
    staff.user_permissions.add(Permission.objects.get(codename="approve_importrun"))
    with pytest.raises(ValueError, match="修改人不能审批"):
        imports.import_run_approve(run=change, by=staff)
    response = staff_client.post(reverse("admin:imports_importrun_approve", args=[change.pk]), follow=True)
    assert "修改人不能审批" in response.content.decode()
    assert _pending() == change
    assert Target.objects.get(branch__code="201", metric="new_cards").target == Decimal(1000)


def test_an_unapproved_value_is_not_used_and_an_approved_one_is(quarter, staff_client, leader):
    _revise_in_the_matrix(staff_client)
    pending = services.assessment_compute(run_id=AssessmentRun.objects.create(year=2011, quarter=4).pk)
    assert pending.results.get(branch__code="201", metric="new_cards").target == Decimal(1000)
    approved = approve(leader)
    assert approved.status == ImportRun.Status.DONE and approved.decided_by == leader
    after = services.assessment_compute(run_id=AssessmentRun.objects.create(year=2011, quarter=4).pk)
    assert after.results.get(branch__code="201", metric="new_cards").target == Decimal(900)
    target = Target.objects.get(branch__code="201", metric="new_cards")
    record = target.history.first()
    assert record.history_user.username == "staff" and "审批" in record.history_change_reason


def test_a_rejection_carries_its_reason_and_keeps_the_old_value(quarter, staff_client, leader_client, leader):
    _revise_in_the_matrix(staff_client)
    change = _pending()
    page = leader_client.get(reverse("admin:imports_importrun_change", args=[change.pk])).content.decode()
    assert 'id="approve-form"' in page and 'id="reject-form"' in page
    assert "北山信用社 新增发卡" in page and "1,000" in page and "900" in page
    assert "下半年网点撤并，调减任务" in page
    reject = reverse("admin:imports_importrun_reject", args=[change.pk])
    leader_client.post(reject, {"rejection": ""})
    assert _pending() == change  # a rejection needs its reason
    leader_client.post(reject, {"rejection": "年中不调减任务，请按原任务考核"})
    change.refresh_from_db()
    assert (change.status, change.decided_by, change.rejection) == (
        "rejected",
        leader,
        "年中不调减任务，请按原任务考核",
    )
    assert Target.objects.get(branch__code="201", metric="new_cards").target == Decimal(1000)
    page = leader_client.get(reverse("admin:imports_importrun_change", args=[change.pk])).content.decode()
    assert "已退回" in page and "年中不调减任务" in page


def test_an_uploaded_targets_file_waits_for_approval_with_its_reason(
    quarter, staff, leader_client, leader, django_capture_on_commit_callbacks
):
    upload = SimpleUploadedFile(
        "q4-targets.csv", "year,quarter,branch_code,metric,target\n2011,4,101,new_cards,1200\n".encode()
    )
    run = imports.import_run_upload(kind="targets", uploaded_file=upload, by=staff)
    imports.import_run_check(run_id=run.pk)
    run.refresh_from_db()
    assert run.changes == [["2011年第4季度 城关信用社 新增发卡", "1,000", "1,200"]]
    with pytest.raises(ValueError):
        imports.import_run_confirm(run=run, by=staff)  # no reason
    run = imports.import_run_confirm(run=run, by=staff, reason="营业部划入城关信用社")
    assert run.status == ImportRun.Status.AWAITING_APPROVAL
    # The union manager's first page lists it; they approve it on its page.
    home = leader_client.get(reverse("admin:index")).content.decode()
    assert "待您审批的任务及考核办法修改" in home and "营业部划入城关信用社" in home
    with django_capture_on_commit_callbacks(execute=True):
        leader_client.post(reverse("admin:imports_importrun_approve", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == ImportRun.Status.DONE and run.updated == 1
    assert Target.objects.get(branch__code="101", metric="new_cards").target == Decimal(1200)


def test_a_plan_line_changed_on_its_page_waits_for_approval(quarter, staff_client, leader):
    line = PlanItem.objects.get(year=2011, metric="new_cards")
    response = staff_client.post(
        reverse("admin:reports_planitem_change", args=[line.pk]),
        {"year": 2011, "metric": "new_cards", "mode": "target", "weight": "45", "cap": "1.2"},
    )
    assert response.status_code == 302
    change = _pending()
    assert change.kind == "assessment_plan"
    assert change.changes == [
        ["2011年考核办法 新增发卡", "权重 40.00 分，封顶完成率 1.20", "权重 45.00 分，封顶完成率 1.20"]
    ]
    line.refresh_from_db()
    assert line.weight == Decimal(40)
    approve(leader)
    line.refresh_from_db()
    assert line.weight == Decimal(45)


def test_a_target_added_on_its_page_waits_and_a_bad_one_is_refused_there(quarter, staff_client, tree):
    add = reverse("admin:reports_target_add")
    fields = {"year": 2011, "quarter": 4, "branch": tree["a1"].pk, "metric": "new_pos", "target": "3"}
    # A sub-branch of a branch with a target of the same metric? new_pos has none: accepted.
    assert staff_client.post(add, fields).status_code == 302
    assert _pending().changes[0][1:] == ["", "3"]
    # The same for new cards is refused on the page (its parent holds one), nothing submitted.
    response = staff_client.post(add, {**fields, "metric": "new_cards"})
    assert response.status_code == 200 and "上级或下级机构" in response.content.decode()
    assert ImportRun.objects.filter(status=ImportRun.Status.AWAITING_APPROVAL).count() == 1


def test_the_command_line_applies_directly_as_a_command_line_import(quarter, write):
    path = write("t.csv", "year,quarter,branch_code,metric,target\n2011,4,201,new_cards,950\n")
    call_command("import_extract", "targets", str(path), stdout=io.StringIO())
    assert Target.objects.get(branch__code="201", metric="new_cards").target == Decimal(950)
    run = ImportRun.objects.get()
    assert (run.source, run.status, run.decided_by) == ("command", "done", None)


def test_a_page_that_refuses_the_change_submits_nothing(quarter, staff_client, tree):
    # An existing key on an add page: refused on the page ("already exists"), nothing awaits approval.
    response = staff_client.post(
        reverse("admin:reports_target_add"),
        {"year": 2011, "quarter": 4, "branch": tree["b"].pk, "metric": "new_cards", "target": "5"},
    )
    assert response.status_code == 200 and "已经存在" in response.content.decode()
    response = staff_client.post(
        reverse("admin:reports_planitem_add"),
        {"year": 2011, "metric": "new_cards", "mode": "target", "weight": "99", "cap": "1.2"},
    )
    assert response.status_code == 200 and "已经存在" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_a_change_approved_after_another_touched_its_rows_is_not_applied(quarter, staff, leader, write):
    """What the approver read is what applies: a file checked when 101's target was 1,000 (a row it
    leaves unchanged) and approved after another change set 101 to 1,300 would silently set it
    back; it is refused instead, and nothing is written."""
    upload = SimpleUploadedFile(
        "t.csv",
        b"year,quarter,branch_code,metric,target\n2011,4,101,new_cards,1000\n2011,4,201,new_cards,950\n",
    )
    first = imports.import_run_upload(kind="targets", uploaded_file=upload, by=staff)
    imports.import_run_check(run_id=first.pk)
    first = imports.import_run_confirm(run=ImportRun.objects.get(pk=first.pk), by=staff, reason="调整")
    other, _outcome = imports.import_run_propose(
        kind="targets",
        rows=[{"year": 2011, "quarter": 4, "branch_code": "101", "metric": "new_cards", "target": "1300"}],
        file_name="矩阵",
        reason="追加",
        by=staff,
    )
    imports.import_run_approve(run=other, by=leader)
    imports.import_run_apply(run_id=other.pk)
    imports.import_run_approve(run=first, by=leader)
    first = imports.import_run_apply(run_id=first.pk)
    assert first.status == ImportRun.Status.FAILED and "重新提交" in first.message
    assert Target.objects.get(branch__code="101", metric="new_cards").target == Decimal(1300)
    assert Target.objects.get(branch__code="201", metric="new_cards").target == Decimal(1000)
