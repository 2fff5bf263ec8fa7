"""今日 and a fault as a chain: each ATM's windows of the day, a second inspection of a window asked
for, a fault that puts its ATM out of service from the reported time and 登记排除 that puts it back,
with the repair linked to it."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from ebank.registers import services as logbooks
from terminals import selectors, services
from terminals.models import AtmFault, AtmFaultClearance, AtmInspection, AtmRepair, Terminal
from tests.factories import entered_at
from tests.terminals.factories import TerminalFactory


def local(*args):
    return timezone.make_aware(datetime.datetime(*args))


@pytest.fixture
def atm(tree):
    return TerminalFactory(
        branch=tree["a1"], kind="atm", installed_on=datetime.date(2011, 1, 1), merchant=None
    )


def inspect(atm, by, when, shift, **fields):
    with entered_at(when + datetime.timedelta(minutes=10)):
        return logbooks.logbook_enter(
            model=AtmInspection, by=by, terminal=atm, occurred_at=when, shift=shift, **fields
        )


def report(atm, by, when, **fields):
    return logbooks.logbook_enter(
        model=AtmFault,
        by=by,
        terminal=atm,
        occurred_at=when,
        fault_kind=fields.pop("fault_kind", "card_retained"),
        description=fields.pop("description", "吞卡，持卡人在场"),
        **fields,
    )


def _states(manager, now) -> dict[str, str]:
    (row,) = selectors.atm_windows_today(user=manager, now=now)
    return {window["shift"]: window["state"] for window in row["windows"]}


def test_the_day_of_an_atm_window_by_window(atm, manager):
    assert _states(manager, local(2011, 6, 1, 5, 0)) == {"morning": "upcoming", "evening": "upcoming"}
    assert _states(manager, local(2011, 6, 1, 7, 0)) == {"morning": "due", "evening": "upcoming"}
    inspect(atm, manager, local(2011, 6, 1, 7, 5), "morning")
    assert _states(manager, local(2011, 6, 1, 19, 26)) == {"morning": "done", "evening": "due"}
    assert _states(manager, local(2011, 6, 2, 13, 0)) == {"morning": "missed", "evening": "upcoming"}
    assert selectors.next_window(now=local(2011, 6, 2, 13, 0))[0] == "evening"
    shift, opens, _closes = selectors.next_window(now=local(2011, 6, 2, 23, 59, 30))
    assert (shift, opens) == ("morning", local(2011, 6, 3, 6, 0))


def test_a_second_inspection_of_a_window_is_asked_for_and_recorded_as_such(atm, manager):
    first = inspect(atm, manager, local(2011, 6, 1, 7, 5), "morning")
    with pytest.raises(ValidationError) as error:
        inspect(atm, manager, local(2011, 6, 1, 9, 0), "morning")
    assert f"#{first.pk}" in error.value.message_dict["repeat"][0]
    again = inspect(atm, manager, local(2011, 6, 1, 9, 0), "morning", repeat=True)
    assert again.repeat and AtmInspection.objects.count() == 2
    # A correction of the first is not a second inspection; the evening is another window.
    logbooks.logbook_amend(entry=first, by=manager, reason="时间记错", occurred_at=local(2011, 6, 1, 7, 15))
    inspect(atm, manager, local(2011, 6, 1, 18, 0), "evening")


def test_the_correction_page_of_an_inspection_is_not_taken_for_a_second_inspection(
    atm, manager, manager_client
):
    first = inspect(atm, manager, local(2011, 6, 1, 7, 5), "morning")
    form = {
        "terminal": atm.pk,
        "occurred_at_0": "2011-06-01",
        "occurred_at_1": "07:15:00",
        "shift": "morning",
        **{check: "on" for check in AtmInspection.CHECKS},
        "correction_reason": "时间记错",
    }
    response = manager_client.post(f"/terminals/atminspection/{first.pk}/correct/", form)
    assert response.status_code == 302, response.context["forms"][0].errors
    corrected = AtmInspection.objects.get(amends=first)
    assert timezone.localtime(corrected.occurred_at).time() == datetime.time(7, 15)
    assert not corrected.repeat


def test_a_fault_puts_its_atm_out_of_service_from_the_reported_time(atm, manager):
    inspect(atm, manager, local(2011, 6, 1, 7, 5), "morning")
    fault = report(atm, manager, local(2011, 6, 1, 16, 0))
    atm.refresh_from_db()
    assert atm.status == Terminal.Status.FAULTY
    assert f"#{fault.pk}" in atm.history.first().history_change_reason  # on record, naming the fault
    # The evening window falls in the fault: not due, and not missed.
    assert _states(manager, local(2011, 6, 1, 23, 59, 59))["evening"] == "out_of_order"
    missed = selectors.inspections_missed(
        atms=Terminal.objects.all(),
        start=datetime.date(2011, 6, 1),
        end=datetime.date(2011, 6, 1),
        now=local(2011, 6, 2, 0, 30),
    )
    assert missed == []
    (row,) = selectors.atm_windows_today(user=manager, now=local(2011, 6, 1, 20, 0))
    assert row["fault"] == fault


def test_a_fault_entered_already_resolved_leaves_the_atm_in_service(atm, manager):
    report(atm, manager, local(2011, 6, 1, 10, 0), resolved_at=local(2011, 6, 1, 10, 30), resolution="已取出")
    atm.refresh_from_db()
    assert atm.status == Terminal.Status.IN_SERVICE


def test_clearing_a_fault_records_the_repair_and_puts_the_atm_back(atm, manager):
    fault = report(atm, manager, local(2011, 6, 1, 10, 0), fault_kind="hardware", description="读卡器故障")
    clearance = services.atm_fault_clear(
        fault=fault,
        by=manager,
        resolved_at=local(2011, 6, 2, 14, 30),
        resolution="更换读卡器",
        handled_by="张伟",
        repair={"vendor": "广电运通", "parts": "读卡器", "cost": Decimal("850.00"), "downtime_hours": None},
    )
    atm.refresh_from_db()
    assert atm.status == Terminal.Status.IN_SERVICE
    repair = AtmRepair.objects.get()
    assert clearance.repair == repair and repair.downtime_hours == Decimal("28.5")  # from report to clearance
    assert (repair.vendor, repair.cost, repair.terminal) == ("广电运通", Decimal("850.00"), atm)
    assert selectors.atm_faults_open(queryset=AtmFault.objects.all()).count() == 0
    # The fault stays one line; its clearance fills its columns (the entry itself is unchanged).
    assert AtmFault.objects.count() == 1 and AtmFault.objects.get().resolved_at is None
    with pytest.raises(ValidationError):  # cleared once
        services.atm_fault_clear(
            fault=fault, by=manager, resolved_at=local(2011, 6, 2, 15), resolution="再次", handled_by="张伟"
        )


def test_the_atm_stays_faulty_while_another_fault_is_open(atm, manager):
    first = report(atm, manager, local(2011, 6, 1, 10, 0))
    report(atm, manager, local(2011, 6, 1, 11, 0), fault_kind="network", description="网络中断")
    services.atm_fault_clear(
        fault=first, by=manager, resolved_at=local(2011, 6, 1, 12), resolution="已取出", handled_by="张伟"
    )
    atm.refresh_from_db()
    assert atm.status == Terminal.Status.FAULTY


def test_a_clearance_before_the_report_is_refused(atm, manager):
    fault = report(atm, manager, local(2011, 6, 1, 10, 0))
    with pytest.raises(ValidationError) as error:
        services.atm_fault_clear(
            fault=fault, by=manager, resolved_at=local(2011, 6, 1, 9), resolution="x", handled_by="张伟"
        )
    assert "occurred_at" in error.value.message_dict and not AtmFaultClearance.objects.exists()


def test_the_fault_page_offers_clearing_and_the_list_shows_it_cleared(atm, manager, manager_client):
    fault = report(atm, manager, local(2011, 6, 1, 10, 0))
    page = manager_client.get(reverse("admin:terminals_atmfault_change", args=[fault.pk])).content.decode()
    clear_url = reverse("atm-fault-clear", args=[fault.pk])
    assert clear_url in page and "登记排除" in page
    response = manager_client.post(
        clear_url,
        {
            "resolved_at": "2011-06-01T11:40",
            "resolution": "取出吞卡，交还持卡人",
            "handled_by": "张伟",
            "repaired": "",
            "next": reverse("admin:terminals_atmfault_changelist"),
        },
    )
    assert response.status_code == 302 and AtmFaultClearance.objects.get().fault == fault
    listing = manager_client.get(reverse("admin:terminals_atmfault_changelist")).content.decode()
    assert "2011-06-01 11:40" in listing and "张伟" in listing
    # The fault's page: no 登记排除 any more, and when, how and by whom it was cleared.
    page = manager_client.get(reverse("admin:terminals_atmfault_change", args=[fault.pk])).content.decode()
    assert clear_url not in page
    assert "取出吞卡，交还持卡人" in page and "张伟" in page
    fault.refresh_from_db()
    assert fault.resolution == "" and fault.resolved_at is None  # the fault's own entry is unchanged
    month = manager_client.get(
        reverse("admin:terminals_atmfault_print"), {"month": "2011-06", "terminal": atm.pk}
    )
    assert month.status_code == 200


def test_a_fault_of_a_sibling_branch_cannot_be_cleared(tree, manager_client, staff):
    other = TerminalFactory(
        branch=tree["b"], kind="atm", merchant=None, installed_on=datetime.date(2011, 1, 1)
    )
    fault = report(other, staff, local(2011, 6, 1, 10, 0))
    assert manager_client.get(reverse("atm-fault-clear", args=[fault.pk])).status_code == 404


def test_the_union_manager_reads_today_but_may_not_clear(atm, manager, leader_client):
    fault = report(atm, manager, local(2011, 6, 1, 10, 0))
    assert leader_client.get(reverse("atm-fault-clear", args=[fault.pk])).status_code == 403


def test_today_shows_each_atm_and_what_to_act_on(atm, manager, manager_client):
    fault = report(atm, manager, local(2011, 6, 1, 10, 0))
    page = manager_client.get(reverse("today")).content.decode()
    assert f'id="atm-{atm.terminal_no}"' in page and "故障" in page
    assert reverse("atm-fault-clear", args=[fault.pk]) in page
    assert "未排除的故障" in page


@pytest.mark.parametrize(
    ("next_page", "lands_on"),
    [("/today/", "/today/"), ("https://elsewhere.example/", "/terminals/atmfault/")],
)
def test_a_fault_reported_from_today_goes_back_to_today(atm, manager_client, next_page, lands_on):
    """今日's 报告故障 comes back to 今日 once saved; a page elsewhere is never a destination."""
    page = manager_client.get(reverse("today")).content.decode()
    assert f"?terminal={atm.pk}&amp;next=/today/" in page
    response = manager_client.post(
        f"{reverse('admin:terminals_atmfault_add')}?terminal={atm.pk}&next={next_page}",
        {
            "terminal": atm.pk,
            "occurred_at_0": "2011-06-01",
            "occurred_at_1": "10:00:00",
            "fault_kind": "card_retained",
            "description": "吞卡，持卡人在场",
        },
    )
    assert response.status_code == 302 and response.url == lands_on
    assert AtmFault.objects.filter(terminal=atm).count() == 1


