"""On-site check-in: staff print QR stickers, one per ATM; scanning one (logged in) opens that
ATM's inspection for the window open now, and the entry made then is 扫码 (on site); the
compliance shows the on-site share. A sibling branch's sticker, a revoked one, or a made-up one
answers 404."""

import datetime
import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from terminals import selectors
from terminals.models import AtmInspection, InspectionSticker, Terminal
from terminals.stickers import sticker_issue
from tests.terminals.factories import TerminalFactory


@pytest.fixture
def atm(tree):
    return TerminalFactory(
        branch=tree["a1"], kind="atm", merchant=None, installed_on=datetime.date(2011, 1, 1), location="东街"
    )


def _scan_path(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def test_staff_print_a_sheet_of_stickers_and_a_new_one_revokes_the_old(atm, staff, staff_client, tree):
    other = TerminalFactory(
        branch=tree["b"], kind="atm", merchant=None, installed_on=datetime.date(2011, 1, 1)
    )
    response = staff_client.post(
        reverse("admin:terminals_terminal_changelist"),
        {"action": "print_stickers", "_selected_action": [atm.pk, other.pk]},
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert f"ATM {atm.terminal_no}" in text and f"ATM {other.terminal_no}" in text and "扫码" in text
    assert InspectionSticker.objects.filter(revoked_at__isnull=True).count() == 2
    staff_client.post(
        reverse("admin:terminals_terminal_changelist"),
        {"action": "print_stickers", "_selected_action": [atm.pk]},
    )
    assert InspectionSticker.objects.filter(terminal=atm).count() == 2
    assert InspectionSticker.objects.filter(terminal=atm, revoked_at__isnull=True).count() == 1


def test_a_scan_opens_the_inspection_of_the_window_and_records_it_on_site(
    atm, manager, staff, manager_client, window_open_now
):
    secret = sticker_issue(terminal=atm, by=staff)
    scan = reverse("atm-scan", args=[atm.terminal_no, secret])
    response = manager_client.get(scan)
    assert response.status_code == 302
    assert f"terminal={atm.pk}" in response.url and "shift=" in response.url
    form = manager_client.get(response.url)
    assert "现场扫码" in form.content.decode()
    shift = re.search(r"shift=(\w+)", response.url)[1]
    from django.utils import timezone

    now = timezone.localtime()
    posted = manager_client.post(
        response.url,
        {
            "terminal": atm.pk,
            "occurred_at_0": f"{now:%Y-%m-%d}",
            "occurred_at_1": f"{now:%H:%M:%S}",
            "shift": shift,
            **{check: "on" for check in AtmInspection.CHECKS},
        },
    )
    assert posted.status_code == 302 and posted.url == reverse("today")
    entry = AtmInspection.objects.get()
    assert entry.on_site and not entry.is_late
    listing = manager_client.get(reverse("admin:terminals_atminspection_changelist")).content.decode()
    assert "扫码" in listing
    figures = selectors.inspection_compliance(
        atms=Terminal.objects.all(),
        start=now.date(),
        end=now.date(),
        now=now.replace(hour=23, minute=59, second=59),
    )
    assert figures["on_site"] == 1 and figures["on_site_share"] == 100.0
    # The scan is used once: the next entry without a scan is not on site.
    assert not manager_client.session.get("atm_scans", {}).get(str(atm.pk))


def test_a_sibling_branchs_sticker_a_revoked_one_or_a_made_up_one_answers_404(
    atm, manager, staff, manager_client, client, tree, window_open_now
):
    sibling = TerminalFactory(
        branch=tree["b"], kind="atm", merchant=None, installed_on=datetime.date(2011, 1, 1)
    )
    theirs = sticker_issue(terminal=sibling, by=staff)
    assert manager_client.get(reverse("atm-scan", args=[sibling.terminal_no, theirs])).status_code == 404
    old = sticker_issue(terminal=atm, by=staff)
    new = sticker_issue(terminal=atm, by=staff)
    assert manager_client.get(reverse("atm-scan", args=[atm.terminal_no, old])).status_code == 404
    assert (
        manager_client.get(reverse("atm-scan", args=[atm.terminal_no, "made-up-secret"])).status_code == 404
    )
    assert manager_client.get(reverse("atm-scan", args=[sibling.terminal_no, new])).status_code == 404
    assert manager_client.get(reverse("atm-scan", args=[atm.terminal_no, new])).status_code == 302
    # Not logged in: the login page first, then back to the scan.
    anonymous = client.get(reverse("atm-scan", args=[atm.terminal_no, new]))
    assert anonymous.status_code == 302 and "/login/" in anonymous.url
    assert not InspectionSticker.objects.filter(secret_hash__contains=new).exists()  # only its keyed hash


def test_a_stickers_secret_never_reaches_a_log():
    from ebank.redaction import mask_numbers

    line = 'GET /inspections/scan/QSA00002/s3cr3t-Tok_en/ HTTP/1.1" 302'
    assert mask_numbers(line) == 'GET /inspections/scan/QSA00002/********/ HTTP/1.1" 302'
