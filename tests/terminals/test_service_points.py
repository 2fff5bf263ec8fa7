"""The rural cash-withdrawal service points (助农取款服务点) and mobile banking: their extracts with
every rule of docs/extracts.md, their metrics at the edges docs/kpi.md states, the register of
points (closed and reopened with a day and a reason), the monthly patrol register, and where they
show: 今日, the to-do list, the dashboard."""

import datetime
import random
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from ebank.imports.engine import extract_import
from ebank.org.roles import Role
from ebank.registers.services import logbook_enter
from netbanking.models import Customer
from reports.selectors import figures
from terminals import selectors, services
from terminals.models import ServicePoint, ServicePointEvent, ServicePointTxn, ServicePointVisit
from tests.cards.factories import card_number
from tests.factories import user_with_role

POINTS = "point_no,name,branch_code,village,device,opened_on,status,closed_on\n"
TXNS = "reference,point_no,txn_at,txn_type,amount,card_no\n"
CUSTOMERS = "customer_no,kind,name,branch_code,signed_on,status,closed_on,security_media\n"
TRANSFERS = "reference,customer_no,txn_at,channel,amount\n"
END_2011 = datetime.date(2011, 12, 31)


def _file(write, name, header, *rows):
    return write(name, header + "".join(f"{row}\n" for row in rows))


@pytest.fixture
def points(tree, write):
    """Three points: one of 城关信用社 (101), one of its 东街分社 (10101), one of 北山信用社 (201)."""
    path = _file(
        write,
        "points.csv",
        POINTS,
        "ZN001,石门村服务点,101,石门村,pos,2011-07-12,active,",
        "ZN002,东街村服务点,10101,东街村,phone,2011-08-01,active,",
        "ZN003,北山村服务点,201,北山村,smart,2011-11-15,active,",
    )
    assert extract_import(kind="service_points", path=path).created == 3
    return {point.point_no: point for point in ServicePoint.objects.all()}


def _txns(write, *rows):
    return extract_import(kind="service_point_txns", path=_file(write, "txns.csv", TXNS, *rows))


# --- the extracts ---------------------------------------------------------------------------------


def test_service_points_import_idempotent_and_on_record(points, write, tree):
    point = points["ZN001"]
    assert (point.branch, point.village, point.device, point.opened_on) == (
        tree["a"],
        "石门村",
        "pos",
        datetime.date(2011, 7, 12),
    )
    assert point.history.count() == 1
    again = _file(
        write,
        "points.csv",
        POINTS,
        "ZN001,石门村服务点,101,石门村,pos,2011-07-12,active,",
        "ZN002,东街村服务点,10101,东街村,phone,2011-08-01,active,",
        "ZN003,北山村服务点,201,北山村,smart,2011-11-15,closed,2011-12-20",
    )
    outcome = extract_import(kind="service_points", path=again)
    assert (outcome.created, outcome.updated, outcome.unchanged) == (0, 1, 2)
    assert ServicePoint.objects.get(point_no="ZN003").closed_on == datetime.date(2011, 12, 20)
    assert extract_import(kind="service_points", path=again).unchanged == 3


def test_service_points_in_chinese_headers_and_gb18030(tree, write):
    text = (
        "服务点编号,服务点名称,管理机构,所在村,机具类型,开办日期,状态,撤销日期\r\n"
        "ZN009,柳林村助农取款服务点,201,柳林村,phone,2011-09-01,active,\r\n"
    )
    outcome = extract_import(kind="service_points", path=write("p.csv", text, encoding="gb18030"))
    assert outcome.created == 1
    assert ServicePoint.objects.get().name == "柳林村助农取款服务点"


@pytest.mark.parametrize(
    "row,column",
    [
        ("ZN1,一村,101,一村,atm,2011-07-01,active,", "device"),
        ("ZN1,一村,101,一村,pos,2011-07-01,closed,", "closed_on"),
        ("ZN1,一村,101,一村,pos,2011-07-01,active,2011-08-01", "closed_on"),
        ("ZN1,一村,101,一村,pos,2011-07-01,closed,2011-06-30", "closed_on"),
        ("ZN1,一村,999,一村,pos,2011-07-01,active,", "branch_code"),
        ("ZN1,一村,101,,pos,2011-07-01,active,", "village"),
        ("ZN1,一村,101,一村,pos,2011-13-01,active,", "opened_on"),
        ("ZN123456789012345678901,一村,101,一村,pos,2011-07-01,active,", "point_no"),
    ],
)
def test_service_point_rules(tree, write, row, column):
    outcome = extract_import(kind="service_points", path=_file(write, "p.csv", POINTS, row))
    assert [(r, c) for r, c, _ in outcome.errors] == [(1, column)]
    assert not ServicePoint.objects.exists()