def test_an_atm_keeps_its_status_over_time_and_a_past_window_is_judged_by_it(atm, manager, staff):
    """Marking an ATM faulty today changes no past slot; a fault's period runs from its report to
    its clearance, and the terminal's history shows each period."""
    from terminals.models import TerminalStatusPeriod
    from terminals.services import terminal_report_faulty, terminal_restore
    from terminals.status import status_sync

    status_sync(terminal_model=Terminal, period_model=TerminalStatusPeriod, at=local(2011, 1, 1), reason="")
    june = {
        "atms": Terminal.objects.all(),
        "start": datetime.date(2011, 6, 1),
        "end": datetime.date(2011, 6, 3),
    }
    before = selectors.inspection_compliance(**june, now=local(2011, 6, 4, 0))
    assert before["missed"] == 6
    # A fault entered on 2 June at 10:00, cleared the next day at 09:00, excuses the windows between.
    with entered_at(local(2011, 6, 2, 10, 5)):
        fault = report(atm, manager, local(2011, 6, 2, 10, 0))
    with entered_at(local(2011, 6, 3, 9, 5)):
        services.atm_fault_clear(
            fault=fault, by=manager, resolved_at=local(2011, 6, 3, 9), resolution="已修复", handled_by="张伟"
        )
    after = selectors.inspection_compliance(**june, now=local(2011, 6, 4, 0))
    assert after["due"] == 3  # the windows it spans (the 2nd's morning and evening, the 3rd's morning)
    periods = list(
        TerminalStatusPeriod.objects.filter(terminal=atm).values_list(
            "status", "starts_at", "ends_at", "fault"
        )
    )
    assert periods[0][:2] == ("in_service", local(2011, 1, 1))
    faulty = [p for p in periods if p[3] == fault.pk]
    assert faulty == [("faulty", local(2011, 6, 2, 10), local(2011, 6, 3, 9), fault.pk)]
    # Reported faulty by the terminal's action today: June 2011 is as it was.
    terminal_report_faulty(terminal=atm, on=timezone.localdate(), reason="屏幕损坏", by=staff)
    assert selectors.inspection_compliance(**june, now=local(2011, 6, 4, 0)) == after
    terminal_restore(terminal=atm, on=timezone.localdate(), reason="已修复", by=staff)
    assert TerminalStatusPeriod.objects.filter(terminal=atm, ends_at__isnull=True).count() == 1
    assert TerminalStatusPeriod.objects.filter(terminal=atm).count() == 5


