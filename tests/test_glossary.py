"""docs/glossary.md: one term per concept — no translation uses a term the glossary avoids."""

from pathlib import Path

import polib
import pytest
from django.conf import settings

GLOSSARY = Path(settings.BASE_DIR) / "docs" / "glossary.md"
CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def _avoided() -> list[tuple[str, list[str]]]:
    """(avoided term, the words containing it that mean something else), from the glossary's table."""
    found = []
    for line in GLOSSARY.read_text().splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 5 or cells[0] in ("概念", "---"):
            continue
        exceptions = [word.strip() for word in cells[4].split(",") if word.strip()]
        found += [(term.strip(), exceptions) for term in cells[3].split(",") if term.strip()]
    return found


def test_the_glossary_names_terms_to_avoid():
    avoided = dict(_avoided())
    assert "卡均存款余额" in avoided and "吞卡" in avoided and len(avoided) > 15


@pytest.mark.parametrize("term, exceptions", _avoided(), ids=lambda value: str(value))
def test_no_translation_uses_an_avoided_term(term, exceptions):
    wrong = []
    for entry in polib.pofile(str(CATALOGUE)):
        for text in [entry.msgstr, *entry.msgstr_plural.values()]:
            remaining = text
            for word in exceptions:
                remaining = remaining.replace(word, "")
            if term in remaining:
                wrong.append(f"{entry.msgid!r} → {text!r}")
    assert wrong == []
