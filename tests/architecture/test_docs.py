"""The contracts in the repository (docs/) say what the code does: every metric of the registry is
defined in docs/kpi.md, every extract and its columns are in docs/extracts.md, every document a
comment names exists, and no comment names an issue of the tracker instead of a document."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from ebank.imports.spec import extract_for, extract_kinds
from reports.metrics import metrics

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


def test_every_metric_of_the_registry_is_defined_in_kpi_md():
    text = (DOCS / "kpi.md").read_text()
    patterns = [
        re.compile("^" + re.sub(r"\\\{\w+\\\}", r"\\w+", re.escape(code)) + "$")
        for code in re.findall(r"^\| `([\w{}]+)` \|", text, flags=re.M)
    ]
    declared_here = [m for m in metrics() if not m.source or not m.source.name.startswith("key handovers")]
    missing = [m.code for m in declared_here if not any(pattern.match(m.code) for pattern in patterns)]
    assert missing == []


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