def test_transactions_import_hash_their_cards_and_reimport_changes_nothing(points, write):
    number = card_number(rng=random.Random(7))
    rows = (
        f"T1,ZN001,2011-12-31 23:59:00,withdrawal,500.00,{number}",
        "T2,ZN001,2011-08-02 10:00:00,inquiry,0,",
        "T3,ZN002,2011-09-03 11:00:00,payment,86.50,",
    )
    assert _txns(write, *rows).created == 3
    late = ServicePointTxn.objects.get(reference="T1")
    assert late.card_masked.endswith(number[-4:]) and number not in late.card_masked
    assert late.card_hash and number not in late.card_hash
    outcome = _txns(write, *rows)
    assert (outcome.created, outcome.updated, outcome.unchanged) == (0, 0, 3)


@pytest.mark.parametrize(
    "row,column,reason",
    [
        ("T1,ZN001,2011-07-11 18:00:00,withdrawal,100,", "txn_at", "2011-07-12"),
        ("T1,ZN404,2011-08-01 10:00:00,withdrawal,100,", "point_no", ""),
        ("T1,ZN001,2011-08-01 10:00:00,refund,100,", "txn_type", ""),
        ("T1,ZN001,2011-08-01 10:00:00,inquiry,5,", "amount", ""),
        ("T1,ZN001,2011-08-01 10:00:00,withdrawal,-5,", "amount", ""),
        ("T1,ZN001,2011-08-01 10:00:00,withdrawal,1.005,", "amount", ""),
        ("T1,ZN001,2011-08-01,withdrawal,100,", "txn_at", ""),
        ("T1,ZN001,2011-08-01 10:00:00,withdrawal,100,6228480402564890019", "card_no", ""),
    ],
)
def test_transaction_rules_and_nothing_half_written(points, write, row, column, reason):
    good = "T0,ZN001,2011-08-01 09:00:00,withdrawal,100,"
    outcome = _txns(write, good, row)
    assert [(r, c) for r, c, _ in outcome.errors] == [(2, column)]
    assert reason in outcome.errors[0][2]
    assert "6228480402564890019" not in str(outcome.errors)
    assert not ServicePointTxn.objects.exists()


def test_a_duplicate_reference_in_one_file(points, write):
    outcome = _txns(
        write, "T1,ZN001,2011-08-01 09:00:00,withdrawal,100,", "T1,ZN001,2011-08-02 09:00:00,withdrawal,100,"
    )
    assert [(r, c) for r, c, _ in outcome.errors] == [(2, "reference")]


def test_transactions_from_xlsx(points, tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["流水号", "服务点编号", "交易时间", "交易类型", "金额", "卡号"])
    book.active.append(["X1", "ZN002", "2011-10-05 09:30:00", "transfer", "1200", None])
    path = tmp_path / "txns.xlsx"
    book.save(path)
    assert extract_import(kind="service_point_txns", path=path).created == 1
    assert ServicePointTxn.objects.get().amount == Decimal("1200.00")


def test_mobile_customers_and_their_transfers_import(tree, write):
    path = _file(write, "c.csv", CUSTOMERS, "M001,mobile,张三,101,2011-10-01,active,,sms")
    assert extract_import(kind="netbank_customers", path=path).created == 1
    assert Customer.objects.get().get_kind_display() == "手机银行"
    path = _file(write, "t.csv", TRANSFERS, "MB1,M001,2011-10-02 08:00:00,intra,300")
    assert extract_import(kind="netbank_transfers", path=path).created == 1
    values = figures(as_of=END_2011)
    assert values["netbank_mobile_transfer_count"] == values["netbank_mobile_intra_count"] == 1
    assert values["netbank_mobile_transfer_amount"] == Decimal("300.00")
    assert values["netbank_personal_transfer_count"] == 0


