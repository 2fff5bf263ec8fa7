"""Appeals (申诉): within APPEAL_WORKING_DAYS working days of a publication, counted on the holiday
calendar, a branch manager appeals their own branch's result with a text and an attachment; staff
answer, upheld or rejected, with the reason; an upheld appeal reopens the quarter's targets and a
corrected run is published again; after the window the form is closed, saying so."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from ebank.imports.engine import extract_import
from ebank.org.roles import Role
from netbanking.models import CalendarDay
from reports import services
from reports.models import Appeal, AssessmentPublication, AssessmentRun
from reports.selectors import appeal_deadline, assessment_lock
from tests.factories import user_with_role

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def local(*args):
    return timezone.make_aware(datetime.datetime(*args))


@pytest.fixture
def national_day():
    """2011: 1–7 October off, Saturday 8 and Sunday 9 worked in exchange."""
    for day in range(1, 8):
        CalendarDay.objects.create(day=datetime.date(2011, 10, day), kind="holiday", name="国庆节")
    for day in (8, 9):
        CalendarDay.objects.create(day=datetime.date(2011, 10, day), kind="workday", name="国庆节调休")


@pytest.fixture
def published(quarter, leader):
    """Q4's run, published on Friday 30 September 2011 at 16:00 (a date that meets the holidays)."""
    run = services.assessment_compute(run_id=AssessmentRun.objects.create(year=2011, quarter=4).pk)
    publication = services.assessment_publish(run=run, note="第四季度考核结果", by=leader)
    AssessmentPublication.objects.filter(pk=publication.pk).update(published_at=local(2011, 9, 30, 16))
    publication.refresh_from_db()
    return publication


def _page(client, publication):
    return client.get(
        reverse("admin:reports_assessmentrun_change", args=[publication.run_id])
    ).content.decode()


def _appeal(client, publication, text="我社12月新发卡30张未计入，附发卡清单。", attachment=None):
    data = {"text": text}
    if attachment is not None:
        data["attachment"] = attachment
    return client.post(reverse("admin:reports_assessmentrun_appeal", args=[publication.run_id]), data)


def test_the_window_counts_working_days_on_the_holiday_calendar(published, national_day):
    # Five working days after Friday 30 September: Sat 8, Sun 9 (worked), Mon 10, Tue 11, Wed 12.
    assert appeal_deadline(publication=published) == datetime.date(2011, 10, 12)


def test_a_branch_manager_appeals_their_own_branch_within_the_window(
    published, national_day, manager, manager_client, staff_client, tree
):
    with time_machine.travel(local(2011, 10, 12, 17), tick=False):
        page = _page(manager_client, published)
        assert 'id="appeal-form"' in page and "2011-10-12" in page
        upload = SimpleUploadedFile("城关信用社发卡清单.pdf", PDF, content_type="application/pdf")
        _appeal(manager_client, published, attachment=upload)
    appeal = Appeal.objects.get()
    assert (appeal.branch, appeal.submitted_by, appeal.outcome) == (tree["a"], manager, "pending")
    assert appeal.attachment_name == "城关信用社发卡清单.pdf"
    # The attachment is served to who may read the appeal; a sibling branch's manager gets 404.
    manager_client.force_login(manager)  # the session saved in 2011 has expired since
    url = reverse("admin:reports_appeal_attachment", args=[appeal.pk])
    assert (
        manager_client.get(url).status_code == 200
        and b"".join(staff_client.get(url).streaming_content) == PDF
    )
    sibling = user_with_role(Role.BRANCH_MANAGER, tree["b"], username="mgr-201")
    manager_client.force_login(sibling)
    assert manager_client.get(url).status_code == 404
    assert "未计入" not in _page(manager_client, published)
    # A second appeal of the same branch waits for the first's answer.
    with time_machine.travel(local(2011, 10, 12, 18), tick=False):
        manager_client.force_login(manager)
        _appeal(manager_client, published, text="补充说明")
    assert Appeal.objects.count() == 1


def test_after_the_window_the_form_is_closed_saying_so(published, national_day, manager, manager_client):
    with time_machine.travel(local(2011, 10, 13, 9), tick=False):
        page = _page(manager_client, published)
        assert 'id="appeal-form"' not in page and "申诉期已于2011-10-12结束，不能再提出申诉" in page
        _appeal(manager_client, published)
        with pytest.raises(ValidationError, match="2011-10-12"):
            services.appeal_submit(
                publication=published, branch=manager.branch, text="迟到的申诉", by=manager
            )
    assert not Appeal.objects.exists()


