"""A sentinel card number and ID number pushed through every route that takes one — the command,
the admin's import page, the admin's search, the API, a forced server error — never appear in
clear in the database, the logs, the responses or the upload folder."""

import logging
from pathlib import Path
from unittest import mock

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from cards.models import Card
from ebank.imports.models import ImportRun as ImportRunModel
from tests.imports.test_engine import CARDS_HEADER

SENTINEL_CARD = "6212345678901234569"  # Luhn-valid
SENTINEL_ID = "11010519491231002X"
BAD_SENTINEL_CARD = "6212345678901234566"  # fails Luhn: goes into an error message, masked


def _database_text() -> str:
    chunks = []
    for model in apps.get_models():
        for row in model._default_manager.values_list():
            chunks.append(repr(row))
    for session in Session.objects.all():
        chunks.append(repr(session.get_decoded()))
    return "\n".join(chunks)


@pytest.fixture
def sentinel_files(tmp_path):
    good = tmp_path / "cards.csv"
    good.write_text(f"{CARDS_HEADER}\n{SENTINEL_CARD},哨兵,{SENTINEL_ID},101,2011-03-01,active,,0,\n")
    bad = tmp_path / "bad.csv"
    bad.write_text(f"{CARDS_HEADER}\n{BAD_SENTINEL_CARD},哨兵,{SENTINEL_ID},101,2011-03-01,active,,0,\n")
    return good, bad


@pytest.mark.django_db
def test_sentinel_numbers_never_appear_in_clear(
    tree, staff, sentinel_files, caplog, capsys, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.IMPORT_DIR = str(tmp_path / "uploads")
    caplog.set_level(logging.DEBUG)
    good, bad = sentinel_files
    seen = []

    # The command line, a bad file then a good one.
    with pytest.raises(SystemExit):
        call_command("import_extract", "cards", str(bad))
    call_command("import_extract", "cards", str(good))
    card = Card.objects.get()

    # The admin's import page (upload, check, confirm) and its pages.
    client = Client()
    client.force_login(staff)
    for path in (good, bad):
        with open(path, "rb") as stream, django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("admin:imports_importrun_add"), {"kind": "cards", "file": stream})
        seen.append(client.get(response["Location"]).content)
        run_id = int(response["Location"].rstrip("/").split("/")[-2])
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("admin:imports_importrun_confirm", args=[run_id]))
        seen.append(client.get(response["Location"]).content)

    # The admin's search, by POST and (without JavaScript) by URL, and the card's pages.
    response = client.post(reverse("admin:cards_card_find"), {"q": SENTINEL_CARD})
    seen.append(response["Location"].encode())
    seen.append(client.get(response["Location"]).content)
    response = client.get(reverse("admin:cards_card_changelist"), {"q": SENTINEL_ID})
    seen.append(response["Location"].encode())
    seen.append(client.get(reverse("admin:cards_card_history", args=[card.pk])).content)
    seen.append(client.get(reverse("admin:cards_card_changelist")).content)

    # The API.
    api = APIClient()
    api.force_authenticate(staff)
    seen.append(api.get("/api/v1/cards/").content)
    seen.append(api.get(f"/api/v1/cards/{card.pk}/").content)

    # A forced server error while a number is in the request, with and without DEBUG.
    for debug in (False, True):
        settings.DEBUG = debug
        erring = Client(raise_request_exception=False)
        erring.force_login(staff)
        with mock.patch("cards.admin.pii.keyed_hash", side_effect=RuntimeError("forced")):
            response = erring.post(reverse("admin:cards_card_find"), {"q": SENTINEL_CARD})
        assert response.status_code == 500
        seen.append(response.content)

    everything = "\n".join(
        [
            _database_text(),
            caplog.text,
            "".join(capsys.readouterr()),
            *(content.decode("utf-8", "replace") for content in seen),
        ]
    )
    assert list(Path(settings.IMPORT_DIR).glob("*")) == []  # uploads are deleted when their run ends
    assert "哨兵" in everything and "621234*********4569" in everything  # the test saw the data
    for clear in (SENTINEL_CARD, SENTINEL_ID, BAD_SENTINEL_CARD, SENTINEL_ID.lower()):
        assert clear not in everything


