"""Cards as staff and branch managers meet them: finding one, changing its status, the API."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from cards import services
from cards.models import Card
from ebank import pii
from tests.cards.factories import CardFactory, DisbursementFactory, card_number

NUMBER = card_number(rng=__import__("random").Random(7))


@pytest.fixture
def card(tree):
    return CardFactory(branch=tree["a1"], number=NUMBER, holder_name="张三")


# --- status changes -----------------------------------------------------------------------------


def test_report_lost_then_reactivate_on_record(card, staff):
    services.card_status_change(
        card=card, status="lost", on=datetime.date(2011, 5, 2), reason="持卡人电话挂失", by=staff
    )
    card.refresh_from_db()
    assert card.status == "lost" and card.status_changed_on == datetime.date(2011, 5, 2)
    services.card_status_change(
        card=card, status="active", on=datetime.date(2011, 5, 9), reason="持卡人本人解挂", by=staff
    )
    latest = Card.objects.get(pk=card.pk).history.first()
    assert latest.history_user == staff and latest.history_change_reason == "持卡人本人解挂"


def test_closing_sets_the_closing_date_and_is_final(card, staff):
    services.card_status_change(
        card=card, status="closed", on=datetime.date(2011, 8, 1), reason="销户", by=staff
    )
    assert Card.objects.get(pk=card.pk).closed_on == datetime.date(2011, 8, 1)
    with pytest.raises(ValidationError) as error:
        services.card_status_change(
            card=card, status="active", on=datetime.date(2011, 8, 2), reason="x", by=staff
        )
    assert "status" in error.value.message_dict


@pytest.mark.parametrize(
    "on,reason,field",
    [
        (datetime.date(2011, 2, 1), "早于发卡", "on"),
        (datetime.date(2099, 1, 1), "未来", "on"),
        (datetime.date(2011, 5, 1), "  ", "reason"),
    ],
)
def test_status_change_refusals(card, staff, on, reason, field):
    with pytest.raises(ValidationError) as error:
        services.card_status_change(card=card, status="frozen", on=on, reason=reason, by=staff)
    assert field in error.value.message_dict
    assert Card.objects.get(pk=card.pk).status == "active"


# --- the admin ----------------------------------------------------------------------------------


def test_staff_find_a_card_by_its_full_number_without_it_in_any_url(staff_client, card):
    response = staff_client.post(reverse("admin:cards_card_find"), {"q": NUMBER})
    assert response["Location"] == reverse("admin:cards_card_change", args=[card.pk])
    assert NUMBER not in response["Location"]
    page = staff_client.get(response["Location"]).content.decode()
    assert pii.card_mask(NUMBER) in page and NUMBER not in page


def test_a_full_number_typed_in_the_url_is_answered_by_its_hash(staff_client, card):
    response = staff_client.get(reverse("admin:cards_card_changelist"), {"q": NUMBER})
    assert response.status_code == 302 and NUMBER not in response["Location"]


def test_find_by_last_four_digits_and_by_name(staff_client, card, tree):
    CardFactory(branch=tree["b"], holder_name="李四")
    page = staff_client.get(reverse("admin:cards_card_changelist"), {"q": NUMBER[-4:]}).content.decode()
    assert "张三" in page and "李四" not in page
    page = staff_client.get(reverse("admin:cards_card_changelist"), {"q": "李四"}).content.decode()
    assert "李四" in page and "张三" not in page


def test_branch_manager_cannot_find_a_sibling_branch_card(manager_client, tree):
    other = CardFactory(branch=tree["b"], number=card_number(rng=__import__("random").Random(9)))
    number = card_number(rng=__import__("random").Random(9))
    response = manager_client.post(reverse("admin:cards_card_find"), {"q": number})
    assert response["Location"] != reverse("admin:cards_card_change", args=[other.pk])
    page = manager_client.get(response["Location"]).content.decode()
    assert other.number_masked not in page


def test_status_action_with_date_and_reason(staff_client, card):
    url = reverse("admin:cards_card_changelist")
    form = staff_client.post(url, {"action": "change_status", "_selected_action": [card.pk]})
    assert "变更卡状态" in form.content.decode()
    staff_client.post(
        url,
        {
            "action": "change_status",
            "_selected_action": [card.pk],
            "apply": "1",
            "status": "frozen",
            "on": "2011-06-01",
            "reason": "司法冻结",
        },
    )
    card.refresh_from_db()
    assert card.status == "frozen" and card.history.first().history_change_reason == "司法冻结"


def test_managers_and_leaders_have_no_status_action(manager_client, leader_client, card):
    for client in (manager_client, leader_client):
        client.post(
            reverse("admin:cards_card_changelist"),
            {
                "action": "change_status",
                "_selected_action": [card.pk],
                "apply": "1",
                "status": "frozen",
                "on": "2011-06-01",
                "reason": "x",
            },
        )
    assert Card.objects.get(pk=card.pk).status == "active"


def test_a_branch_managers_export_holds_only_their_branches(manager_client, tree):
    CardFactory(branch=tree["a1"], holder_name="东街的卡")
    CardFactory(branch=tree["b"], holder_name="北山的卡")
    body = _export(manager_client)
    assert "东街的卡" in body and "北山的卡" not in body


def _export(client):
    fields = ["number_masked", "holder_name", "holder_id_masked", "branch_code", "issued_on"]
    response = client.post(
        reverse("admin:cards_card_export"),
        {
            "format": "0",
            "resource": "0",
            **{f"cardexport_{name}": "on" for name in fields},
        },
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    # Excel reads the Chinese of a downloaded CSV as UTF-8 only with the byte order mark.
    assert response.content.startswith(b"\xef\xbb\xbf")
    return response.content.decode("utf-8-sig")


FORMULAS = ['=HYPERLINK("http://x","点此")', "+1+1", "-1+1", "@SUM(1)", "\t=1", "\r=1"]


def _export_as(client, title, fields=("number_masked", "holder_name", "branch_code")):
    from django.contrib import admin

    formats = [f().get_title() for f in admin.site._registry[Card].get_export_formats()]
    response = client.post(
        reverse("admin:cards_card_export"),
        {"format": str(formats.index(title)), "resource": "0", **{f"cardexport_{f}": "on" for f in fields}},
    )
    assert response.status_code == 200
    return response.content


def test_staff_export_masks_numbers_and_escapes_formulas(staff_client, tree):
    CardFactory(branch=tree["a"], holder_name='=HYPERLINK("http://x")', number=NUMBER)
    body = _export(staff_client)
    assert pii.card_mask(NUMBER) in body and NUMBER not in body
    assert """'=HYPERLINK(""http://x"")""" in body and ",=HYPERLINK" not in body