# --- the metrics at their edges (docs/kpi.md) ---------------------------------------------------


def test_a_withdrawal_at_23_59_on_31_december_belongs_to_its_year(points, write):
    _txns(
        write,
        "T1,ZN001,2011-12-31 23:59:00,withdrawal,500.00,",
        "T2,ZN001,2012-01-01 00:00:00,withdrawal,300.00,",
        "T3,ZN001,2011-11-30 10:00:00,inquiry,0,",
        "T4,ZN001,2011-11-30 10:05:00,transfer,2000,",
    )
    year = figures(as_of=END_2011)
    assert (year["service_point_txn_count"], year["service_point_withdrawal_amount"]) == (
        2,
        Decimal("500.00"),
    )
    next_day = figures(as_of=datetime.date(2012, 1, 1))
    assert (next_day["service_point_txn_count"], next_day["service_point_withdrawal_amount"]) == (
        1,
        Decimal("300.00"),
    )


def test_an_inquiry_only_point_is_dormant_and_one_used_is_not(points, write):
    _txns(
        write,
        "T1,ZN001,2011-10-05 10:00:00,inquiry,0,",
        "T2,ZN001,2011-12-30 10:00:00,inquiry,0,",
        "T3,ZN002,2011-10-01 00:00:00,payment,10,",
    )
    # ZN001 only inquired in October–December; ZN002 paid a bill on the window's first minute;
    # ZN003 opened in November, after the window began: not counted.
    values = figures(as_of=END_2011)
    assert values["dormant_service_points"] == 1
    assert list(
        selectors.dormant_service_points(queryset=ServicePoint.objects.all(), as_of=END_2011).values_list(
            "point_no", flat=True
        )
    ) == ["ZN001"]


def test_points_in_force_new_and_a_sub_branchs_points_roll_up(points, write, tree):
    extract_import(
        kind="service_points",
        path=_file(
            write, "p.csv", POINTS, "ZN002,东街村服务点,10101,东街村,phone,2011-08-01,closed,2011-12-31"
        ),
    )
    _txns(write, "T1,ZN002,2011-09-01 10:00:00,withdrawal,100,")
    union = figures(as_of=END_2011)
    assert (union["service_points_total"], union["new_service_points"]) == (2, 3)  # closed on E: not in force
    a = figures(as_of=END_2011, branch=tree["a"])
    assert (a["service_points_total"], a["new_service_points"], a["service_point_txn_count"]) == (1, 2, 1)
    assert figures(as_of=END_2011, branch=tree["a1"])["service_point_withdrawal_amount"] == Decimal("100.00")
    assert figures(as_of=datetime.date(2011, 12, 30), branch=tree["a"])["service_points_total"] == 2
    assert figures(as_of=END_2011, branch=tree["b"])["service_point_txn_count"] == 0


def test_a_mobile_customer_closed_mid_month_is_not_active(tree, write):
    customers = _file(
        write,
        "c.csv",
        CUSTOMERS,
        "M1,mobile,甲,101,2011-10-01,closed,2011-12-15,sms",
        "M2,mobile,乙,10101,2011-10-01,active,,sms",
        "M3,mobile,丙,201,2011-12-20,active,,sms",
        "M4,mobile,丁,201,2011-09-01,active,,sms",
        "P1,personal,戊,201,2011-09-01,active,,sms",
    )
    extract_import(kind="netbank_customers", path=customers)
    transfers = _file(
        write,
        "t.csv",
        TRANSFERS,
        "R1,M1,2011-12-03 10:00:00,intra,100",  # transferred, then closed on the 15th
        "R2,M2,2011-12-01 00:10:00,inter,100",  # the month's first minutes
        "R3,M3,2011-12-31 23:50:00,nxy,100",  # signed this month, the year's last minutes
        "R4,M4,2011-11-30 23:59:00,intra,100",  # November: not this month
        "R5,P1,2011-12-05 10:00:00,intra,100",  # online banking, not mobile
    )
    extract_import(kind="netbank_transfers", path=transfers)
    union = figures(as_of=END_2011)
    assert (union["netbank_mobile_total"], union["new_netbank_mobile"], union["mobile_active"]) == (3, 4, 2)
    assert figures(as_of=datetime.date(2011, 12, 14))["mobile_active"] == 2  # M1 still in force; M2
    assert figures(as_of=END_2011, branch=tree["a"])["mobile_active"] == 1  # M2, of the sub-branch
    assert figures(as_of=datetime.date(2011, 11, 30))["mobile_active"] == 1  # M4
    assert union["netbank_personal_total"] == 1