@pytest.mark.django_db
def test_a_retained_cards_number_entered_in_the_admin_or_the_api_is_never_kept_in_clear(
    tree, manager, caplog, settings
):
    """The ATM retained-card register takes the card number in full, from a branch manager's form
    or a phone app; a number that fails its check is refused without being echoed."""
    from terminals.models import RetainedCard
    from tests.terminals.factories import TerminalFactory

    caplog.set_level(logging.DEBUG)
    atm = TerminalFactory(branch=tree["a"], kind="atm")
    seen = []
    client = Client()
    client.force_login(manager)
    form = {"terminal": atm.pk, "occurred_at_0": "2011-06-01", "occurred_at_1": "10:00:00", "outcome": "held"}
    for number in (BAD_SENTINEL_CARD, SENTINEL_CARD):
        response = client.post(reverse("admin:terminals_retainedcard_add"), {**form, "card_no": number})
        seen.append(response.content)
        if number == BAD_SENTINEL_CARD:  # the form comes back with the reason, the box empty
            assert response.status_code == 200 and "卡号无效" in response.content.decode()
    assert RetainedCard.objects.count() == 1
    seen.append(client.get(reverse("admin:terminals_retainedcard_changelist")).content)

    api = APIClient()
    api.force_authenticate(manager)
    body = {"terminal": atm.terminal_no, "occurred_at": "2011-06-02T10:00:00+08:00", "outcome": "held"}
    for number in (BAD_SENTINEL_CARD, SENTINEL_CARD):
        response = api.post("/api/v1/logbooks/retained-cards/", {**body, "card_no": number}, format="json")
        seen.append(response.content)
    assert RetainedCard.objects.count() == 2
    seen.append(api.get("/api/v1/logbooks/retained-cards/").content)

    everything = "\n".join([_database_text(), caplog.text, *(c.decode("utf-8", "replace") for c in seen)])
    assert everything.count("621234*********4569") >= 2  # the test saw the entries
    for clear in (SENTINEL_CARD, BAD_SENTINEL_CARD):
        assert clear not in everything


@pytest.mark.django_db
def test_a_number_in_a_column_that_is_not_sensitive_is_masked_in_previews_and_errors(
    tree, staff, caplog, capsys, tmp_path, settings, django_capture_on_commit_callbacks
):
    """A card number typed where no card number belongs (a holder's name, a customer number) is
    echoed by the preview and by the reference error: masked there too, stored nowhere in clear."""
    settings.IMPORT_DIR = str(tmp_path / "uploads")
    caplog.set_level(logging.DEBUG)
    cards = tmp_path / "cards.csv"
    cards.write_text(
        f"{CARDS_HEADER}\n{SENTINEL_CARD},{SENTINEL_ID},{SENTINEL_ID},101,2011-03-01,active,,0,\n"
    )
    transfers = tmp_path / "transfers.csv"
    transfers.write_text(
        "reference,customer_no,txn_at,channel,amount\n"
        f"R1,{SENTINEL_CARD},2011-06-01 10:00:00,intra,100.00\n"
        f"{SENTINEL_ID},C1,2011-06-01 10:00:00,intra,100.00\n"
    )
    client = Client()
    client.force_login(staff)
    seen = []
    for kind, path in (("cards", cards), ("netbank_transfers", transfers)):
        with open(path, "rb") as stream, django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("admin:imports_importrun_add"), {"kind": kind, "file": stream})
        seen.append(client.get(response["Location"]).content)
        try:
            call_command("import_extract", kind, str(path), "--dry-run")
        except SystemExit:
            assert kind == "netbank_transfers"  # refused: customer unknown, reference too long
    errors = [error for run in ImportRunModel.objects.all() for error in run.errors]
    assert any("621234*********4569" in reason for _row, _column, reason in errors)  # the error, masked
    everything = "\n".join(
        [_database_text(), caplog.text, "".join(capsys.readouterr()), *(c.decode() for c in seen)]
    )
    assert "110105********002X" in everything  # the preview showed the holder's "name", masked
    for clear in (SENTINEL_CARD, SENTINEL_ID):
        assert clear not in everything


