"""Every PDF the product makes carries its fonts and shows its text in any viewer: each register's
month and the assessment report (from the admin and from the command line) are read with pypdf —
every font embedded — and a page of each is drawn by poppler (pdftoppm) and by MuPDF (mutool),
whose title area must hold ink (a font a viewer lacks draws nothing there: the empty grids the
department saw with STSong-Light).

Without poppler-utils and mupdf-tools the rendering half skips, except where
EBANK_REQUIRE_PDF_TOOLS=1 (CI), where it fails."""

import datetime
import io
import os
import shutil
import subprocess
from decimal import Decimal

import pypdf
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from ebank.registers.declarations import registers
from reports.models import AssessmentRun, PlanItem, Target
from reports.services import assessment_compute
from tests.cards.factories import CardFactory
from tests.factories import register_entry


def _declarations():
    return [pytest.param(d, id=d.label) for d in registers()]


def _fonts(reader: pypdf.PdfReader) -> dict[str, bool]:
    """Each font the pages use (descendants of composite fonts included): whether it is embedded."""
    found = {}

    def visit(font):
        font = font.get_object()
        for descendant in font.get("/DescendantFonts", []):
            visit(descendant)
        if font.get("/Subtype") == "/Type0":
            return
        descriptor = font.get("/FontDescriptor")
        descriptor = descriptor.get_object() if descriptor is not None else {}
        embedded = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
        found[str(font.get("/BaseFont"))] = embedded

    for page in reader.pages:
        resources = page.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            visit(font)
    return found


def _tools():
    missing = [tool for tool in ("pdftoppm", "mutool") if shutil.which(tool) is None]
    if missing:
        if os.environ.get("EBANK_REQUIRE_PDF_TOOLS") == "1":
            pytest.fail(f"EBANK_REQUIRE_PDF_TOOLS=1 but {', '.join(missing)} missing", pytrace=False)
        pytest.skip(f"{', '.join(missing)} missing: apt-get install poppler-utils mupdf-tools")


def _rendered_title_ink(pdf: bytes, tmp_path) -> dict[str, int]:
    """The ink in the top 12% of page 1 (the title, no grid lines) as poppler and MuPDF draw it."""
    path = tmp_path / "page.pdf"
    path.write_bytes(pdf)
    poppler = subprocess.run(
        ["pdftoppm", "-f", "1", "-l", "1", "-r", "50", "-gray", str(path)],
        capture_output=True,
        check=True,
    ).stdout
    mupdf_path = tmp_path / "page.pgm"
    subprocess.run(
        ["mutool", "draw", "-q", "-r", "50", "-c", "gray", "-o", str(mupdf_path), str(path), "1"],
        capture_output=True,
        check=True,
    )
    inks = {}
    for name, image in (("poppler", poppler), ("mupdf", mupdf_path.read_bytes())):
        _magic, size, _rest = image.split(b"\n", 2)
        width, height = (int(part) for part in size.split())
        pixels = image.split(b"\n255\n", 1)[1]
        inks[name] = sum(1 for value in pixels[: width * int(height * 0.12)] if value < 128)
    return inks


def _check(pdf: bytes, tmp_path):
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    fonts = _fonts(reader)
    assert fonts and all(fonts.values()), fonts
    _tools()
    inks = _rendered_title_ink(pdf, tmp_path)
    assert inks["poppler"] > 50 and inks["mupdf"] > 50, inks


@pytest.mark.parametrize("declaration", _declarations())
def test_every_register_printout_embeds_its_fonts_and_renders(declaration, tree, staff_client, tmp_path):
    entry = register_entry(declaration.model, tree["a"])
    place = declaration.place
    month = timezone.localtime(entry.occurred_at)
    response = staff_client.get(
        reverse(f"admin:{entry._meta.app_label}_{entry._meta.model_name}_print"),
        {"month": f"{month:%Y-%m}", place.field: getattr(entry, f"{place.field}_id")},
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    _check(response.content, tmp_path)


@pytest.fixture
def assessed(tree):
    CardFactory(branch=tree["a"], issued_on=datetime.date(2011, 2, 1))
    PlanItem.objects.create(year=2011, metric="new_cards", weight=Decimal(40))
    for branch in (tree["a"], tree["b"]):
        Target.objects.create(year=2011, quarter=1, branch=branch, metric="new_cards", target=Decimal(2))
    run = AssessmentRun.objects.create(year=2011, quarter=1)
    return assessment_compute(run_id=run.pk)


def test_the_assessment_report_embeds_its_fonts_and_renders(assessed, staff_client, tmp_path):
    response = staff_client.get(reverse("admin:reports_assessmentrun_report", args=[assessed.pk, "pdf"]))
    assert response.status_code == 200
    _check(response.content, tmp_path)
    path = tmp_path / "q1.pdf"
    call_command("export_assessment", year=2011, quarter=1, format="pdf", output=path, stdout=io.StringIO())
    _check(path.read_bytes(), tmp_path)
