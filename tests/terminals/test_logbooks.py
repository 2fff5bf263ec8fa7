"""The logbooks: append-only registers, corrected by amendments, voided by staff; the twice-daily
ATM inspection and what is overdue."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from ebank import pii
from ebank.registers import services as logbooks
from ebank.registers.selectors import entries_current
from infotech.models import ItMaintenance
from infotech.selectors import it_maintenance_counts
from terminals import selectors
from terminals.models import AtmFault, AtmInspection, RetainedCard
from tests.cards.factories import card_number
from tests.factories import entered_at
from tests.terminals.factories import TerminalFactory


def local(*args):
    return timezone.make_aware(datetime.datetime(*args))


@pytest.fixture
def atm(tree):
    return TerminalFactory(
        branch=tree["a1"], kind="atm", installed_on=datetime.date(2011, 1, 1), merchant=None
    )


def inspect(atm, by, when, shift, *, after=datetime.timedelta(minutes=10), **checks):
    """An inspection entered `after` its time (on time by default)."""
    with entered_at(when + after):
        return logbooks.logbook_enter(
            model=AtmInspection, by=by, terminal=atm, occurred_at=when, shift=shift, **checks
        )


def test_an_entry_records_who_when_and_its_branch(atm, manager):
    entry = inspect(atm, manager, local(2011, 6, 1, 8, 30), "morning")
    assert entry.branch == atm.branch and entry.entered_by == manager
    assert entry.entered_at == local(2011, 6, 1, 8, 40) and not entry.is_late  # the server's clock


ON_TIME = datetime.timedelta(minutes=10)
NOW = -datetime.timedelta(hours=2)  # entered now, for two hours ahead (whatever the wall clock says)


@pytest.mark.parametrize(
    "when,shift,after,checks,field",
    [
        (local(2011, 6, 1, 13, 0), "morning", ON_TIME, {}, "occurred_at"),  # outside the morning window
        (timezone.now() + datetime.timedelta(hours=2), "evening", NOW, {}, "occurred_at"),  # in the future
        (local(211, 6, 1, 8, 0), "morning", ON_TIME, {}, "occurred_at"),  # 0211 typed for 2011
        (local(2011, 6, 1, 8, 0), "morning", ON_TIME, {"no_skimmer": False}, "findings"),  # no finding
    ],
)
def test_inspection_refusals(atm, manager, when, shift, after, checks, field):
    with pytest.raises(ValidationError) as error:
        inspect(atm, manager, when, shift, after=after, **checks)
    assert field in error.value.message_dict


def test_a_branch_manager_cannot_enter_for_a_sibling_branch(tree, manager):
    other = TerminalFactory(branch=tree["b"], kind="atm", merchant=None)
    with pytest.raises(ValidationError):
        inspect(other, manager, local(2011, 6, 1, 8), "morning")


def test_a_correction_is_a_new_entry_and_the_original_stays(atm, manager, staff):
    original = logbooks.logbook_enter(
        model=AtmFault,
        by=manager,
        terminal=atm,
        occurred_at=local(2011, 6, 1, 9),
        fault_kind="cash_jam",
        description="卡钞",
    )
    corrected = logbooks.logbook_amend(
        entry=original, by=manager, reason="故障类型记错", fault_kind="card_retained"
    )
    assert AtmFault.objects.count() == 2
    assert AtmFault.objects.get(pk=original.pk).fault_kind == "cash_jam"
    assert (corrected.amends, corrected.correction_reason, corrected.description) == (
        original,
        "故障类型记错",
        "卡钞",
    )
    assert list(entries_current(queryset=AtmFault.objects.all())) == [corrected]
    with pytest.raises(ValidationError):
        logbooks.logbook_amend(entry=original, by=manager, reason="again", description="x")
    with pytest.raises(ValidationError):
        logbooks.logbook_void(entry=corrected, by=manager, reason="不需要")  # staff only
    logbooks.logbook_void(entry=corrected, by=staff, reason="重复登记")
    assert list(entries_current(queryset=AtmFault.objects.all())) == []
    assert AtmFault.objects.count() == 3


def test_a_retained_cards_number_is_kept_hashed_and_masked(atm, manager):
    number = card_number(rng=__import__("random").Random(11))
    entry = logbooks.logbook_enter(
        model=RetainedCard, by=manager, terminal=atm, occurred_at=local(2011, 6, 1, 10), card_no=number
    )
    assert entry.card_hash == pii.keyed_hash(number) and entry.card_masked == pii.card_mask(number)
    assert number not in str(RetainedCard.objects.values_list())


def test_no_route_changes_or_deletes_an_entry(atm, manager, staff, staff_client):
    entry = inspect(atm, manager, local(2011, 6, 1, 8), "morning")
    change = reverse("admin:terminals_atminspection_change", args=[entry.pk])
    assert 'name="_save"' not in staff_client.get(change).content.decode()
    assert staff_client.post(change, {"shift": "evening"}).status_code == 403
    assert (
        staff_client.post(
            reverse("admin:terminals_atminspection_delete", args=[entry.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    listing = staff_client.post(
        reverse("admin:terminals_atminspection_changelist"),
        {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
    )
    assert listing.status_code in (200, 302)
    api = APIClient()
    api.force_authenticate(staff)
    url = f"/api/v1/logbooks/atm-inspections/{entry.pk}/"
    for method in ("put", "patch", "delete"):
        assert getattr(api, method)(url, {"shift": "evening"}, format="json").status_code in (403, 405)
    entry.refresh_from_db()
    assert entry.shift == "morning" and AtmInspection.objects.count() == 1


def test_a_manager_records_morning_and_evening_on_a_phone_and_the_overdue_list_changes(
    atm, manager, manager_client
):
    today = timezone.localdate()
    form = manager_client.get(reverse("admin:terminals_atminspection_add") + f"?terminal={atm.pk}")
    page = form.content.decode()
    assert form.status_code == 200 and f'value="{atm.pk}" selected' in page and 'name="no_skimmer"' in page
    before = selectors.worklist(
        user=manager, now=timezone.make_aware(datetime.datetime.combine(today, datetime.time(23, 59, 59)))
    )
    assert {(m[0], m[2]) for m in before["missed_inspections"] if m[1] == today} == {
        (atm, "morning"),
        (atm, "evening"),
    }
    # Both inspections of yesterday, a day whose windows have closed whatever the time of the run.
    yesterday = today - datetime.timedelta(days=1)
    for shift, hour in (("morning", 8), ("evening", 20)):
        when = timezone.make_aware(datetime.datetime.combine(yesterday, datetime.time(hour)))
        response = manager_client.post(
            reverse("admin:terminals_atminspection_add"),
            {
                "terminal": atm.pk,
                "occurred_at_0": when.strftime("%Y-%m-%d"),
                "occurred_at_1": when.strftime("%H:%M:%S"),
                "shift": shift,
                **{check: "on" for check in AtmInspection.CHECKS},
            },
        )
        assert response.status_code == 302, response.content.decode()[-3000:]
    after = selectors.worklist(
        user=manager, now=timezone.make_aware(datetime.datetime.combine(yesterday, datetime.time(23, 59, 59)))
    )
    assert not [m for m in after["missed_inspections"] if m[1] == yesterday]


def test_compliance_rate_for_a_period(atm, manager):
    for day in (1, 2, 3):
        inspect(atm, manager, local(2011, 6, day, 8), "morning")
        if day != 2:
            inspect(atm, manager, local(2011, 6, day, 20), "evening")
    figures = selectors.inspection_compliance(
        atms=type(atm).objects.all(),
        start=datetime.date(2011, 6, 1),
        end=datetime.date(2011, 6, 3),
        now=local(2011, 6, 4, 0),
    )
    assert figures == {
        "due": 6,
        "on_time": 5,
        "late": 0,
        "missed": 1,
        "rate": 83.33,
        "on_site": 0,
        "on_site_share": 0.0,
    }


def test_a_backdated_inspection_is_late_and_does_not_raise_the_on_time_rate(atm, manager):
    """The loophole: a missed inspection typed in days later used to bring the rate to 100 %."""
    for day in (1, 2, 3):
        inspect(atm, manager, local(2011, 6, day, 8), "morning")
        if day != 2:
            inspect(atm, manager, local(2011, 6, day, 20), "evening")
    period = {
        "atms": type(atm).objects.all(),
        "start": datetime.date(2011, 6, 1),
        "end": datetime.date(2011, 6, 3),
    }
    before = selectors.inspection_compliance(**period, now=local(2011, 6, 6, 0))
    # On 6 June the manager types in the evening of the 2nd, as if done then.
    backdated = inspect(
        atm, manager, local(2011, 6, 2, 20), "evening", after=datetime.timedelta(days=3, hours=14)
    )
    assert backdated.is_late
    after = selectors.inspection_compliance(**period, now=local(2011, 6, 6, 0))
    assert after["rate"] == before["rate"] == 83.33
    assert (after["on_time"], after["late"], after["missed"]) == (5, 1, 0)
    # Two hours is on time, a minute more is late; a correction keeps the original's standing.
    on_time = inspect(atm, manager, local(2011, 6, 4, 8), "morning", after=datetime.timedelta(hours=2))
    late = inspect(
        atm, manager, local(2011, 6, 4, 20), "evening", after=datetime.timedelta(hours=2, minutes=1)
    )
    assert (on_time.is_late, late.is_late) == (False, True)
    with entered_at(local(2011, 6, 9, 9)):
        corrected = logbooks.logbook_amend(entry=on_time, by=manager, reason="补记问题", findings="告示脱落")
    assert not corrected.is_late
    # Moving an entry's time to another day by a correction is a late entry for that day.
    with entered_at(local(2011, 6, 9, 9)):
        moved = logbooks.logbook_amend(
            entry=corrected, by=manager, reason="日期记错", occurred_at=local(2011, 6, 1, 8, 30)
        )
    assert moved.is_late
    # Nor does moving a spare inspection forward to a day whose window was missed make it on time:
    # entered on the 6th at 21:00 for that morning, it is judged by its own time of entry.
    spare = inspect(atm, manager, local(2011, 6, 1, 9), "morning", repeat=True)
    with entered_at(local(2011, 6, 6, 21)):
        forward = logbooks.logbook_amend(
            entry=spare, by=manager, reason="日期记错", occurred_at=local(2011, 6, 6, 8)
        )
    assert forward.is_late


def test_worklist_lists_what_waits_for_action(atm, manager, staff):
    old = local(2011, 6, 1, 9)
    logbooks.logbook_enter(
        model=AtmFault,
        by=manager,
        terminal=atm,
        occurred_at=old,
        fault_kind="network",
        description="通讯中断",
    )
    number = card_number(rng=__import__("random").Random(12))
    card = logbooks.logbook_enter(
        model=RetainedCard, by=manager, terminal=atm, occurred_at=old, card_no=number
    )
    lists = selectors.worklist(user=manager)
    assert len(lists["open_faults"]) == 1 and lists["held_cards"] == [card]
    logbooks.logbook_amend(
        entry=card,
        by=manager,
        reason="持卡人凭身份证领回",
        outcome="returned",
        outcome_on=datetime.date(2011, 6, 2),
    )
    assert selectors.worklist(user=manager)["held_cards"] == []
    # Another branch's manager sees none of it.
    from tests.factories import user_with_role

    other = user_with_role("branch_manager", atm.branch.parent.parent.children.get(code="201"))
    assert selectors.worklist(user=other)["open_faults"] == []


def test_it_log_counts_by_year(tree, staff):
    for category, n in (("network_fault", 3), ("equipment_repair", 2)):
        for _ in range(n):
            logbooks.logbook_enter(
                model=ItMaintenance,
                by=staff,
                branch=tree["hq"],
                occurred_at=local(2011, 5, 1, 10),
                category=category,
                description="x",
                handled_by="王",
            )
    logbooks.logbook_enter(
        model=ItMaintenance,
        by=staff,
        branch=tree["hq"],
        occurred_at=local(2010, 12, 31, 23, 30),
        category="software_fault",
        description="x",
        handled_by="王",
    )
    assert it_maintenance_counts(year=2011) == {
        "network_fault": 3,
        "equipment_repair": 2,
        "software_fault": 0,
    }


def test_api_posts_an_entry_and_corrects_it(atm, manager, staff):
    client = APIClient()
    client.force_authenticate(manager)
    created = client.post(
        "/api/v1/logbooks/atm-faults/",
        {
            "terminal": atm.terminal_no,
            "occurred_at": "2011-06-01T09:00:00+08:00",
            "fault_kind": "cash_jam",
            "description": "卡钞",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["branch_code"] == "10101" and created.json()["entered_by"] == "mgr-101"
    entry_id = created.json()["id"]
    corrected = client.post(
        f"/api/v1/logbooks/atm-faults/{entry_id}/correct/",
        {
            "resolved_at": "2011-06-01T15:00:00+08:00",
            "resolution": "清理钞箱",
            "correction_reason": "补记处理结果",
        },
        format="json",
    )
    assert corrected.status_code == 201 and corrected.json()["amends"] == entry_id
    assert (
        client.post(
            f"/api/v1/logbooks/atm-faults/{entry_id}/void/", {"correction_reason": "x"}, format="json"
        ).status_code
        == 403
    )


def test_the_first_page_lists_what_is_overdue_for_the_branch(atm, manager, manager_client):
    logbooks.logbook_enter(
        model=AtmFault,
        by=manager,
        terminal=atm,
        occurred_at=local(2011, 6, 1, 9),
        fault_kind="network",
        description="通讯中断",
    )
    page = manager_client.get(reverse("admin:index")).content.decode()
    assert 'id="worklist"' in page and atm.terminal_no in page
    assert reverse("admin:terminals_atmfault_change", args=[AtmFault.objects.get().pk]) in page


def test_a_month_of_the_register_prints_as_an_a4_pdf_in_chinese(atm, manager, manager_client, tree):
    import io

    import pypdf

    inspect(atm, manager, local(2011, 6, 1, 8, 30), "morning")
    evening = inspect(atm, manager, local(2011, 6, 1, 20, 0), "evening")
    logbooks.logbook_amend(
        entry=evening, by=manager, reason="补记发现的问题", findings="告示脱落", notices_posted=False
    )
    inspect(atm, manager, local(2011, 7, 1, 8, 0), "morning")  # another month
    url = reverse("admin:terminals_atminspection_print")
    response = manager_client.get(url, {"month": "2011-06", "terminal": atm.pk})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    text = "".join(page.extract_text() for page in reader.pages).replace("\n", "")  # cells wrap
    assert "ATM机安全检查登记簿" in text and "2011-06" in text and "3 条" in text
    assert "补记发现的问题" in text and "签字" in text
    # Running numbers, the entry's number, and the correction pointing at the line it corrects.
    packed = text.replace(" ", "")  # a cell's text may wrap anywhere
    assert "序号登记号" in text and f"更正第2行（#{evening.pk}）：补记发现的问题" in packed
    # The inspection register is signed by who inspected and the branch head.
    assert "检查人（签字）" in text and "网点负责人（签字）" in text and "管库员" not in text
    assert "第 1 页 共 1 页" in text
    assert abs(float(reader.pages[0].mediabox.width) - 841.89) < 1  # A4 landscape for a wide register
    other = TerminalFactory(branch=tree["b"], kind="atm", merchant=None)
    assert manager_client.get(url, {"month": "2011-06", "terminal": other.pk}).status_code == 404


def test_a_campaign_shows_each_branch_which_atms_are_done(atm, manager, staff_client, tree):
    from terminals.models import InspectionCampaign

    other = TerminalFactory(
        branch=tree["b"], kind="atm", merchant=None, installed_on=datetime.date(2011, 1, 1)
    )
    campaign = InspectionCampaign.objects.create(
        name="第一次ATM全面检查",
        kind="atm",
        starts_on=datetime.date(2011, 5, 1),
        ends_on=datetime.date(2011, 5, 31),
    )
    inspect(atm, manager, local(2011, 5, 10, 9), "morning", campaign=campaign)
    rows = {row["branch"].code: row for row in selectors.campaign_progress(campaign=campaign, user=manager)}
    assert list(rows) == ["10101"] and (rows["10101"]["done"], rows["10101"]["total"]) == (1, 1)
    page = staff_client.get(
        reverse("admin:terminals_inspectioncampaign_change", args=[campaign.pk])
    ).content.decode()
    assert 'id="campaign-progress"' in page and other.terminal_no in page and "1 / 1" in page


def test_the_inspection_register_opens_with_each_branchs_rate(atm, manager, manager_client):
    page = manager_client.get(reverse("admin:terminals_atminspection_changelist")).content.decode()
    assert 'id="inspection-compliance"' in page and str(atm.branch) in page


def test_only_the_standing_entry_offers_correction_and_void_is_for_staff(
    atm, manager, manager_client, staff_client
):
    entry = inspect(atm, manager, local(2011, 6, 1, 8), "morning")
    void_url = reverse("admin:terminals_atminspection_void", args=[entry.pk])
    assert manager_client.get(void_url).status_code == 403
    staff_client.post(void_url, {"correction_reason": "重复登记"})
    void = AtmInspection.objects.get(is_void=True)
    for pk in (entry.pk, void.pk):
        page = staff_client.get(reverse("admin:terminals_atminspection_change", args=[pk])).content.decode()
        assert 'id="correct-entry"' not in page and 'id="void-entry"' not in page
    listing = staff_client.get(reverse("admin:terminals_atminspection_changelist")).content.decode()
    assert f"#{void.pk}" in listing and f"#{entry.pk}" in listing


def test_compliance_through_the_api_is_scoped(atm, manager, staff, tree):
    TerminalFactory(branch=tree["b"], kind="atm", merchant=None, installed_on=datetime.date(2011, 1, 1))
    inspect(atm, manager, local(2011, 6, 1, 8), "morning")
    client = APIClient()
    client.force_authenticate(manager)
    rows = client.get(
        "/api/v1/logbooks/atm-inspections/compliance/", {"start": "2011-06-01", "end": "2011-06-01"}
    )
    assert rows.json() == [
        {
            "branch_code": "10101",
            "due": 2,
            "on_time": 1,
            "late": 0,
            "missed": 1,
            "rate": 50.0,
            "on_site": 0,
            "on_site_share": 0.0,
        }
    ]
    client.force_authenticate(staff)
    rows = client.get(
        "/api/v1/logbooks/atm-inspections/compliance/", {"start": "2011-06-01", "end": "2011-06-01"}
    )
    assert {row["branch_code"] for row in rows.json()} == {"10101", "201"}
    assert client.get("/api/v1/logbooks/atm-inspections/compliance/", {"start": "x"}).status_code == 400


def test_the_schema_says_what_corrections_voids_and_compliance_answer(staff, client):
    client.force_login(staff)
    paths = client.get("/api/schema/", {"format": "json"}).json()["paths"]
    for action in ("correct", "void"):
        responses = paths[f"/api/v1/logbooks/atm-faults/{{id}}/{action}/"]["post"]["responses"]
        assert "201" in responses and "200" not in responses  # a new entry is created
    compliance = paths["/api/v1/logbooks/atm-inspections/compliance/"]["get"]
    body = compliance["responses"]["200"]["content"]["application/json"]["schema"]
    assert body["type"] == "array"  # one row per branch, not a page
    assert not {"page", "page_size"} & {parameter["name"] for parameter in compliance["parameters"]}


def test_the_retained_card_register_prints_the_masked_card_and_finds_a_card_by_its_last_four(
    atm, manager, manager_client
):
    import io

    import pypdf

    kept = logbooks.logbook_enter(
        model=RetainedCard,
        by=manager,
        terminal=atm,
        occurred_at=local(2011, 6, 2, 10),
        card_no="6228480402564890018",
    )
    other_number = next(n for n in iter(lambda: card_number(prefix="620018"), None) if not n.endswith("0018"))
    other = logbooks.logbook_enter(
        model=RetainedCard, by=manager, terminal=atm, occurred_at=local(2011, 6, 3, 10), card_no=other_number
    )
    assert "0018" in other.card_masked  # its masked form holds 0018, but not at the end
    response = manager_client.get(
        reverse("admin:terminals_retainedcard_print"), {"month": "2011-06", "terminal": atm.pk}
    )
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(response.content)).pages)
    assert kept.card_masked in text and "6228480402564890018" not in text
    assert "管库员甲（签字）" in text and "管库员乙（签字）" in text
    # Found by its last four digits: 0018 ends the first card only (the second has 0018 inside).
    page = manager_client.get(reverse("admin:terminals_retainedcard_changelist"), {"q": "0018"})
    shown = page.content.decode()
    assert f"/{kept.pk}/change/" in shown and f"/{other.pk}/change/" not in shown
    assert "输入卡号后四位" in shown


@pytest.mark.parametrize(
    "month, refusal",
    [("2011-13", "YYYY-MM"), ("0211-06", "2000"), ("2099-12", "尚未开始")],
)
def test_an_impossible_month_is_refused_and_the_form_offers_this_month(atm, manager_client, month, refusal):
    url = reverse("admin:terminals_atminspection_print")
    response = manager_client.get(url, {"month": month, "terminal": atm.pk}, follow=True)
    assert response["Content-Type"].startswith("text/html") and refusal in response.content.decode()
    page = manager_client.get(reverse("admin:terminals_atminspection_changelist")).content.decode()
    this_month = f"{timezone.localdate():%Y-%m}"
    assert f'name="month" value="{this_month}" max="{this_month}"' in page


def test_a_late_entry_is_marked_in_the_list_the_page_the_history_the_printout_and_the_api(
    atm, manager, manager_client
):
    """From the to-do list's missed slot: the form opens on that day and window; saved now, the
    entry is 补录 wherever it shows."""
    import io

    import pypdf

    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    add = reverse("admin:terminals_atminspection_add")
    form = manager_client.get(add, {"terminal": atm.pk, "shift": "morning", "occurred_at": f"{yesterday}"})
    html = form.content.decode()
    assert f'name="occurred_at_0" value="{yesterday:%Y/%m/%d}"' in html  # the day of the missed slot
    assert 'name="occurred_at_1" value="06:00"' in html  # the morning window opens
    response = manager_client.post(
        f"{add}?terminal={atm.pk}&shift=morning&occurred_at={yesterday}",
        {
            "terminal": atm.pk,
            "occurred_at_0": f"{yesterday}",
            "occurred_at_1": "07:30:00",
            "shift": "morning",
            **{check: "on" for check in AtmInspection.CHECKS},
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    entry = AtmInspection.objects.get(terminal=atm)
    assert entry.is_late
    listing = manager_client.get(reverse("admin:terminals_atminspection_changelist")).content.decode()
    assert '<span class="late-entry">补录</span>' in listing
    assert (
        "补录"
        in manager_client.get(
            reverse("admin:terminals_atminspection_changelist"), {"is_late__exact": 1}
        ).content.decode()
    )
    page = manager_client.get(
        reverse("admin:terminals_atminspection_change", args=[entry.pk])
    ).content.decode()
    assert "补录" in page
    history = manager_client.get(reverse("admin:terminals_atminspection_history", args=[entry.pk]))
    assert "补录：发生后" in history.content.decode()
    month = manager_client.get(
        reverse("admin:terminals_atminspection_print"), {"month": f"{yesterday:%Y-%m}", "terminal": atm.pk}
    )
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(month.content)).pages).replace(
        " ", ""
    )
    assert "补录，录入于" in text.replace("\n", "")
    api = APIClient()
    api.force_authenticate(manager)
    body = api.get(f"/api/v1/logbooks/atm-inspections/{entry.pk}/").json()
    assert body["is_late"] is True and body["entered_at"]


def test_an_event_in_the_future_is_refused(atm, manager):
    with pytest.raises(ValidationError) as error:
        inspect(
            atm,
            manager,
            timezone.now() + datetime.timedelta(minutes=30),
            "morning",
            after=-datetime.timedelta(minutes=30),  # entered now, for half an hour ahead
        )
    assert "occurred_at" in error.value.message_dict


def test_the_compliance_page_shows_on_time_late_and_missed_per_branch_month_and_atm(
    atm, manager, manager_client, tree
):
    other = TerminalFactory(
        branch=tree["b"], kind="atm", merchant=None, installed_on=datetime.date(2011, 1, 1)
    )
    for day in (1, 2, 3):
        inspect(atm, manager, local(2011, 6, day, 8), "morning")
    inspect(atm, manager, local(2011, 6, 1, 20), "evening", after=datetime.timedelta(days=2))
    with entered_at(local(2011, 7, 1, 0)):
        page = manager_client.get(reverse("atm-inspection-compliance"), {"month": "2011-06"})
    assert page.status_code == 200
    html = page.content.decode()
    # 30 days × 2 windows due; 3 on time, 1 late, 56 missed; the rate counts on-time ones only.
    total = html[html.index('id="compliance-total"') : html.index('id="compliance-branches"')]
    cells = re.findall(r'<td class="number[^"]*">([^<]*)</td>', total)
    assert cells == ["60", "3", "1", "56", "5.00%"]
    assert 'id="compliance-atms"' in html and atm.terminal_no in html
    assert other.terminal_no not in html and "北山信用社" not in html  # a sibling branch's ATM
