"""On site, on a phone: a branch manager scans the ATM's QR sticker, records the inspection of
the window open now with a photo from the camera, and finds it marked 扫码 with its photo."""

import datetime
import io
import re

import pytest
from django.urls import reverse
from PIL import Image
from playwright.sync_api import expect

from ebank.registers.models import Photo
from terminals.models import AtmInspection
from terminals.stickers import sticker_issue
from tests.browser.test_logbook_on_a_phone import PHONE, assert_fits_the_phone
from tests.terminals.factories import TerminalFactory


@pytest.fixture
def atm(tree):
    return TerminalFactory(
        branch=tree["a1"], kind="atm", merchant=None, installed_on=datetime.date(2011, 1, 1), location="东街"
    )


def _camera_jpeg() -> bytes:
    image = Image.new("RGB", (1280, 960), (40, 90, 160))
    for x in range(0, 1280, 64):
        image.paste((230, 200, 40), (x, 0, x + 8, 960))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=88)
    return buffer.getvalue()


def test_a_manager_scans_the_sticker_and_records_the_inspection_with_a_photo(
    new_page, log_in, screenshot, window_open_now, manager, staff, atm
):
    scan = reverse("atm-scan", args=[atm.terminal_no, sticker_issue(terminal=atm, by=staff)])
    page = new_page(**PHONE)
    log_in(page, "mgr-101")
    page.goto(scan)  # what the phone's camera opens
    expect(page.locator("h1")).to_have_text("新增ATM机安全检查")
    expect(page.locator(".messagelist")).to_contain_text("现场扫码")
    expect(page.get_by_label("机具")).to_have_value(str(atm.pk))
    page.locator("#id_photos").set_input_files(
        files=[{"name": "IMG_20261201.jpg", "mimeType": "image/jpeg", "buffer": _camera_jpeg()}]
    )
    assert_fits_the_phone(page)
    screenshot(page, "scanned-form")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page).to_have_url(re.compile(r"/today/$"))
    card = page.locator(f"#atm-{atm.terminal_no}")
    expect(card.locator(".window.state-done")).to_have_count(1)
    screenshot(page, "today")
    entry = AtmInspection.objects.get(terminal=atm)
    assert entry.on_site and entry.entered_by == manager
    photo = Photo.objects.get()
    assert photo.object_id == entry.pk

    # The register marks it 扫码; its page shows the photo, which opens.
    page.goto(reverse("admin:terminals_atminspection_changelist"))
    expect(page.locator("#result_list tbody tr").first).to_contain_text("扫码")
    page.goto(reverse("admin:terminals_atminspection_change", args=[entry.pk]))
    thumbnail = page.locator("a.entry-photo img")
    expect(thumbnail).to_have_count(1)
    thumbnail.scroll_into_view_if_needed()  # a lazy image loads when it comes into view
    assert thumbnail.evaluate("img => img.decode().then(() => img.naturalWidth)") > 0
    assert_fits_the_phone(page)
    screenshot(page, "entry-with-photo")
