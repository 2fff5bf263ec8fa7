"""What people type is printed as text: markup in a logbook entry or a branch name makes the server
fetch nothing, read no local file and fail no printout."""

import datetime
import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pypdf
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from ebank.registers import services as logbooks
from infotech.models import ItMaintenance


@pytest.fixture
def probe_server():
    """A local HTTP server that records every request it gets (and would serve an image)."""
    requests = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/gif")
            self.end_headers()
            self.wfile.write(
                b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,"
                b"\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
            )

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", requests
    server.shutdown()


def _pdf(content: bytes) -> tuple[str, pypdf.PdfReader]:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return "".join(page.extract_text() for page in reader.pages).replace("\n", ""), reader


def _images(reader: pypdf.PdfReader) -> int:
    return sum(len(page.images) for page in reader.pages)


def _it_log(branch, by, description):
    """An IT-log entry of 3 June 2011 at `branch`."""
    logbooks.logbook_enter(
        model=ItMaintenance,
        by=by,
        branch=branch,
        occurred_at=timezone.make_aware(datetime.datetime(2011, 6, 3, 9, 0)),
        category="network_fault",
        description=description,
        handled_by="张三",
    )


def _print_june(client, branch):
    return client.get(
        reverse("admin:infotech_itmaintenance_print"), {"month": "2011-06", "branch": branch.pk}
    )


def test_markup_in_an_it_log_entry_prints_as_text_and_fetches_nothing(
    tree, manager, manager_client, probe_server, tmp_path
):
    url, requests = probe_server
    local_image = tmp_path / "secret.gif"
    local_image.write_bytes(b"GIF89a")
    texts = [
        f'<img src="{url}/healthz?probe" width="10" height="10"/>',
        f'<img src="{local_image}" width="10" height="10"/>',
        "<script>alert(1)</script> & <b>粗体</b>",
    ]
    for text in texts:
        _it_log(tree["a"], manager, text)

    response = _print_june(manager_client, tree["a"])

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text, reader = _pdf(response.content)
    assert "healthz?probe" in text and "<img" in text and "<script>alert(1)</script>" in text
    assert "<b>粗体</b>" in text and "&" in text
    assert requests == []  # the server fetched nothing
    assert _images(reader) == 0  # and embedded no local file


@pytest.mark.django_db
def test_the_printing_module_trusts_no_url_even_in_markup_written_by_code(probe_server):
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    from ebank.printing import TEXT

    url, requests = probe_server
    markup = f'<img src="{url}/x.gif" width="5" height="5"/>'
    with pytest.raises(OSError) as refused:
        SimpleDocTemplate(io.BytesIO()).build([Paragraph(markup, TEXT)])
    assert "Cannot open resource" in str(refused.value)
    assert requests == []


def test_a_branch_name_with_markup_prints_in_the_assessment_pdf(tree, tmp_path, probe_server):
    from decimal import Decimal

    from reports.models import PlanItem, Target
    from tests.cards.factories import CardFactory

    url, requests = probe_server
    tree["b"].name = f'<img src="{url}/x"/>北山<script>'
    tree["b"].save()
    CardFactory.create_batch(3, branch=tree["b"], issued_on=datetime.date(2011, 5, 1))
    PlanItem.objects.create(year=2011, metric="new_cards", weight=Decimal("40"), cap=Decimal("1.2"))
    for branch in (tree["a"], tree["b"]):
        Target.objects.create(year=2011, quarter=4, branch=branch, metric="new_cards", target=Decimal(10))
    call_command("assess", "--year", "2011", "--quarter", "4", stdout=io.StringIO())
    path = tmp_path / "q4.pdf"
    call_command(
        "export_assessment",
        "--year",
        "2011",
        "--quarter",
        "4",
        "--format",
        "pdf",
        "--output",
        str(path),
        stdout=io.StringIO(),
    )
    text, reader = _pdf(path.read_bytes())
    assert "新增发卡" in text and f'<imgsrc="{url}/x"/>北山<script>' in text.replace(" ", "")
    assert requests == [] and _images(reader) == 0


def test_a_very_long_entry_prints_cut_short_and_the_month_still_prints(tree, manager, manager_client):
    for text in ("长" * 12_000, "\n".join(["一行"] * 400)):
        _it_log(tree["a"], manager, text)
    response = _print_june(manager_client, tree["a"])
    assert response.status_code == 200
    text, reader = _pdf(response.content)
    assert "…" in text and text.count("长") < 2_000 and len(reader.pages) >= 2


@pytest.mark.parametrize("month", ["9999-12", "0001-01", "2011-13", "x"])
def test_a_month_out_of_range_is_refused_by_name(tree, manager_client, month):
    response = manager_client.get(
        reverse("admin:infotech_itmaintenance_print"), {"month": month, "branch": tree["a"].pk}, follow=True
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "年份须在 2000 至 2099 之间" in page or "请按 YYYY-MM 填写月份" in page
