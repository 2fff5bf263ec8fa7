"""On-site check-in: a QR sticker on each ATM whose link holds a secret of that ATM. Scanning it
with the phone (logged in) opens the ATM's inspection for the current window; the entry made then
is marked 扫码 (on site). Staff print a sheet of stickers (A4, one per ATM); issuing a sticker
revokes the one before, so a copied or lost sticker stops working when a new one is put up.

The secret is kept only as a keyed hash (HMAC with SECRET_KEY): the database alone cannot make a
sticker. A scan is remembered in the user's session for SCAN_MINUTES, for that ATM only."""

import datetime
import io
import secrets

import qrcode
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from ebank.printing import FONT

from .models import InspectionSticker, Terminal

SCAN_MINUTES = 30
_SESSION_KEY = "atm_scans"


def _hash(secret: str) -> str:
    return salted_hmac("ebank.inspection-sticker", secret, algorithm="sha256").hexdigest()


@transaction.atomic
def sticker_issue(*, terminal: Terminal, by) -> str:
    """A new sticker for the ATM (the one before is revoked); returns its secret, to print."""
    now = timezone.now()
    InspectionSticker.objects.filter(terminal=terminal, revoked_at__isnull=True).update(revoked_at=now)
    secret = secrets.token_urlsafe(18)
    InspectionSticker.objects.create(
        terminal=terminal, secret_hash=_hash(secret), issued_at=now, issued_by=by
    )
    return secret


def sticker_terminal(*, terminal_no: str, secret: str) -> Terminal | None:
    """The ATM whose live sticker this is, or None (unknown, revoked, or another ATM's)."""
    sticker = (
        InspectionSticker.objects.select_related("terminal")
        .filter(secret_hash=_hash(secret), revoked_at__isnull=True, terminal__terminal_no=terminal_no)
        .first()
    )
    return sticker.terminal if sticker else None


def scan_remember(request, terminal: Terminal) -> None:
    scans = request.session.get(_SESSION_KEY, {})
    scans[str(terminal.pk)] = timezone.now().isoformat()
    request.session[_SESSION_KEY] = scans


def scanned_recently(request, terminal_id) -> bool:
    """Whether the user scanned this ATM's sticker in the last SCAN_MINUTES."""
    when = request.session.get(_SESSION_KEY, {}).get(str(terminal_id))
    if not when:
        return False
    return timezone.now() - datetime.datetime.fromisoformat(when) <= datetime.timedelta(minutes=SCAN_MINUTES)


def scan_forget(request, terminal_id) -> None:
    scans = request.session.get(_SESSION_KEY, {})
    if scans.pop(str(terminal_id), None) is not None:
        request.session[_SESSION_KEY] = scans


def scan_url(request, terminal: Terminal, secret: str) -> str:
    return request.build_absolute_uri(reverse("atm-scan", args=[terminal.terminal_no, secret]))


def stickers_pdf(stickers: list[tuple[Terminal, str]]) -> bytes:
    """An A4 sheet (or several) of stickers, 3 × 4 a page: the QR code of each ATM's link, its
    number, place and branch, and what to do."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    canvas.setTitle(_("ATM inspection stickers"))
    columns, rows = 3, 4
    cell_w, cell_h = (A4[0] - 20 * mm) / columns, (A4[1] - 20 * mm) / rows
    for index, (terminal, url) in enumerate(stickers):
        if index and index % (columns * rows) == 0:
            canvas.showPage()
        position = index % (columns * rows)
        x = 10 * mm + (position % columns) * cell_w
        y = A4[1] - 10 * mm - (position // columns + 1) * cell_h
        canvas.setDash(2, 2)
        canvas.rect(x + 2 * mm, y + 2 * mm, cell_w - 4 * mm, cell_h - 4 * mm)
        canvas.setDash()
        image = qrcode.make(url, box_size=8, border=1).get_image()
        png = io.BytesIO()
        image.save(png, "PNG")
        png.seek(0)
        side = min(cell_w, cell_h) - 26 * mm
        canvas.drawImage(ImageReader(png), x + (cell_w - side) / 2, y + 18 * mm, side, side)
        canvas.setFont(FONT, 11)
        canvas.drawCentredString(x + cell_w / 2, y + cell_h - 8 * mm, f"ATM {terminal.terminal_no}")
        canvas.setFont(FONT, 8)
        place = f"{terminal.branch.name} · {terminal.location}"[:34]
        canvas.drawCentredString(x + cell_w / 2, y + 13 * mm, place)
        canvas.drawCentredString(x + cell_w / 2, y + 8 * mm, _("Scan to record the security inspection"))
    canvas.save()
    return buffer.getvalue()
