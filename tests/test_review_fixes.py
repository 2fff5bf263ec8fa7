"""Defects a code review found, each now a test: tokens, ticket assignment, error reports from a
GET, crashed checks, midnight Excel dates, long numbers typed as numbers, double confirmation,
negative amounts through the API, another branch's card id in a filter."""

import datetime
from pathlib import Path
from unittest import mock

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from cards.models import CardBalance
from ebank.imports import services as import_services
from ebank.imports.engine import extract_import
from ebank.imports.models import ImportRun
from netbanking import services as nb_services
from tests.cards.factories import CardBalanceFactory, CardFactory, card_number
from tests.factories import user_with_role
from tests.netbanking.factories import CustomerFactory


def test_staff_see_tokens_masked_cannot_issue_them_and_never_see_a_superusers(
    staff_client, manager, django_user_model
):
    from ebank.org.services import api_token_issue

    token, key = api_token_issue(user=manager, with_second_factor=False)
    root = django_user_model.objects.create_superuser("root", password="x" * 12)
    root_token, root_key = api_token_issue(user=root, with_second_factor=False)
    page = staff_client.get(reverse("admin:org_apitoken_changelist")).content.decode()
    assert f"{key[:8]}…" in page and key not in page
    assert root_key[:8] not in page
    assert staff_client.get(reverse("admin:org_apitoken_add")).status_code == 403


def test_api_refuses_to_give_a_ticket_to_someone_who_cannot_see_it(tree, manager, staff):
    """…and answers a branch manager alike whether the name is a sibling's manager, nobody, or a
    member of the department's staff: the endpoint tells nothing of who the staff are."""
    user_with_role("branch_manager", tree["b"], username="mgr-201")
    client = APIClient()
    client.force_authenticate(manager)
    ticket = client.post(
        "/api/v1/tickets/", {"kind": "fault", "subject": "x", "description": "x"}, format="json"
    ).json()
    for name in ("mgr-201", "nobody", "staff"):
        response = client.post(
            f"/api/v1/tickets/{ticket['id']}/assign/", {"assigned_to": name}, format="json"
        )
        assert response.status_code == 400
        assert response.json()["errors"]["assigned_to"] == [
            "工单只能交给电子银行部工作人员或该机构的网点主管。"
        ]


def test_a_ticket_names_only_a_customer_of_its_branch(tree, manager):
    from django.core.exceptions import ValidationError

    customer = CustomerFactory(branch=tree["a"])
    with pytest.raises(ValidationError):
        nb_services.ticket_open(
            kind="fault", branch=tree["a1"], customer=customer, subject="x", description="x", by=manager
        )


def test_an_error_page_masks_a_number_that_came_in_the_url(staff, settings):
    settings.DEBUG = True
    number = card_number(rng=__import__("random").Random(3))
    client = Client(raise_request_exception=False)
    client.force_login(staff)
    with mock.patch("cards.admin.pii.keyed_hash", side_effect=RuntimeError("forced")):
        response = client.get(reverse("admin:cards_card_changelist"), {"q": number})
    assert response.status_code == 500
    assert number not in response.content.decode() and number[:6] in response.content.decode()