@pytest.mark.parametrize("title", ["csv", "tsv"])
def test_text_exports_neutralise_every_formula_and_keep_the_text(staff_client, tree, title):
    import csv
    import io

    for name in FORMULAS:
        CardFactory(branch=tree["a"], holder_name=name)
    body = _export_as(staff_client, title).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body), delimiter="\t" if title == "tsv" else ","))
    names = {row[1] for row in rows[1:]}
    assert names == {f"'{name}" for name in FORMULAS}  # each kept whole, behind a '


def test_xlsx_export_carries_no_formula_from_user_data(staff_client, tree):
    import io

    import openpyxl

    for name in FORMULAS:
        CardFactory(branch=tree["a"], holder_name=name)
    sheet = openpyxl.load_workbook(io.BytesIO(_export_as(staff_client, "xlsx"))).active
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    assert {cell.value for cell in cells} >= {f"'{name}" for name in FORMULAS}
    assert all(cell.data_type != "f" for cell in cells)  # none of it a formula


def test_numbers_are_not_taken_for_formulas(tree):
    from ebank.exports import escape_formula

    assert [escape_formula(v) for v in ("-50.00", "+3", "-7", 5, None)] == ["-50.00", "+3", "-7", 5, None]
    assert escape_formula("-5+cmd|' /C calc'!A0") == "'-5+cmd|' /C calc'!A0"