# --- the register of points ---------------------------------------------------------------------


def test_close_and_reopen_with_a_day_and_a_reason(points, staff):
    point = points["ZN001"]
    with pytest.raises(ValidationError) as refused:
        services.service_point_close(point=point, on=datetime.date(2011, 7, 1), reason="店主外出", by=staff)
    assert "2011-07-12" in str(refused.value)
    with pytest.raises(ValidationError):
        services.service_point_close(point=point, on=datetime.date(2012, 3, 1), reason=" ", by=staff)
    services.service_point_close(point=point, on=datetime.date(2012, 3, 1), reason="店主外出务工", by=staff)
    point.refresh_from_db()
    assert (point.status, point.closed_on) == ("closed", datetime.date(2012, 3, 1))
    assert figures(as_of=datetime.date(2012, 3, 31))["service_points_total"] == 2
    with pytest.raises(ValidationError):
        services.service_point_close(point=point, on=datetime.date(2012, 3, 2), reason="再撤", by=staff)
    services.service_point_reopen(point=point, on=datetime.date(2012, 6, 1), reason="新店主接手", by=staff)
    point.refresh_from_db()
    assert (point.status, point.closed_on) == ("active", None)
    assert list(point.events.order_by("on").values_list("kind", "on", "reason", "recorded_by")) == [
        ("closed", datetime.date(2012, 3, 1), "店主外出务工", staff.pk),
        ("reopened", datetime.date(2012, 6, 1), "新店主接手", staff.pk),
    ]
    assert point.history.first().history_change_reason == "新店主接手"
    with pytest.raises(ValidationError):
        services.service_point_reopen(point=point, on=datetime.date(2012, 6, 2), reason="again", by=staff)


def test_the_admin_register_of_points_and_the_close_action(points, staff, client, write):
    _txns(write, "T1,ZN002,2011-09-01 10:00:00,withdrawal,100,")
    client.force_login(staff)
    page = client.get(reverse("admin:terminals_servicepoint_changelist")).content.decode()
    assert "石门村服务点" in page and "最近巡查" in page and "近30天" in page
    response = client.post(
        reverse("admin:terminals_servicepoint_changelist"),
        {
            "action": "close",
            "_selected_action": [points["ZN003"].pk],
            "apply": "1",
            "on": "2012-01-10",
            "reason": "村委会搬迁",
        },
    )
    assert response.status_code == 302
    assert ServicePointEvent.objects.get().reason == "村委会搬迁"
    assert ServicePoint.objects.get(point_no="ZN003").status == "closed"


def test_a_branch_manager_sees_only_their_branchs_points(points, tree, client):
    manager = user_with_role(Role.BRANCH_MANAGER, tree["b"], username="mgr-b")
    client.force_login(manager)
    page = client.get(reverse("admin:terminals_servicepoint_changelist")).content.decode()
    assert "北山村服务点" in page and "石门村服务点" not in page
    assert client.get(
        reverse("admin:terminals_servicepoint_change", args=[points["ZN001"].pk])
    ).status_code in (
        302,
        404,
    )


# --- the patrol register (助农取款服务点巡查登记簿) ----------------------------------------------


def _visit(point, by, when, **checks):
    fields = dict.fromkeys(ServicePointVisit.CHECKLIST, True) | checks
    return logbook_enter(model=ServicePointVisit, by=by, point=point, occurred_at=when, **fields)


