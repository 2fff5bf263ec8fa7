"""Files built to hurt the server: decompression bombs, XML entities, endless rows and cells, other
encodings, binary. Each is refused with its reason, in bounded memory, and nothing stays behind."""

import io
import os
import resource
import subprocess
import sys
import textwrap
import zipfile

import openpyxl
import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from ebank.imports.engine import extract_import
from ebank.imports.models import ImportRun
from tests.imports.test_engine import CARDS_HEADER, cards_csv
from tests.processes import require_postgresql_and_broker

SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_TAIL = b"</sheetData></worksheet>"


def xlsx_with_sheet(path, write_sheet, level=9):
    """A real workbook (openpyxl's parts) whose first sheet's XML is written by `write_sheet(f)`."""
    book = openpyxl.Workbook()
    book.active.append(["placeholder"])
    plain = io.BytesIO()
    book.save(plain)
    with (
        zipfile.ZipFile(plain) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as target,
    ):
        for item in source.infolist():
            if item.filename == "xl/worksheets/sheet1.xml":
                with target.open(item.filename, "w", force_zip64=True) as stream:
                    write_sheet(stream)
            else:
                target.writestr(item, source.read(item.filename))
    return path


def one_huge_cell(stream, megabytes=1100):
    stream.write(SHEET_HEAD + b'<row r="1"><c r="A1" t="inlineStr"><is><t>')
    chunk = b"A" * (1 << 20)
    for _ in range(megabytes):
        stream.write(chunk)
    stream.write(b"</t></is></c></row>" + SHEET_TAIL)


