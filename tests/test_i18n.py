"""The interface speaks Simplified Chinese by default, English on request, and the Chinese
catalogue is complete and compiled (a fresh machine needs no GNU gettext)."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
SOURCES = [
    *("ebank", "cards", "terminals", "netbanking", "infotech", "reports", "tools"),
    *("templates", "manage.py"),
]


def test_login_page_is_chinese_by_default(client, db):
    page = client.get(reverse("admin:login")).content.decode()
    assert "电子银行部业务管理系统" in page
    assert "用户名" in page and "密码" in page  # Django's own catalogue
    assert 'lang="zh-hans"' in page


def test_language_switch_to_english_and_back(client, staff):
    client.force_login(staff)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("admin:index")).content.decode()
    assert "E-banking department back office" in page and "System administration" in page
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    page = client.get(reverse("admin:index")).content.decode()
    assert "电子银行部业务管理系统" in page and "系统管理" in page
    assert 'id="language-select"' in page


def test_chinese_catalogue_is_fully_translated():
    catalogue = polib.pofile(str(CATALOGUE))
    assert catalogue.untranslated_entries() == []
    assert catalogue.fuzzy_entries() == []


def test_compiled_catalogue_matches_the_source():
    compiled = polib.mofile(str(CATALOGUE.with_suffix(".mo")))
    source = polib.pofile(str(CATALOGUE))
    assert {(e.msgid, e.msgstr) for e in compiled} == {
        (e.msgid, e.msgstr) for e in source.translated_entries()
    }, "run `make messages` and commit the .mo file"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
def test_catalogue_holds_every_string_of_the_code(tmp_path):
    for name in SOURCES:
        source = Path(settings.BASE_DIR) / name
        copy = shutil.copytree if source.is_dir() else shutil.copy
        copy(source, tmp_path / name)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-location"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "ebank.settings.local"},
    )
    extracted = {e.msgid for e in polib.pofile(str(tmp_path / CATALOGUE.relative_to(settings.BASE_DIR)))}
    kept = {e.msgid for e in polib.pofile(str(CATALOGUE))}
    assert extracted - kept == set(), "run `make messages` and translate the new strings"


def test_an_english_browser_still_gets_chinese_until_the_user_switches(client, db):
    page = client.get(reverse("admin:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "电子银行部业务管理系统" in page
    assert 'id="language-select"' in page  # the menu is on the login page too
    assert "English" in page and "简体中文" in page


def test_refusals_are_in_chinese(manager_client):
    response = manager_client.get(reverse("admin:org_user_changelist"))
    assert response.status_code == 403
    assert "您的角色无权访问此页面" in response.content.decode()