def _now_minus(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def test_a_visit_with_an_item_not_met_needs_its_finding(points, tree):
    manager = user_with_role(Role.BRANCH_MANAGER, tree["a"], username="mgr-a")
    with pytest.raises(ValidationError) as refused:
        _visit(points["ZN001"], manager, _now_minus(0), cash_sufficient=False)
    assert "findings" in refused.value.message_dict
    visit = _visit(
        points["ZN001"],
        manager,
        _now_minus(0),
        cash_sufficient=False,
        findings="备付金不足",
        rectification="已补足",
    )
    assert visit.branch == tree["a"] and visit.checks_failed == ["备付金充足"]


def test_no_visit_to_a_closed_point_nor_before_it_opened(points, tree, staff):
    manager = user_with_role(Role.BRANCH_MANAGER, tree["b"], username="mgr-b")
    with pytest.raises(ValidationError) as refused:
        _visit(points["ZN003"], manager, timezone.make_aware(datetime.datetime(2011, 11, 14, 10)))
    assert "occurred_at" in refused.value.message_dict
    services.service_point_close(point=points["ZN003"], on=timezone.localdate(), reason="撤销", by=staff)
    from ebank.registers.declarations import declaration_for

    place = declaration_for(ServicePointVisit).place
    assert points["ZN003"] not in place.open(place.choices(manager))


def test_points_to_visit_this_month_and_idle_ones_on_today_and_the_to_do_list(points, tree, client, write):
    manager = user_with_role(Role.BRANCH_MANAGER, tree["a"], username="mgr-a")
    today = timezone.localdate()
    # ZN001 is visited this month; ZN002 (of the sub-branch) is not; ZN003 is another branch's.
    _visit(points["ZN001"], manager, timezone.now() - datetime.timedelta(minutes=5))
    last_month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=10)
    _visit(
        points["ZN002"],
        manager,
        timezone.make_aware(datetime.datetime.combine(last_month, datetime.time(10))),
    )
    recent = timezone.localtime() - datetime.timedelta(days=3)
    _txns(write, f"T1,ZN002,{recent:%Y-%m-%d %H:%M:%S},withdrawal,100,")
    to_act = selectors.service_points_to_act_on(user=manager, today=today)
    assert [p.point_no for p in to_act["unvisited_service_points"]] == ["ZN002"]
    assert [p.point_no for p in to_act["dormant_service_points"]] == ["ZN001"]  # no use since 2011
    client.force_login(manager)
    page = client.get(reverse("today")).content.decode()
    assert "东街村服务点" in page and "登记巡查" in page
    assert f"?point={points['ZN002'].pk}" in page and "北山村服务点" not in page
    home = client.get(reverse("admin:index")).content.decode()
    assert "本月未巡查的服务点" in home and "连续三个月无交易的服务点" in home


def test_the_register_shows_this_months_visits_and_the_dashboard_each_month(points, tree, client, staff):
    manager = user_with_role(Role.BRANCH_MANAGER, tree["a"], username="mgr-a")
    _visit(points["ZN001"], manager, timezone.now() - datetime.timedelta(minutes=5))
    client.force_login(staff)
    page = client.get(reverse("admin:terminals_servicepointvisit_changelist")).content.decode()
    assert "service-point-visits" in page
    rows = selectors.service_point_visits(
        points=ServicePoint.objects.all(),
        month=timezone.localdate().replace(day=1),
        today=timezone.localdate(),
    )
    assert rows[tree["a"].pk] == {"due": 1, "visited": 1}
    assert rows[tree["a1"].pk] == {"due": 1, "visited": 0}
    dashboard = client.get(
        reverse("dashboard"), {"as_of": f"{timezone.localdate():%Y-%m-%d}"}
    ).content.decode()
    assert "每月服务点巡查" in dashboard and "100.00%" in dashboard and "0.00%" in dashboard


def test_the_visit_rate_of_2011_months(points, tree):
    manager = user_with_role(Role.BRANCH_MANAGER, tree["a"], username="mgr-a")
    aware = lambda day: timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))  # noqa: E731
    _visit(points["ZN001"], manager, aware(datetime.date(2011, 7, 20)))
    _visit(points["ZN001"], manager, aware(datetime.date(2011, 8, 3)))
    _visit(points["ZN002"], manager, aware(datetime.date(2011, 8, 30)))
    year = selectors.service_point_visits_of_year(
        points=ServicePoint.objects.all(), year=2011, today=END_2011
    )
    # Due: ZN001 Jul–Dec (6), ZN002 Aug–Dec (5), ZN003 Nov–Dec (2).
    assert year == {"due": 13, "visited": 3}