def millions_of_cells(stream, cells=30_000_000):
    stream.write(SHEET_HEAD + b'<row r="1">')
    chunk = b"<c><v>1</v></c>" * 100_000
    for _ in range(cells // 100_000):
        stream.write(chunk)
    stream.write(b"</row>" + SHEET_TAIL)


def a_row_wider_than_excel(stream):
    stream.write(SHEET_HEAD + b'<row r="1">')
    for column in range(17_000):
        stream.write(f'<c t="inlineStr"><is><t>{column}</t></is></c>'.encode())
    stream.write(b"</row>" + SHEET_TAIL)


def entities(stream):
    laughs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    stream.write(
        f'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY l0 "ha">{laughs}]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>&l9;</t></is></c></row></sheetData></worksheet>'.encode()
    )


def a_cell_that_compresses_like_a_real_sheet(stream, megabytes=1200):
    """1.2 GB in one cell that compresses only about 40 times, as real data does: the archive's
    checks let it through, only the scan of the sheet stops it."""
    import random
    import string

    rng = random.Random(2011)
    varied = "".join(rng.choice(string.ascii_letters) for _ in range(25_000)).encode()
    chunk = varied + b"A" * ((1 << 20) - len(varied))
    stream.write(SHEET_HEAD + b'<row r="1"><c r="A1" t="inlineStr"><is><t>')
    for _ in range(megabytes):
        stream.write(chunk)
    stream.write(b"</t></is></c></row>" + SHEET_TAIL)


def relocate_sheet(path, target):
    """Store the workbook's sheet under another path, as the workbook's relationships allow."""
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as moved:
        for item in source.infolist():
            data = source.read(item.filename)
            name = item.filename.replace("xl/worksheets/sheet1.xml", "xl/data/sheet1.xml")
            if item.filename in ("xl/_rels/workbook.xml.rels", "[Content_Types].xml"):
                data = data.replace(b"worksheets/sheet1.xml", b"data/sheet1.xml")
            moved.writestr(name, data)
    return target


@pytest.fixture(scope="module")
def bombs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bombs")
    return {
        "one_huge_cell": xlsx_with_sheet(folder / "one_huge_cell.xlsx", one_huge_cell),
        "millions_of_cells": xlsx_with_sheet(folder / "millions_of_cells.xlsx", millions_of_cells),
        "low_ratio_cell": xlsx_with_sheet(
            folder / "low_ratio_cell.xlsx", a_cell_that_compresses_like_a_real_sheet, level=1
        ),
    }


def refusal(kind, path):
    from ebank.imports.readers import FileRefused

    with pytest.raises(FileRefused) as refused:
        extract_import(kind=kind, path=path, dry_run=True)
    return str(refused.value)


# --- refused before anything opens the file --------------------------------------------------


def test_an_xlsx_whose_cell_expands_to_a_gigabyte_is_refused_as_a_bomb(db, bombs):
    assert bombs["one_huge_cell"].stat().st_size < 2 << 20
    reason = refusal("cards", bombs["one_huge_cell"])
    assert "xl/worksheets/sheet1.xml" in reason and "解压炸弹" in reason


def test_an_xlsx_of_thirty_million_cells_is_refused(db, bombs):
    assert "解压炸弹" in refusal("cards", bombs["millions_of_cells"])


def test_an_xlsx_beyond_the_size_limit_is_refused(db, bombs, settings):
    settings.IMPORT_XLSX_MAX_MB = 100
    assert "超过上限 100 MB" in refusal("cards", bombs["one_huge_cell"])


def test_a_row_wider_than_excel_allows_is_refused(db, tmp_path):
    path = xlsx_with_sheet(tmp_path / "wide.xlsx", a_row_wider_than_excel)
    assert "16,384" in refusal("cards", path)


def test_a_sheet_stored_under_another_path_is_scanned_too(db, tmp_path):
    wide = xlsx_with_sheet(tmp_path / "wide.xlsx", a_row_wider_than_excel)
    moved = relocate_sheet(wide, tmp_path / "moved.xlsx")
    assert "xl/data/sheet1.xml" in zipfile.ZipFile(moved).namelist()
    assert "16,384" in refusal("cards", moved)


def test_a_huge_cell_that_compresses_like_real_data_is_refused_by_the_scan(db, bombs):
    reason = refusal("cards", bombs["low_ratio_cell"])
    assert "32,767" in reason and "xl/worksheets/sheet1.xml" in reason


def test_xml_entities_are_refused(db, tmp_path):
    path = xlsx_with_sheet(tmp_path / "laughs.xlsx", entities)
    assert "实体" in refusal("cards", path)


# --- clear refusals, row and column where there is one ----------------------------------------


def file_error(kind, path):
    outcome = extract_import(kind=kind, path=path, dry_run=True)
    assert not outcome.valid
    return outcome.errors


def test_a_non_zip_xlsx_is_refused_with_a_reason(db, tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_bytes(b"card_no,holder_name\n")
    [(row, column, reason)] = file_error("cards", path)
    assert (row, column) == (0, "file") and "不是 XLSX 文件" in reason and "zip" in reason


def test_a_utf16_csv_is_refused_with_a_reason(db, tmp_path):
    path = tmp_path / "cards.csv"
    path.write_bytes(CARDS_HEADER.encode("utf-16"))
    [(_row, _column, reason)] = file_error("cards", path)
    assert "UTF-16" in reason and "GB18030" in reason


def test_random_bytes_are_refused_with_a_reason(db, tmp_path):
    path = tmp_path / "cards.csv"
    path.write_bytes(bytes(range(128, 256)) * 50)
    [(_row, column, reason)] = file_error("cards", path)
    assert column == "file" and "UTF-8" in reason and "GB18030" in reason


def test_a_nul_byte_in_a_cell_is_an_error_of_its_row_and_column(tree, write, numbers):
    path = write("cards.csv", cards_csv(numbers, [{}, {"holder_name": "张\x00三"}]))
    errors = file_error("cards", path)
    assert [(row, column) for row, column, _reason in errors] == [(2, "holder_name")]
    assert "NUL" in errors[0][2]


def test_an_overlong_cell_is_an_error_and_the_preview_stays_short(tree, write, numbers):
    path = write("cards.csv", cards_csv(numbers, [{"holder_name": "长" * 5000}]))
    outcome = extract_import(kind="cards", path=path, dry_run=True)
    assert [(row, column) for row, column, _reason in outcome.errors] == [(1, "holder_name")]
    assert "2,000" in outcome.errors[0][2]
    assert (
        "长" * 100 not in repr(outcome.preview) and max(len(c) for row in outcome.preview for c in row) <= 60
    )


def test_the_command_says_why_and_exits_1(db, bombs, capsys):
    with pytest.raises(SystemExit) as exited:
        call_command("import_extract", "cards", str(bombs["millions_of_cells"]), "--dry-run")
    assert exited.value.code == 1
    run = ImportRun.objects.get()
    assert run.status == "failed" and "解压炸弹" in run.message
    assert "解压炸弹" in capsys.readouterr().out


# --- through the admin: the run fails with its reason and the upload is deleted ----------------


def test_an_uploaded_bomb_ends_failed_with_its_reason_and_is_deleted(
    tree, staff_client, bombs, import_dir, django_capture_on_commit_callbacks
):
    with open(bombs["one_huge_cell"], "rb") as stream, django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("admin:imports_importrun_add"), {"kind": "cards", "file": stream}
        )
    run = ImportRun.objects.get()
    assert run.status == "failed" and run.finished_at and "解压炸弹" in run.message
    assert list(import_dir.glob("*")) == []
    page = staff_client.get(response["Location"]).content.decode()
    assert "解压炸弹" in page


def test_an_upload_without_a_length_stops_being_received_at_the_limit(rf, settings):
    """A chunked upload announces no length: the handler counts what arrives and drops the file
    at the limit, writing nothing more to disk."""
    from django.core.files.uploadhandler import SkipFile

    from ebank.imports.uploads import LimitedUploadHandler

    settings.UPLOAD_MAX_MB = 1
    request = rf.post("/")
    handler = LimitedUploadHandler(request)
    handler.handle_raw_input(None, {}, None, "boundary")
    handler.new_file("file", "cards.csv", "text/csv", None)
    handler.receive_data_chunk(b"x" * (512 << 10), 0)
    with pytest.raises(SkipFile):
        handler.receive_data_chunk(b"x" * (600 << 10), 512 << 10)
    assert "超过上限 1 MB" in request.upload_refused


def test_an_upload_over_the_limit_is_refused_before_it_is_kept(tree, staff_client, import_dir, settings):
    settings.UPLOAD_MAX_MB = 1
    big = io.BytesIO((CARDS_HEADER + "\n").encode() + b"x" * (2 << 20))
    big.name = "cards.csv"
    response = staff_client.post(reverse("admin:imports_importrun_add"), {"kind": "cards", "file": big})
    assert response.status_code == 200
    assert "超过上限 1 MB" in response.content.decode()
    assert ImportRun.objects.count() == 0
    assert not import_dir.exists() or list(import_dir.glob("*")) == []


# --- in bounded memory, in a process of its own ----------------------------------------------------

READ_ALL = textwrap.dedent(
    """
    import sys
    import django
    django.setup()
    from ebank.imports.readers import FileRefused, UnreadableFile, open_table
    try:
        table = open_table(__import__("pathlib").Path(sys.argv[1]))
        rows = sum(1 for _ in table.rows)
    except (FileRefused, UnreadableFile) as error:
        print("refused:", error)
    else:
        print("rows:", rows)
    # The peak of this program's own memory (ru_maxrss would count the forking test process's).
    hwm = [line for line in open("/proc/self/status") if line.startswith("VmHWM:")][0]
    print("peak_kb:", hwm.split()[1])
    """
)


def read_in_a_bounded_process(path, *, megabytes=1024):
    """Read a file with the import's reader in a process whose address space is capped."""

    def cap():
        resource.setrlimit(resource.RLIMIT_AS, (megabytes << 20, megabytes << 20))

    result = subprocess.run(
        [sys.executable, "-c", READ_ALL, str(path)],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "ebank.settings.test"},
        preexec_fn=cap,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    lines = dict(line.split(": ", 1) for line in result.stdout.splitlines() if ": " in line)
    return lines, int(lines["peak_kb"]) // 1024


@pytest.mark.parametrize(
    "bomb,says",
    [("one_huge_cell", "解压炸弹"), ("millions_of_cells", "解压炸弹"), ("low_ratio_cell", "32,767")],
)
def test_bombs_are_refused_in_bounded_memory(bombs, bomb, says):
    lines, peak = read_in_a_bounded_process(bombs[bomb])
    assert says in lines["refused"]
    assert peak < 400  # MB: the 1.2 GB cell was read in pieces, never held


def test_memory_stays_flat_as_rows_grow(tmp_path, numbers):
    def csv_of(rows):
        path = tmp_path / f"cards-{rows}.csv"
        line = f"{numbers['cards'][0]},持卡人,{numbers['ids'][0]},101,2011-03-01,active,,0,\n"
        with open(path, "w") as stream:
            stream.write(CARDS_HEADER + "\n")
            stream.writelines(line for _ in range(rows))
        return path

    small, small_peak = read_in_a_bounded_process(csv_of(20_000))
    large, large_peak = read_in_a_bounded_process(csv_of(1_000_000))
    assert (small["rows"], large["rows"]) == ("20000", "1000000")
    assert large_peak - small_peak < 20  # MB, for fifty times the rows


def test_the_command_refuses_a_bomb_under_a_memory_limit(transactional_db, bombs):
    """`import_extract --dry-run` on its own, as the department's scripts run it: 1 GB of memory."""
    url = require_postgresql_and_broker()

    def cap():
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    result = subprocess.run(
        [sys.executable, "manage.py", "import_extract", "cards", str(bombs["one_huge_cell"]), "--dry-run"],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "ebank.settings.test", "DATABASE_URL": url},
        cwd=settings.BASE_DIR,
        preexec_fn=cap,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 1 and "解压炸弹" in result.stdout, result.stderr[-2000:]
    assert ImportRun.objects.get().status == "failed"


# --- the worker's own limits end a run cleanly -------------------------------------------------


@pytest.mark.parametrize(
    "error,says",
    [(MemoryError(), "所需内存超过导入任务的上限"), ("soft_time_limit", "超过导入任务的时限")],
)
def test_a_check_ended_by_the_workers_limits_fails_with_its_reason_and_deletes_the_upload(
    tree, staff, write, numbers, import_dir, monkeypatch, django_capture_on_commit_callbacks, error, says
):
    from celery.exceptions import SoftTimeLimitExceeded

    from ebank.imports import jobs, services

    def run_out(**_kwargs):
        raise SoftTimeLimitExceeded() if error == "soft_time_limit" else error

    monkeypatch.setattr(services, "extract_import", run_out)
    path = write("cards.csv", cards_csv(numbers, [{}]))
    with open(path, "rb") as stream:
        from django.core.files.uploadedfile import SimpleUploadedFile

        upload = SimpleUploadedFile("cards.csv", stream.read())
    with pytest.raises((MemoryError, SoftTimeLimitExceeded)):
        with django_capture_on_commit_callbacks(execute=True):
            jobs.import_upload(kind="cards", uploaded_file=upload, by=staff)
    run = ImportRun.objects.get()
    assert run.status == "failed" and says in run.message and run.finished_at
    assert list(import_dir.glob("*")) == []
