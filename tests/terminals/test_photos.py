"""Photos as evidence of a register entry: taken on the phone, checked as an image, re-encoded
(nothing of the upload is kept but its pixels, its SHA-256 and its capture time), served only to
who may read the entry. A refused photo saves nothing — neither the photo nor the entry."""

import datetime
import hashlib
import io
import os

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from ebank.registers import services as logbooks
from ebank.registers.models import Photo
from terminals.models import AtmFault, AtmInspection
from tests.factories import entered_at
from tests.terminals.factories import TerminalFactory

CARD = "6228480402564890018"


def local(*args):
    return timezone.make_aware(datetime.datetime(*args))


def jpeg(size=(1600, 1200), taken="2011:06:01 08:31:05", note=CARD, color=(30, 120, 60)) -> bytes:
    """A camera's JPEG: its capture time in EXIF, and a card number hidden in its metadata."""
    image = Image.new("RGB", size, color)
    exif = Image.Exif()
    exif[0x010E] = note  # ImageDescription
    exif[0x0132] = taken  # DateTime
    exif.get_ifd(0x8769)[0x9003] = taken  # DateTimeOriginal
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, quality=90)
    return buffer.getvalue()


def upload(name, data, content_type="image/jpeg"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def atm(tree):
    return TerminalFactory(
        branch=tree["a1"], kind="atm", merchant=None, installed_on=datetime.date(2011, 1, 1)
    )


def _inspection_form(atm, **files):
    now = timezone.localtime()
    return {
        "terminal": atm.pk,
        "occurred_at_0": f"{now:%Y-%m-%d}",
        "occurred_at_1": f"{now:%H:%M:%S}",
        "shift": "morning" if now.hour < 12 else "evening",
        **{check: "on" for check in AtmInspection.CHECKS},
        **files,
    }


@pytest.fixture
def whole_day(settings):
    settings.ATM_INSPECTION_WINDOWS = {"morning": "00:00-11:59:59", "evening": "12:00-23:59:59"}


def test_a_photo_is_kept_re_encoded_with_its_hash_and_capture_time(atm, manager, manager_client, whole_day):
    original = jpeg()
    response = manager_client.post(
        reverse("admin:terminals_atminspection_add"),
        _inspection_form(
            atm, photos=[upload("IMG_0001.jpg", original), upload("IMG_0002.jpg", jpeg(color=(1, 2, 3)))]
        ),
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    entry = AtmInspection.objects.get()
    photos = list(logbooks.photos_of(entry))
    assert len(photos) == 2
    photo = photos[0]
    assert photo.sha256 == hashlib.sha256(original).hexdigest()
    assert photo.taken_at == local(2011, 6, 1, 8, 31, 5)
    stored = photo.image.open("rb").read()
    assert CARD.encode() not in stored  # nothing of the upload's metadata survives
    with Image.open(io.BytesIO(stored)) as kept:
        assert kept.format == "JPEG" and max(kept.size) <= 2048 and not kept.getexif()
    with Image.open(photo.thumbnail.open("rb")) as thumb:
        assert max(thumb.size) <= 320
    # The entry's page shows the thumbnails, each through the scoped view.
    page = manager_client.get(
        reverse("admin:terminals_atminspection_change", args=[entry.pk])
    ).content.decode()
    assert reverse("register-photo-thumbnail", args=[photo.pk]) in page
    served = manager_client.get(reverse("register-photo", args=[photo.pk]))
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert b"".join(served.streaming_content) == stored


@pytest.mark.parametrize(
    ("name", "make", "why"),
    [
        (
            "drawing.svg",
            lambda: b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "不是照片",
        ),
        ("bomb.png", lambda: _bomb(), "百万像素"),
        ("broken.jpg", lambda: jpeg()[:400], "不是照片"),
        ("page.pdf", lambda: b"%PDF-1.4\n1 0 obj<<>>endobj\n", "不是照片"),
    ],
)
def test_what_is_not_a_photo_is_refused_and_nothing_is_saved(atm, manager_client, whole_day, name, make, why):
    response = manager_client.post(
        reverse("admin:terminals_atminspection_add"), _inspection_form(atm, photos=[upload(name, make())])
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert why in html and name in html
    assert not AtmInspection.objects.exists() and not Photo.objects.exists()


def _bomb() -> bytes:
    """A 50-megapixel picture in a small file: a decompression bomb."""
    buffer = io.BytesIO()
    Image.new("1", (7100, 7100)).save(buffer, "PNG", optimize=True)
    data = buffer.getvalue()
    assert len(data) < 200_000
    return data


@override_settings(PHOTO_MAX_MB=1)
def test_a_file_too_large_or_too_many_photos_are_refused(atm, manager_client, whole_day):
    large = jpeg(size=(1200, 900)) + os.urandom(1_100_000)
    response = manager_client.post(
        reverse("admin:terminals_atminspection_add"), _inspection_form(atm, photos=[upload("big.jpg", large)])
    )
    assert "超过 1 MB" in response.content.decode()
    many = [upload(f"p{n}.jpg", jpeg(size=(64, 48))) for n in range(6)]
    response = manager_client.post(
        reverse("admin:terminals_atminspection_add"), _inspection_form(atm, photos=many)
    )
    assert "最多 5 张" in response.content.decode()
    assert not AtmInspection.objects.exists() and not Photo.objects.exists()


def test_a_photo_of_a_sibling_branch_answers_404(atm, manager, staff, tree, client, manager_client):
    other = TerminalFactory(
        branch=tree["b"], kind="atm", merchant=None, installed_on=datetime.date(2011, 1, 1)
    )
    with entered_at(local(2011, 6, 1, 10, 10)):
        fault = logbooks.logbook_enter(
            model=AtmFault,
            by=staff,
            terminal=other,
            occurred_at=local(2011, 6, 1, 10),
            fault_kind="other",
            description="屏幕碎裂",
        )
    (photo,) = logbooks.photos_attach(
        entry=fault,
        processed=logbooks.photos_check(model=AtmFault, uploads=[upload("a.jpg", jpeg())]),
        by=staff,
    )
    for name in ("register-photo", "register-photo-thumbnail"):
        assert manager_client.get(reverse(name, args=[photo.pk])).status_code == 404
        assert manager_client.get(reverse(name, args=[photo.pk + 1000])).status_code == 404
    anonymous = client.get(reverse("register-photo", args=[photo.pk]))
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    client.force_login(staff)
    assert client.get(reverse("register-photo", args=[photo.pk])).status_code == 200


def test_photos_through_the_api_and_a_correction_adds_never_removes(atm, manager):
    api = APIClient()
    api.force_authenticate(manager)
    with entered_at(local(2011, 6, 1, 10, 10)):
        fault = logbooks.logbook_enter(
            model=AtmFault,
            by=manager,
            terminal=atm,
            occurred_at=local(2011, 6, 1, 10),
            fault_kind="cash_jam",
            description="卡钞",
        )
    url = f"/api/v1/logbooks/atm-faults/{fault.pk}/photos/"
    added = api.post(
        url, {"photo": [upload("a.jpg", jpeg()), upload("b.jpg", jpeg(color=(9, 9, 9)))]}, format="multipart"
    )
    assert added.status_code == 201, added.json()
    assert [p["sha256"][:8] for p in added.json()["photos"]] == [
        p.sha256[:8] for p in Photo.objects.order_by("id")
    ]
    refused = api.post(url, {"photo": [upload("x.svg", b"<svg/>", "image/svg+xml")]}, format="multipart")
    assert refused.status_code == 400 and Photo.objects.count() == 2
    # A correction keeps the photos of the entry it corrects and may add its own.
    corrected = logbooks.logbook_amend(entry=fault, by=manager, reason="补充说明", description="出钞口卡钞")
    logbooks.photos_attach(
        entry=corrected,
        processed=logbooks.photos_check(model=AtmFault, uploads=[upload("c.jpg", jpeg())]),
        by=manager,
    )
    body = api.get(f"/api/v1/logbooks/atm-faults/{corrected.pk}/").json()
    assert len(body["photos"]) == 3
    assert (
        api.post(url, {"photo": [upload("d.jpg", jpeg())]}, format="multipart").status_code == 400
    )  # not the latest
    assert Photo.objects.count() == 3