# --- the API --------------------------------------------------------------------------------------


def test_the_api_lists_the_register_of_points_and_closes_one(points, staff, tree, write):
    from rest_framework.test import APIClient

    _txns(write, "T1,ZN002,2011-09-01 10:00:00,withdrawal,100,")
    api = APIClient()
    api.force_authenticate(staff)
    listed = api.get("/api/v1/service-points/", {"branch": "101"}).json()["results"]
    assert [(p["point_no"], p["dormant"], p["last_txn"] is not None) for p in listed] == [
        ("ZN001", True, False),
        ("ZN002", True, True),
    ]
    answer = api.patch(
        f"/api/v1/service-points/{points['ZN001'].pk}/",
        {"status": "closed", "on": "2012-02-01", "reason": "店主外出务工"},
        format="json",
    )
    assert answer.status_code == 200 and answer.json()["closed_on"] == "2012-02-01"
    refused = api.patch(
        f"/api/v1/service-points/{points['ZN001'].pk}/",
        {"status": "closed", "on": "2012-02-02", "reason": "again"},
        format="json",
    )
    assert refused.status_code == 400
    txns = api.get("/api/v1/service-point-txns/").json()["results"]
    assert [t["reference"] for t in txns] == ["T1"]


# --- the assessment -------------------------------------------------------------------------------


def test_mobile_and_service_points_are_assessed_and_idle_points_deducted(points, tree, staff, write):
    from reports import services as reports_services
    from reports.models import AssessmentResult, AssessmentRun

    plan = write(
        "plan.csv",
        "year,metric,weight,cap,mode\n"
        "2011,new_netbank_mobile,20,,\n"
        "2011,mobile_active,10,,\n"
        "2011,service_point_txn_count,10,,\n"
        "2011,dormant_service_points,0.5,5,deduction\n",
    )
    assert extract_import(kind="assessment_plan", path=plan, by=staff, reason="考核办法").valid
    targets = write(
        "targets.csv",
        "year,quarter,branch_code,metric,target\n"
        "2011,4,101,new_netbank_mobile,4\n"
        "2011,4,101,mobile_active,2\n"
        "2011,4,101,service_point_txn_count,2\n"
        "2011,4,201,new_netbank_mobile,2\n",
    )
    assert extract_import(kind="targets", path=targets, by=staff, reason="任务分解").valid
    extract_import(
        kind="netbank_customers",
        path=_file(
            write,
            "c.csv",
            CUSTOMERS,
            "M1,mobile,甲,10101,2011-10-01,active,,sms",
            "M2,mobile,乙,101,2011-11-01,active,,sms",
            "M3,mobile,丙,201,2011-11-01,active,,sms",
        ),
    )
    extract_import(
        kind="netbank_transfers", path=_file(write, "t.csv", TRANSFERS, "R1,M1,2011-12-02 09:00:00,intra,50")
    )
    _txns(write, "T1,ZN002,2011-12-01 10:00:00,withdrawal,100,", "T2,ZN002,2011-12-01 10:05:00,inquiry,0,")
    run = reports_services.assessment_compute(
        run_id=AssessmentRun.objects.create(year=2011, quarter=4, started_by=staff).pk
    )
    lines = {(r.branch.code, r.metric): r for r in AssessmentResult.objects.filter(run=run)}
    new = lines[("101", "new_netbank_mobile")]
    assert (new.actual, new.target, new.completion_pct, new.score) == (
        Decimal(2),
        Decimal(4),
        Decimal("50.00"),
        Decimal("10.00"),
    )
    assert lines[("101", "mobile_active")].actual == Decimal(1)  # M1 of the sub-branch
    assert lines[("101", "service_point_txn_count")].actual == Decimal(1)  # the inquiry does not count
    # ZN001 (101) had no use since it opened in July: 0.5 points off; 北山's opened in November.
    idle = lines[("101", "dormant_service_points")]
    assert (idle.actual, idle.target, idle.completion_pct, idle.score) == (
        Decimal(1),
        None,
        None,
        Decimal("-0.50"),
    )
    assert lines[("201", "dormant_service_points")].score == Decimal("0.00")
