"""Photos as evidence of a register entry, taken with the phone's camera: each upload is checked
as an image before anything is kept, then re-encoded (JPEG, at most PHOTO_LONG_SIDE pixels, with
a thumbnail) so that what is stored is only pixels — no metadata, no script, nothing the upload
carried besides the picture. What is kept of the upload itself: its SHA-256 and, where the camera
wrote one, its EXIF capture time.

Refused with a clear message, before anything is saved: a file that is not a JPEG, PNG or WebP
image (an SVG among them), one larger than PHOTO_MAX_MB, one of more than PHOTO_MAX_PIXELS (a
decompression bomb: a small file that expands to an enormous picture), one that is broken."""

import datetime
import hashlib
import io
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from ebank.redaction import mask_numbers

# MPO: the JPEG of many phones' cameras (a picture with its depth or preview pictures).
FORMATS = ("JPEG", "MPO", "PNG", "WEBP")
THUMB_SIDE = 320
# EXIF: DateTimeOriginal (in the Exif IFD), else DateTime.
_EXIF_IFD, _DATETIME_ORIGINAL, _DATETIME = 0x8769, 0x9003, 0x0132


@dataclass
class Processed:
    """A checked photo: the picture and its thumbnail as JPEG bytes, and what is kept of the upload."""

    image: bytes
    thumbnail: bytes
    width: int
    height: int
    sha256: str
    taken_at: datetime.datetime | None


def _refuse(name: str, why: str) -> ValidationError:
    return ValidationError(_("%(name)s: %(why)s") % {"name": name, "why": why}, code="photo")


def _read(upload, name: str) -> bytes:
    limit = settings.PHOTO_MAX_MB * 1024 * 1024
    if getattr(upload, "size", 0) > limit:
        raise _refuse(name, _("larger than %(mb)d MB.") % {"mb": settings.PHOTO_MAX_MB})
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise _refuse(name, _("larger than %(mb)d MB.") % {"mb": settings.PHOTO_MAX_MB})
    return data


def _taken_at(image: Image.Image) -> datetime.datetime | None:
    """The capture time the camera wrote (local time, as cameras write it), if any and sane."""
    try:
        exif = image.getexif()
        text = exif.get_ifd(_EXIF_IFD).get(_DATETIME_ORIGINAL) or exif.get(_DATETIME)
        moment = datetime.datetime.strptime(str(text).strip("\x00 "), "%Y:%m:%d %H:%M:%S")
    except (ValueError, TypeError, KeyError, AttributeError, OSError):
        return None
    if not datetime.datetime(2000, 1, 1) <= moment <= datetime.datetime.now() + datetime.timedelta(days=1):
        return None
    return timezone.make_aware(moment)


def _jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85, optimize=True)
    return buffer.getvalue()


def photo_process(upload) -> Processed:
    """Check one upload and re-encode it, or refuse it (ValidationError naming the file)."""
    # The file's name, as the message names it: a number in it (a card's) shown masked.
    name = mask_numbers(getattr(upload, "name", "") or "") or _("the photo")
    data = _read(upload, name)
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in FORMATS:
                raise _refuse(name, _("not a photo (JPEG, PNG or WebP)."))
            width, height = probe.size
            if width * height > settings.PHOTO_MAX_PIXELS:
                raise _refuse(
                    name,
                    _("%(mp)s megapixels: more than a photo has (at most %(max)s).")
                    % {"mp": f"{width * height / 1e6:.0f}", "max": f"{settings.PHOTO_MAX_PIXELS / 1e6:.0f}"},
                )
            taken_at = _taken_at(probe)
            probe.load()
            picture = ImageOps.exif_transpose(probe).convert("RGB")
    except ValidationError:
        raise
    except Image.DecompressionBombError:
        raise _refuse(name, _("more pixels than a photo has.")) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise _refuse(name, _("not a photo, or a broken one.")) from None
    picture.thumbnail((settings.PHOTO_LONG_SIDE, settings.PHOTO_LONG_SIDE))
    thumb = picture.copy()
    thumb.thumbnail((THUMB_SIDE, THUMB_SIDE))
    return Processed(
        image=_jpeg(picture),
        thumbnail=_jpeg(thumb),
        width=picture.width,
        height=picture.height,
        sha256=hashlib.sha256(data).hexdigest(),
        taken_at=taken_at,
    )