def test_a_crashed_check_deletes_the_upload_and_says_so(
    staff_client, tree, write, tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_DIR = str(tmp_path / "uploads")
    with mock.patch("ebank.imports.services.extract_import", side_effect=RuntimeError("disk")):
        with open(write("d.csv", "program\n"), "rb") as stream, pytest.raises(RuntimeError):
            with django_capture_on_commit_callbacks(execute=True):
                staff_client.post(
                    reverse("admin:imports_importrun_add"), {"kind": "disbursements", "file": stream}
                )
    run = ImportRun.objects.get()
    assert run.status == "failed" and list(Path(settings.IMPORT_DIR).iterdir()) == []


def test_runs_that_never_finished_are_swept(tree, staff, tmp_path, settings):
    settings.IMPORT_DIR = str(tmp_path)
    (tmp_path / "lost.csv").write_text("x")
    run = ImportRun.objects.create(
        kind="cards",
        file_name="c.csv",
        sha256="0" * 64,
        size=1,
        source="admin",
        stored_file="lost.csv",
        status="queued",
    )
    ImportRun.objects.filter(pk=run.pk).update(created_at=run.created_at - datetime.timedelta(days=2))
    assert import_services.import_runs_discard_stale() == 1
    assert not (tmp_path / "lost.csv").exists()


def test_excel_dates_and_midnight_date_times_import(tree, tmp_path):
    from tests.netbanking.factories import CustomerFactory as Customers

    Customers(branch=tree["a"], customer_no="P001", signed_on=datetime.date(2011, 3, 1))
    book = openpyxl.Workbook()
    book.active.append(["reference", "customer_no", "txn_at", "channel", "amount"])
    book.active.append(["R1", "P001", datetime.datetime(2011, 6, 1, 0, 0, 0), "intra", 100])
    book.save(tmp_path / "t.xlsx")
    assert extract_import(kind="netbank_transfers", path=tmp_path / "t.xlsx").created == 1
    book = openpyxl.Workbook()
    book.active.append(["program", "paid_on", "branch_code", "households", "amount"])
    book.active.append(["pension", datetime.datetime(2011, 6, 30), "101", 5, 10])
    book.save(tmp_path / "d.xlsx")
    assert extract_import(kind="disbursements", path=tmp_path / "d.xlsx").created == 1


def test_a_card_number_typed_as_a_number_in_excel_is_refused(tree, tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["card_no", "as_of", "balance"])
    book.active.append([6228480402564890, "2011-12-31", 5])
    book.save(tmp_path / "b.xlsx")
    outcome = extract_import(kind="card_balances", path=tmp_path / "b.xlsx")
    assert outcome.errors[0][:2] == (1, "card_no") and "设置为文本" in outcome.errors[0][2]


def test_a_count_too_big_for_the_database_is_a_row_error(tree, write):
    outcome = extract_import(
        kind="disbursements",
        path=write(
            "d.csv",
            "program,paid_on,branch_code,households,amount\npension,2011-06-30,101,99999999999999,1\n",
        ),
    )
    assert [(row, column) for row, column, _ in outcome.errors] == [(1, "households")]


def test_confirming_twice_imports_once(
    staff_client, tree, write, tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_DIR = str(tmp_path / "uploads")
    with (
        open(
            write("d.csv", "program,paid_on,branch_code,households,amount\npension,2011-06-30,101,1,1\n"),
            "rb",
        ) as stream,
        django_capture_on_commit_callbacks(execute=True),
    ):
        staff_client.post(reverse("admin:imports_importrun_add"), {"kind": "disbursements", "file": stream})
    run = ImportRun.objects.get()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        staff_client.post(reverse("admin:imports_importrun_confirm", args=[run.pk]))
        staff_client.post(reverse("admin:imports_importrun_confirm", args=[run.pk]))
    assert len(callbacks) == 1


def test_a_negative_disbursement_through_the_api_is_a_400(staff, tree):
    client = APIClient()
    client.force_authenticate(staff)
    response = client.post(
        "/api/v1/disbursements/",
        {
            "program": "pension",
            "paid_on": "2011-06-30",
            "branch_code": "101",
            "households": 1,
            "amount": "-5",
        },
        format="json",
    )
    assert response.status_code == 400 and "amount" in response.json()["errors"]


def test_another_branchs_card_id_in_a_filter_looks_like_a_missing_one(manager, tree):
    theirs = CardBalanceFactory(card=CardFactory(branch=tree["b"]))
    client = APIClient()
    client.force_authenticate(manager)
    other = client.get("/api/v1/card-balances/", {"card": theirs.card_id})
    missing = client.get("/api/v1/card-balances/", {"card": 999999})
    assert other.status_code == missing.status_code == 400
    assert CardBalance.objects.count() == 1