@pytest.mark.django_db
def test_numbers_typed_into_free_text_are_masked_on_entry_with_a_warning(tree, manager, staff, caplog):
    """Remarks of a register, a ticket's description and resolution, a spot check's findings: a
    card or ID number typed there is kept masked, and the person who typed it is told."""
    from terminals.models import AtmFault
    from tests.terminals.factories import TerminalFactory

    caplog.set_level(logging.DEBUG)
    atm = TerminalFactory(branch=tree["a"], kind="atm", merchant=None)
    text = f"客户卡号{SENTINEL_CARD}被吞，身份证{SENTINEL_ID}；序列号 1234567890123456"
    client = Client()
    client.force_login(manager)
    response = client.post(
        reverse("admin:terminals_atmfault_add"),
        {
            "terminal": atm.pk,
            "occurred_at_0": "2011-06-01",
            "occurred_at_1": "10:00:00",
            "fault_kind": "hardware",
            "description": text,
        },
        follow=True,
    )
    page = response.content.decode()
    assert "“详细情况”中填写的卡号或身份证号已屏蔽" in page
    fault = AtmFault.objects.get()
    assert (
        fault.description
        == "客户卡号621234*********4569被吞，身份证110105********002X；序列号 1234567890123456"
    )

    api = APIClient()
    api.force_authenticate(manager)
    ticket = api.post(
        "/api/v1/tickets/", {"kind": "fault", "subject": "网银无法登录", "description": text}, format="json"
    )
    assert ticket.status_code == 201
    api.force_authenticate(staff)
    closed = api.post(f"/api/v1/tickets/{ticket.json()['id']}/close/", {"resolution": text}, format="json")
    assert closed.status_code == 200 and "621234*********4569" in closed.json()["resolution"]

    everything = "\n".join([_database_text(), caplog.text, page])
    for clear in (SENTINEL_CARD, SENTINEL_ID):
        assert clear not in everything


def test_a_number_hidden_in_a_photos_metadata_is_kept_nowhere(tree, manager, caplog):
    """A photo of a retained card whose EXIF carries the card and ID numbers (a phone's note): the
    stored picture, its thumbnail, the database, the logs and the responses hold neither."""
    import io as _io

    from django.core.files.storage import storages
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from ebank.registers.models import Photo
    from tests.terminals.factories import TerminalFactory

    caplog.set_level(logging.DEBUG)
    exif = Image.Exif()
    exif[0x010E] = f"卡号 {SENTINEL_CARD} 身份证 {SENTINEL_ID}"
    exif[0x9286] = SENTINEL_CARD
    buffer = _io.BytesIO()
    Image.new("RGB", (800, 600), (120, 30, 30)).save(buffer, "JPEG", exif=exif)
    atm = TerminalFactory(branch=tree["a"], kind="atm")
    client = Client()
    client.force_login(manager)
    form = {"terminal": atm.pk, "occurred_at_0": "2011-06-01", "occurred_at_1": "10:00:00", "outcome": "held"}
    photo = SimpleUploadedFile(f"{SENTINEL_CARD}.jpg", buffer.getvalue(), content_type="image/jpeg")
    response = client.post(
        reverse("admin:terminals_retainedcard_add"), {**form, "card_no": SENTINEL_CARD, "photos": [photo]}
    )
    assert response.status_code == 302
    kept = Photo.objects.get()
    stored = storages["photos"]
    files = stored.open(kept.image.name).read() + stored.open(kept.thumbnail.name).read()
    page = client.get(reverse("admin:terminals_retainedcard_change", args=[kept.object_id])).content
    everything = "\n".join([_database_text(), caplog.text, page.decode()])
    for clear in (SENTINEL_CARD, SENTINEL_ID):
        assert clear.encode() not in files
        assert clear not in everything
