"""The import page as department staff use it: upload, see the check, confirm; or read the errors."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from cards.models import Card
from ebank.imports.models import ImportRun
from tests.imports.test_engine import cards_csv


@pytest.fixture
def upload(write, django_capture_on_commit_callbacks):
    """Upload a file as the given client; the check task runs (in-process) when the upload commits."""

    def post(client, text, kind="cards"):
        with open(write("cards.csv", text), "rb") as stream, django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("admin:imports_importrun_add"), {"kind": kind, "file": stream})

    return post


def test_staff_upload_check_confirm(staff_client, tree, upload, numbers, django_capture_on_commit_callbacks):
    response = upload(staff_client, cards_csv(numbers, [{}, {}, {}]))
    run = ImportRun.objects.get()
    assert response["Location"] == reverse("admin:imports_importrun_change", args=[run.pk])
    page = staff_client.get(response["Location"]).content.decode()
    assert "校验通过：所有行均有效" in page
    run.refresh_from_db()
    assert run.status == "valid" and run.created == 3
    assert re.search(r'id="count-created">3<', page)
    assert "持卡人0" in page and numbers["cards"][0] not in page  # preview, masked
    assert not Card.objects.exists()  # nothing written before confirmation
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("admin:imports_importrun_confirm", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == "done" and Card.objects.count() == 3
    assert not run.stored_file and list(Path(settings.IMPORT_DIR).iterdir()) == []
    assert Card.objects.first().history.first().history_user.username == "staff"
    progress = staff_client.get(reverse("admin:imports_importrun_progress", args=[run.pk])).json()
    assert progress["status"] == "done" and progress["finished"]


def test_invalid_file_shows_the_error_table_and_imports_nothing(staff_client, tree, upload, numbers):
    upload(staff_client, cards_csv(numbers, [{}, {"branch_code": "999"}]))
    run = ImportRun.objects.get()
    assert run.status == "invalid" and run.error_count == 1
    page = staff_client.get(reverse("admin:imports_importrun_change", args=[run.pk])).content.decode()
    assert 'id="import-errors"' in page and "branch_code" in page and "999 不存在" in page
    assert "确认导入" not in page
    assert staff_client.post(reverse("admin:imports_importrun_confirm", args=[run.pk])).status_code == 302
    assert not Card.objects.exists()


def test_only_staff_may_import(manager_client, leader_client, tree, upload, numbers):
    for client in (manager_client, leader_client):
        assert client.get(reverse("admin:imports_importrun_add")).status_code == 403
        assert upload(client, cards_csv(numbers, [{}])).status_code == 403
    assert not ImportRun.objects.exists()


def test_leader_reads_the_record_but_cannot_confirm(staff_client, leader_client, tree, upload, numbers):
    upload(staff_client, cards_csv(numbers, [{}]))
    run = ImportRun.objects.get()
    page = leader_client.get(reverse("admin:imports_importrun_change", args=[run.pk])).content.decode()
    assert "确认导入" not in page
    assert leader_client.post(reverse("admin:imports_importrun_confirm", args=[run.pk])).status_code == 403
    assert not Card.objects.exists()


def test_unconfirmed_uploads_are_deleted_after_a_day(staff_client, tree, upload, numbers):
    import datetime

    from ebank.imports.services import import_runs_discard_stale

    upload(staff_client, cards_csv(numbers, [{}]))
    run = ImportRun.objects.get()
    assert run.status == "valid" and len(list(Path(settings.IMPORT_DIR).iterdir())) == 1
    assert import_runs_discard_stale() == 0
    ImportRun.objects.filter(pk=run.pk).update(created_at=run.created_at - datetime.timedelta(days=2))
    assert import_runs_discard_stale() == 1
    run.refresh_from_db()
    assert run.status == "failed" and list(Path(settings.IMPORT_DIR).iterdir()) == []