def test_an_extract_records_each_terminals_status_periods(staff, tree, write):
    from ebank.imports.engine import extract_import
    from terminals.models import TerminalStatusPeriod

    header = (
        "terminal_no,kind,serial_no,model,branch_code,merchant_no,location,installed_on,status,removed_on\n"
    )
    first = write(
        "t.csv",
        header + "A0000001,atm,S1,GRG,10101,,东街,2011-01-05,in_service,\n"
        "A0000002,atm,S2,GRG,10101,,西街,2011-01-05,in_service,\n",
    )
    assert extract_import(kind="terminals", path=first, by=staff, reason="首次导入").valid
    second = write(
        "t2.csv",
        header + "A0000001,atm,S1,GRG,10101,,东街,2011-01-05,faulty,\n"
        "A0000002,atm,S2,GRG,10101,,西街,2011-01-05,removed,2011-09-30\n",
    )
    assert extract_import(kind="terminals", path=second, by=staff, reason="月度更新").valid
    faulty = TerminalStatusPeriod.objects.filter(terminal__terminal_no="A0000001").order_by("starts_at")
    assert [(p.status, p.ends_at is None) for p in faulty] == [("in_service", False), ("faulty", True)]
    assert faulty[0].starts_at == local(2011, 1, 5)
    removed = TerminalStatusPeriod.objects.get(terminal__terminal_no="A0000002", status="removed")
    assert removed.starts_at == local(2011, 9, 30) and removed.ends_at is None