def test_only_an_assessed_branch_appeals_and_only_a_pdf_or_image_is_attached(published, national_day, tree):
    sub_branch = user_with_role(Role.BRANCH_MANAGER, tree["a1"], username="mgr-10101")
    with time_machine.travel(local(2011, 10, 10, 9), tick=False):
        with pytest.raises(ValidationError, match="参加本次考核"):
            services.appeal_submit(
                publication=published, branch=tree["a1"], text="东街分社申诉", by=sub_branch
            )
        manager = user_with_role(Role.BRANCH_MANAGER, tree["a"], username="mgr-a")
        svg = SimpleUploadedFile(
            "x.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", content_type="image/svg+xml"
        )
        with pytest.raises(ValidationError, match="PDF、JPEG 或 PNG"):
            services.appeal_submit(
                publication=published, branch=tree["a"], text="申诉", attachment=svg, by=manager
            )
        with pytest.raises(ValidationError):  # another branch than their own
            services.appeal_submit(publication=published, branch=tree["b"], text="申诉", by=manager)
    assert not Appeal.objects.exists()


def test_an_upheld_appeal_reopens_the_targets_and_a_corrected_run_is_published(
    published, national_day, staff, staff_client, leader, tree, write
):
    manager = user_with_role(Role.BRANCH_MANAGER, tree["b"], username="mgr-201")
    with time_machine.travel(local(2011, 10, 10, 9), tick=False):
        appeal = services.appeal_submit(
            publication=published,
            branch=tree["b"],
            text="第四季度任务含已撤并网点的份额，请调减。",
            by=manager,
        )
    assert assessment_lock(year=2011, quarter=4) == published
    # Staff answer on the appeal's page: an outcome and its reason are both needed.
    change = reverse("admin:reports_appeal_change", args=[appeal.pk])
    assert staff_client.post(change, {"outcome": "upheld", "answer": ""}).status_code == 200
    staff_client.post(change, {"outcome": "upheld", "answer": "经核实，北山信用社任务应调减为900张。"})
    appeal.refresh_from_db()
    assert (appeal.outcome, appeal.answered_by) == ("upheld", staff)
    # Answered once: the page is read-only now.
    assert 'name="answer"' not in staff_client.get(change).content.decode()
    # 北山's targets of the quarter are open again for the correction, through four eyes; not the
    # other branches'.
    assert assessment_lock(year=2011, quarter=4, branch_id=tree["b"].pk) is None
    assert assessment_lock(year=2011, quarter=4, branch_id=tree["a"].pk) == published
    other = write("a.csv", "year,quarter,branch_code,metric,target\n2011,4,101,new_cards,1\n")
    assert [c for _r, c, _t in extract_import(kind="targets", path=other, by=staff).errors] == ["quarter"]
    path = write("t.csv", "year,quarter,branch_code,metric,target\n2011,4,201,new_cards,900\n")
    assert extract_import(kind="targets", path=path, by=staff).updated == 1
    corrected = services.assessment_compute(run_id=AssessmentRun.objects.create(year=2011, quarter=4).pk)
    assert corrected.results.get(branch__code="201", metric="new_cards").score == Decimal("40.00")
    services.assessment_publish(run=corrected, note="更正后结果", reason="北山信用社申诉成立", by=leader)
    # Published again: locked again, and the appeal stays on record with the first publication.
    assert assessment_lock(year=2011, quarter=4, branch_id=tree["b"].pk).run == corrected
    assert Appeal.objects.get().publication == published


def test_a_rejected_appeal_keeps_the_lock(published, national_day, staff, tree):
    manager = user_with_role(Role.BRANCH_MANAGER, tree["a"], username="mgr-a")
    with time_machine.travel(local(2011, 10, 10, 9), tick=False):
        appeal = services.appeal_submit(publication=published, branch=tree["a"], text="申诉", by=manager)
    services.appeal_answer(appeal=appeal, upheld=False, answer="发卡数以核心系统数据为准。", by=staff)
    with pytest.raises(ValidationError):
        services.appeal_answer(appeal=appeal, upheld=True, answer="改判", by=staff)
    assert assessment_lock(year=2011, quarter=4) == published
