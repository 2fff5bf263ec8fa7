"""The contracts in the repository (docs/) say what the code does: every metric of the registry is
defined in docs/kpi.md, every extract and its columns are in docs/extracts.md, every document a
comment names exists, and no comment names an issue of the tracker instead of a document."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings

from ebank.imports.spec import extract_for, extract_kinds
from reports.metrics import CHANNELS, DECLARED_IN, KINDS, PROGRAMS, metrics

ROOT = Path(settings.BASE_DIR)
DOCS = ROOT / "docs"
CODE = [
    path
    for room in (
        "ebank",
        "cards",
        "terminals",
        "netbanking",
        "infotech",
        "reports",
        "tools",
        "templates",
        "tests",
    )
    for path in (ROOT / room).rglob("*")
    if path.suffix in (".py", ".html") and "migrations" not in path.parts
]


def _section(text: str, heading: str) -> str:
    start = text.index(heading)
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


def _expand(patterns: list[str], placeholders: dict[str, list[str]]) -> list[str]:
    """Codes of consecutive patterns: a run of rows sharing a placeholder is read one value at a
    time (all of `personal`, then all of `corporate`; within them, each channel in turn)."""
    codes, index = [], 0
    while index < len(patterns):
        name = next((name for name in placeholders if "{" + name + "}" in patterns[index]), None)
        if name is None:
            codes.append(patterns[index])
            index += 1
            continue
        run = []
        while index < len(patterns) and "{" + name + "}" in patterns[index]:
            run.append(patterns[index])
            index += 1
        for value in placeholders[name]:
            codes += _expand([pattern.replace("{" + name + "}", value) for pattern in run], placeholders)
    return codes


def _documented_codes() -> list[str]:
    """The metric codes of docs/kpi.md's table, in its order."""
    patterns = re.findall(r"^\| `([\w{}]+)` \|", (DOCS / "kpi.md").read_text(), flags=re.M)
    return _expand(patterns, {"kind": list(KINDS), "program": list(PROGRAMS), "channel": list(CHANNELS)})


def _products_metrics() -> list[str]:
    """The registry's metrics that the product declares (a test app's are not documented)."""
    return [m.code for m in metrics() if not DECLARED_IN[m.code].startswith("tests.")]


def test_every_metric_of_the_registry_is_defined_in_kpi_md_and_nothing_else():
    assert sorted(_products_metrics()) == sorted(set(_documented_codes()))


def test_figures_come_in_the_order_of_kpi_md(db):
    from reports.selectors import figures

    products = set(_products_metrics())
    assert [
        code for code in figures(as_of=datetime.date(2011, 12, 31)) if code in products
    ] == _documented_codes()


@pytest.mark.parametrize("kind", extract_kinds())
def test_every_extract_and_its_columns_are_in_extracts_md(kind):
    section = _section((DOCS / "extracts.md").read_text(), f"## `{kind}`")
    extract = extract_for(kind)
    missing = [c.name for c in extract.columns if f"| {c.name} | {c.label} |" not in section]
    assert missing == []


def test_every_document_a_comment_names_is_in_the_repository():
    named = {
        (path, match)
        for path in CODE
        for match in re.findall(r"\bdocs/[\w-]+\.md", path.read_text(errors="replace"))
    }
    assert named, "the code refers to its documents"
    assert sorted({match for _path, match in named if not (ROOT / match).exists()}) == []


def test_no_comment_names_an_issue_or_a_document_outside_the_repository():
    offending = [
        f"{path.relative_to(ROOT)}: {line.strip()}"
        for path in CODE
        if path != Path(__file__)
        for line in path.read_text(errors="replace").splitlines()
        if re.search(r"\b[Ii]ssue \d+|(?<![\w/])spec/\w+\.md", line)
    ]
    assert offending == []