def test_a_status_change_dated_back_rewrites_no_past_rate(atm, manager, staff):
    """Reported faulty "from 1 June 2011" and back "on 31 December" by the terminal's actions, put
    on record today: June's windows were due then and stay missed."""
    from terminals.models import TerminalStatusPeriod
    from terminals.services import terminal_report_faulty, terminal_restore
    from terminals.status import status_sync

    status_sync(terminal_model=Terminal, period_model=TerminalStatusPeriod, at=local(2011, 1, 1), reason="")
    june = {
        "atms": Terminal.objects.all(),
        "start": datetime.date(2011, 6, 1),
        "end": datetime.date(2011, 6, 30),
    }
    before = selectors.inspection_compliance(**june, now=local(2011, 7, 1, 0))
    terminal_report_faulty(terminal=atm, on=datetime.date(2011, 6, 1), reason="补报故障", by=staff)
    terminal_restore(terminal=atm, on=datetime.date(2011, 12, 31), reason="已修复", by=staff)
    assert selectors.inspection_compliance(**june, now=local(2011, 7, 1, 0)) == before
    assert before["missed"] == 60
    # The history keeps the dates given and when they were put on record.
    faulty = TerminalStatusPeriod.objects.get(terminal=atm, status="faulty")
    assert faulty.starts_at == local(2011, 6, 1) and faulty.recorded_at > local(2026, 1, 1)