# --- the API ------------------------------------------------------------------------------------


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_api_lists_masked_cards_filtered_by_branch_and_date(staff, card, tree):
    CardFactory(branch=tree["b"], issued_on=datetime.date(2010, 6, 1))
    rows = _api(staff).get("/api/v1/cards/", {"branch": "101"}).json()["results"]
    assert [row["number_masked"] for row in rows] == [pii.card_mask(NUMBER)]
    assert rows[0]["branch_code"] == "10101" and "number_hash" not in rows[0]
    rows = _api(staff).get("/api/v1/cards/", {"issued_on_after": "2011-01-01"}).json()["results"]
    assert len(rows) == 1


def test_api_status_change_by_staff_only(staff, manager, leader, card):
    body = {"status": "lost", "on": "2011-05-02", "reason": "电话挂失"}
    for user in (manager, leader):
        assert _api(user).patch(f"/api/v1/cards/{card.pk}/", body, format="json").status_code == 403
    response = _api(staff).patch(f"/api/v1/cards/{card.pk}/", body, format="json")
    assert response.status_code == 200 and response.json()["status"] == "lost"
    body = {"status": "frozen", "on": "2011-01-01", "reason": "早于发卡日期"}
    response = _api(staff).patch(f"/api/v1/cards/{card.pk}/", body, format="json")
    assert response.status_code == 400 and "on" in response.json()["errors"]


def test_api_disbursement_created_by_staff_for_a_branch(staff, tree):
    body = {
        "program": "pension",
        "paid_on": "2011-06-30",
        "branch_code": "201",
        "households": 1200,
        "amount": "66000.50",
    }
    response = _api(staff).post("/api/v1/disbursements/", body, format="json")
    assert response.status_code == 201 and response.json()["branch_code"] == "201"


def test_api_manager_reads_only_their_disbursements(manager, tree):
    DisbursementFactory(branch=tree["a1"])
    DisbursementFactory(branch=tree["b"])
    rows = _api(manager).get("/api/v1/disbursements/").json()["results"]
    assert [row["branch_code"] for row in rows] == ["10101"]


def test_the_card_list_carries_the_post_search_and_the_export_button(staff_client, card):
    page = staff_client.get(reverse("admin:cards_card_changelist")).content.decode()
    assert f'id="sensitive-search" method="post" action="{reverse("admin:cards_card_find")}"' in page
    assert reverse("admin:cards_card_export") in page


def test_a_card_page_is_read_only_even_for_staff(staff_client, card):
    page = staff_client.get(reverse("admin:cards_card_change", args=[card.pk])).content.decode()
    assert 'name="_save"' not in page and pii.card_mask(NUMBER) in page
    assert staff_client.post(reverse("admin:cards_card_change", args=[card.pk]), {}).status_code == 403


def test_status_action_form_offers_today_in_a_date_picker(staff_client, card):
    from django.utils import timezone

    page = staff_client.post(
        reverse("admin:cards_card_changelist"), {"action": "change_status", "_selected_action": [card.pk]}
    ).content.decode()
    assert f'type="date" name="on" value="{timezone.localdate():%Y-%m-%d}"' in page


@pytest.mark.parametrize(
    "field,value,message",
    [("amount", 66000.5, '"1234.50"'), ("households", "1200", ""), ("branch_code", 201, "")],
)
def test_a_disbursement_value_of_the_wrong_json_type_is_refused(staff, tree, field, value, message):
    body = {"program": "pension", "paid_on": "2011-06-30", "branch_code": "201", "households": 1200}
    body |= {"amount": "66000.50", field: value}
    response = _api(staff).post("/api/v1/disbursements/", body, format="json")
    assert response.status_code == 400 and list(response.json()["errors"]) == [field]
    assert message in response.json()["errors"][field][0]
