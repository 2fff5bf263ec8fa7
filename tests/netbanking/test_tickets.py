"""Fault and complaint tickets: the T+3 working-day deadline, overdue lists, the monthly summary."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from netbanking import selectors, services
from netbanking.models import CalendarDay, Ticket
from tests.netbanking.factories import TicketFactory


def local(*args):
    return timezone.make_aware(datetime.datetime(*args))


@pytest.fixture
def national_day_2011(db):
    """2011's National Day: 1–7 October off; Saturday 8 and Sunday 9 October worked."""
    for day in range(1, 8):
        CalendarDay.objects.create(day=datetime.date(2011, 10, day), kind="holiday", name="国庆节")
    for day in (8, 9):
        CalendarDay.objects.create(day=datetime.date(2011, 10, day), kind="workday", name="国庆节调休上班")


def test_friday_before_a_holiday(national_day_2011):
    # Opened Friday 30 September: T+1 Sat 8 Oct (worked), T+2 Sun 9 Oct (worked), T+3 Mon 10 Oct.
    assert selectors.working_day_after(start=datetime.date(2011, 9, 30), days=3) == datetime.date(
        2011, 10, 10
    )


def test_plain_weeks_and_weekends(db):
    assert selectors.working_day_after(start=datetime.date(2011, 6, 1), days=3) == datetime.date(2011, 6, 6)
    assert selectors.working_day_after(start=datetime.date(2011, 6, 4), days=3) == datetime.date(2011, 6, 8)


def test_a_ticket_opened_late_on_friday_gets_its_deadline_from_the_local_day(
    tree, manager, national_day_2011
):
    ticket = services.ticket_open(
        kind="fault",
        branch=tree["a1"],
        subject="U盾无法识别",
        description="…",
        by=manager,
        opened_at=local(2011, 9, 30, 23, 50),
    )
    assert ticket.deadline == datetime.date(2011, 10, 10)
    assert ticket.history.first().history_user == manager


def test_a_branch_manager_cannot_open_a_ticket_for_a_sibling_branch(tree, manager):
    with pytest.raises(ValidationError):
        services.ticket_open(kind="fault", branch=tree["b"], subject="x", description="x", by=manager)
    assert not Ticket.objects.exists()


def test_assign_and_close_with_a_resolution(tree, staff, manager):
    ticket = services.ticket_open(
        kind="complaint",
        branch=tree["a"],
        subject="转账未到账",
        description="…",
        by=manager,
        opened_at=local(2011, 6, 1, 9),
    )
    services.ticket_assign(ticket=ticket, to=staff, by=staff)  # the department takes it
    with pytest.raises(ValidationError):
        services.ticket_close(ticket=ticket, resolution=" ", by=staff)
    services.ticket_close(
        ticket=ticket, resolution="跨行汇路延迟，已到账", by=staff, closed_at=local(2011, 6, 2, 15)
    )
    ticket.refresh_from_db()
    assert ticket.status == "closed" and ticket.assigned_to == staff


def _tickets(tree):
    """June 2011: one closed in time, one closed late, one still open past its deadline."""
    in_time = TicketFactory(
        branch=tree["a"],
        opened_at=local(2011, 6, 1, 9),
        deadline=datetime.date(2011, 6, 6),
        status="closed",
        closed_at=local(2011, 6, 3, 9),
    )
    late = TicketFactory(
        branch=tree["a1"],
        opened_at=local(2011, 6, 10, 9),
        deadline=datetime.date(2011, 6, 15),
        status="closed",
        closed_at=local(2011, 6, 16, 9),
    )
    still_open = TicketFactory(
        branch=tree["b"], opened_at=local(2011, 6, 20, 9), deadline=datetime.date(2011, 6, 23)
    )
    return in_time, late, still_open


def test_overdue_list_and_monthly_summary_agree_with_the_tickets(tree):
    in_time, late, still_open = _tickets(tree)
    overdue = selectors.tickets_overdue(queryset=Ticket.objects.all(), today=datetime.date(2011, 7, 1))
    assert list(overdue) == [still_open]
    june = selectors.tickets_month_summary(queryset=Ticket.objects.all(), year=2011, month=6)
    assert (june["opened"], june["closed"], june["overdue"]) == (3, 2, 2)
    assert june["average_handling"] == datetime.timedelta(days=4)  # (2 days + 6 days) / 2
    july = selectors.tickets_month_summary(queryset=Ticket.objects.all(), year=2011, month=7)
    assert (july["opened"], july["closed"], july["overdue"]) == (0, 0, 0)


def test_monthly_summary_api_is_scoped(tree, manager, staff):
    _tickets(tree)
    client = APIClient()
    client.force_authenticate(manager)
    mine = client.get("/api/v1/tickets/summary/", {"month": "2011-06"}).json()
    assert (mine["opened"], mine["closed"], mine["overdue"]) == (2, 2, 1)
    client.force_authenticate(staff)
    everything = client.get("/api/v1/tickets/summary/", {"month": "2011-06"}).json()
    assert (everything["opened"], everything["overdue"]) == (3, 2)
    assert everything["average_handling_hours"] == 96.0
    assert client.get("/api/v1/tickets/summary/", {"month": "2011-13"}).status_code == 400


