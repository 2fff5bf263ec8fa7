"""Reminders of the assessment's governance, told once per person in the in-app inbox (the bell on
every page): a change awaiting approval to the union managers (not its maker), a published result
to the union managers and to each assessed branch's manager with their own branch's result only;
a rerun of the beat task tells nobody twice."""

from decimal import Decimal

from django.urls import reverse

from ebank.imports.services import import_run_propose
from ebank.notify.models import Notification
from ebank.org.roles import Role
from reports import services, tasks
from reports.models import AssessmentRun
from tests.factories import user_with_role


def _told(user) -> list[tuple[str, str]]:
    return list(Notification.objects.filter(recipient=user).values_list("rule", "body"))


def test_a_change_awaiting_approval_goes_to_the_union_managers_once(quarter, staff, leader):
    other_leader = user_with_role(Role.LEADER, username="leader-2")
    import_run_propose(
        kind="targets",
        rows=[{"year": 2011, "quarter": 4, "branch_code": "201", "metric": "new_cards", "target": "900"}],
        file_name="任务分解表",
        reason="网点撤并，调减任务",
        by=staff,
    )
    assert tasks.reminders_evaluate_task() == 2
    assert tasks.reminders_evaluate_task() == 0  # a rerun tells nobody twice
    for person in (leader, other_leader):
        ((rule, body),) = _told(person)
        assert rule == "change_awaiting_approval" and "网点撤并，调减任务" in body
    assert _told(staff) == []


def test_a_published_result_goes_to_leaders_and_to_each_branch_with_its_own_result(quarter, leader, tree):
    mine = user_with_role(Role.BRANCH_MANAGER, tree["a"], username="mgr-101")
    theirs = user_with_role(Role.BRANCH_MANAGER, tree["b"], username="mgr-201")
    unassessed = user_with_role(Role.BRANCH_MANAGER, tree["a1"], username="mgr-10101")
    run = services.assessment_compute(run_id=AssessmentRun.objects.create(year=2011, quarter=4).pk)
    tasks.reminders_evaluate_task()
    assert _told(mine) == []  # a draft tells nobody
    services.assessment_publish(run=run, note="第四季度考核结果，请核对。", by=leader)
    tasks.reminders_evaluate_task()
    tasks.reminders_evaluate_task()
    assert _told(leader) == [("result_published", "第四季度考核结果，请核对。")]
    assert _told(mine) == [("result_published", f"本网点：第 1 名，总得分 {Decimal('52.00')}。")]
    assert _told(theirs) == [("result_published", f"本网点：第 2 名，总得分 {Decimal('46.00')}。")]
    assert _told(unassessed) == []


def test_the_inbox_is_ones_own(quarter, leader, leader_client, manager_client, staff):
    import_run_propose(
        kind="targets",
        rows=[{"year": 2011, "quarter": 4, "branch_code": "201", "metric": "new_cards", "target": "900"}],
        file_name="任务分解表",
        reason="调减",
        by=staff,
    )
    tasks.reminders_evaluate_task()
    # The bell on every page says how many are unread.
    home = leader_client.get(reverse("admin:index")).content.decode()
    assert 'id="unread-count">1<' in home
    page = leader_client.get(reverse("inbox")).content.decode()
    assert "待审批：任务分解表" in page
    notification = Notification.objects.get(recipient=leader)
    # Another person's notification answers 404; one's own opens what it is about, and is read.
    assert manager_client.get(reverse("notification-open", args=[notification.pk])).status_code == 404
    response = leader_client.get(reverse("notification-open", args=[notification.pk]))
    assert response.status_code == 302 and "/imports/importrun/" in response["Location"]
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert 'id="unread-count"' not in leader_client.get(reverse("admin:index")).content.decode()
    assert "待审批" not in manager_client.get(reverse("inbox")).content.decode()


def test_a_published_result_is_emailed_with_its_pdf_and_xlsx_of_the_recipients_own_lines(
    quarter, leader, tree, smtp_server
):
    import io

    import openpyxl
    import pypdf

    user_with_role(Role.BRANCH_MANAGER, tree["a"], username="mgr-101", email="mgr-101@example.cn")
    leader.email = "leader@example.cn"
    leader.save()
    run = services.assessment_compute(run_id=AssessmentRun.objects.create(year=2011, quarter=4).pk)
    services.assessment_publish(run=run, note="第四季度考核结果，请核对。", by=leader)
    tasks.reminders_evaluate_task()
    tasks.reminders_evaluate_task()
    by_address = dict(zip((to for (to,) in smtp_server.recipients), smtp_server.messages, strict=True))
    assert sorted(by_address) == ["leader@example.cn", "mgr-101@example.cn"]  # each once

    def files(message):
        return {part.get_filename(): part.get_content() for part in message.iter_attachments()}

    def sheet_text(content):
        book = openpyxl.load_workbook(io.BytesIO(content))
        rows = (row for sheet in book for row in sheet.iter_rows(values_only=True))
        return " ".join(str(cell) for row in rows for cell in row)

    def pdf_text(content):
        return " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)

    theirs = files(by_address["mgr-101@example.cn"])
    assert sorted(theirs) == ["assessment-2011Q4.pdf", "assessment-2011Q4.xlsx"]
    assert "城关信用社" in sheet_text(theirs["assessment-2011Q4.xlsx"])
    assert "北山信用社" not in sheet_text(theirs["assessment-2011Q4.xlsx"])  # never another branch's
    assert "城关信用社" in pdf_text(theirs["assessment-2011Q4.pdf"])
    assert "北山信用社" not in pdf_text(theirs["assessment-2011Q4.pdf"])
    union = files(by_address["leader@example.cn"])
    assert "北山信用社" in sheet_text(union["assessment-2011Q4.xlsx"])
    text = by_address["mgr-101@example.cn"].get_body().get_content()
    assert f"本网点：第 1 名，总得分 {Decimal('52.00')}。" in text