def test_overdue_tickets_are_listed_for_their_branch(tree, manager_client, staff_client):
    in_time, _late, still_open = _tickets(tree)
    mine = TicketFactory(
        branch=tree["a1"], opened_at=local(2011, 6, 20, 9), deadline=datetime.date(2011, 6, 23)
    )
    url = reverse("admin:netbanking_ticket_changelist") + "?overdue=1"
    page = staff_client.get(url).content.decode()
    assert still_open.subject in page and mine.subject in page and in_time.subject not in page
    # The manager of 101 sees their branch's overdue ticket, not 201's.
    page = manager_client.get(url).content.decode()
    assert mine.subject in page and still_open.subject not in page


def test_manager_opens_a_ticket_in_the_admin_for_their_branch(tree, manager_client, manager):
    response = manager_client.post(
        reverse("admin:netbanking_ticket_add"),
        {
            "kind": "fault",
            "branch": tree["a1"].pk,
            "subject": "网银登录报错",
            "description": "错误码 E102",
        },
    )
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.opened_by == manager and ticket.deadline > timezone.localdate()
    refused = manager_client.post(
        reverse("admin:netbanking_ticket_add"),
        {"kind": "fault", "branch": tree["b"].pk, "subject": "x", "description": "x"},
    )
    assert refused.status_code == 200 and Ticket.objects.count() == 1


def test_close_in_the_admin_needs_a_resolution(tree, staff_client, manager):
    ticket = services.ticket_open(kind="fault", branch=tree["a"], subject="x", description="x", by=manager)
    url = reverse("admin:netbanking_ticket_change", args=[ticket.pk])
    assert staff_client.post(url, {"close": "on", "resolution": ""}).status_code == 200
    assert staff_client.post(url, {"close": "on", "resolution": "已重置U盾密码"}).status_code == 302
    assert Ticket.objects.get().status == "closed"


def test_api_open_assign_close(tree, manager, staff):
    client = APIClient()
    client.force_authenticate(manager)
    created = client.post(
        "/api/v1/tickets/", {"kind": "fault", "subject": "U盾失效", "description": "…"}, format="json"
    )
    assert created.status_code == 201 and created.json()["branch_code"] == "101"
    refused = client.post(
        "/api/v1/tickets/",
        {"kind": "fault", "subject": "x", "description": "x", "branch_code": "201"},
        format="json",
    )
    assert refused.status_code == 400 and "branch_code" in refused.json()["errors"]
    ticket_id = created.json()["id"]
    assert (
        client.post(f"/api/v1/tickets/{ticket_id}/assign/", {"assigned_to": "mgr-101"}, format="json").json()[
            "status"
        ]
        == "in_progress"
    )
    closed = client.post(f"/api/v1/tickets/{ticket_id}/close/", {"resolution": "已更换U盾"}, format="json")
    assert closed.json()["status"] == "closed"


def test_a_ticket_goes_to_staff_or_a_manager_of_its_branch_only(tree, staff, manager):
    from tests.factories import user_with_role

    other = user_with_role("branch_manager", tree["b"], username="mgr-201")
    ticket = services.ticket_open(kind="fault", branch=tree["a1"], subject="x", description="x", by=manager)
    with pytest.raises(ValidationError):
        services.ticket_assign(ticket=ticket, to=other, by=manager)
    assert services.ticket_assign(ticket=ticket, to=manager, by=manager).assigned_to == manager
    assert set(selectors.ticket_assignees(user=manager)) == {manager}
    with pytest.raises(ValidationError):  # the department takes a ticket; a branch does not push one
        services.ticket_assign(ticket=ticket, to=staff, by=manager)
    assert services.ticket_assign(ticket=ticket, to=staff, by=staff).assigned_to == staff
    assert set(selectors.ticket_assignees(user=staff)) == {staff, manager, other}


def test_a_closed_ticket_reads_as_closed_and_cannot_be_edited(tree, staff_client, manager):
    ticket = services.ticket_open(kind="fault", branch=tree["a"], subject="x", description="x", by=manager)
    services.ticket_close(ticket=ticket, resolution="已处理", by=manager)
    page = staff_client.get(reverse("admin:netbanking_ticket_change", args=[ticket.pk])).content.decode()
    assert "已办结" in page and "销卡" not in page and 'name="_save"' not in page


def test_an_empty_customer_number_is_refused_not_read_as_none(tree, manager):
    client = APIClient()
    client.force_authenticate(manager)
    body = {"kind": "fault", "customer_no": "", "subject": "网银无法登录", "description": "U盾无法识别"}
    response = client.post("/api/v1/tickets/", body, format="json")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["customer_no"]
    assert not Ticket.objects.exists()
    response = client.post("/api/v1/tickets/", {**body, "customer_no": None}, format="json")
    assert response.status_code == 201 and response.json()["customer_no"] is None
