"""The demo county's pages as each role sees them, in Chinese: no page shows a metric's code or a
count or amount written otherwise than the department writes it (143,163; 36,509.30).

Every page is crawled: the home page, 今日, the dashboard, every admin list the role may open and
the first record of each, a run's ranking, the target matrix and the year-end summary."""

import re
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory
from django.urls import reverse

from ebank.org.models import User
from reports.metrics import metrics
from reports.models import AssessmentRun, YearSummary
from tests.demo_county import demo_county

PASSWORD = "demo-crawl-2026"
LOGINS = {"staff": "staff", "union manager": "leader", "branch manager": "mgr-101"}
CODES = re.compile(r"\b(" + "|".join(sorted((m.code for m in metrics()), key=len, reverse=True)) + r")\b")
# An amount with its decimals but no thousands separator: 2818.00, 365093000.00.
BARE_AMOUNT = re.compile(r"(?<![\d,.#\w])\d{4,}\.\d{1,2}(?![\d])")
# A count of four digits or more without separators, followed by its counting word or unit (a
# number without one is a code or an identifier: a terminal's, a merchant's, a branch's).
BARE_COUNT = re.compile(r"(?<![\w#.,:/*-])\d{4,}\s?(?=张|台|户|笔|条|项|次|人|页|元|万元|cards|entries)")


@pytest.fixture(scope="module")
def county(django_db_setup, django_db_blocker):
    with demo_county(django_db_blocker, password=PASSWORD):
        yield


class _Text(HTMLParser):
    """The text a person sees: no script, style, or attribute."""

    def __init__(self):
        super().__init__()
        self.parts, self._hidden = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._hidden += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def _visible(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def _pages(user) -> list[str]:
    request = RequestFactory().get("/")
    request.user = user
    urls = [reverse("admin:index"), reverse("today"), reverse("dashboard")]
    for model, model_admin in sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label):
        if not model_admin.has_view_permission(request):
            continue
        info = model._meta.app_label, model._meta.model_name
        urls.append(reverse("admin:%s_%s_changelist" % info))
        first = model_admin.get_queryset(request).order_by("-pk").first()
        if first is not None:
            urls.append(reverse("admin:%s_%s_change" % info, args=[first.pk]))
    run = AssessmentRun.objects.filter(year=2011, quarter=4).order_by("-pk").first()
    urls += [
        reverse("admin:reports_assessmentrun_change", args=[run.pk]),
        reverse("admin:reports_target_matrix") + "?year=2011&quarter=4",
    ]
    if user.has_perm("reports.view_yearsummary"):
        urls.append(
            reverse("admin:reports_yearsummary_preview", args=[YearSummary.objects.get(year=2011).pk])
        )
    return urls


@pytest.mark.parametrize("role", LOGINS)
def test_no_page_shows_a_metric_code_or_an_unformatted_number(county, db, role):
    user = User.objects.get(username=LOGINS[role])
    client = Client()
    client.force_login(user)
    wrong = []
    pages = _pages(user)
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        text = _visible(response.content.decode())
        for match in CODES.finditer(text):
            wrong.append(f"{url}: metric code {match.group()!r}")
        for match in BARE_AMOUNT.finditer(text):
            wrong.append(
                f"{url}: amount {match.group()!r} … {text[max(0, match.start() - 30) : match.end()]}"
            )
        for match in BARE_COUNT.finditer(text):
            wrong.append(f"{url}: count {match.group()!r} … {text[max(0, match.start() - 30) : match.end()]}")
    assert len(pages) > 20
    assert not wrong, "\n".join(wrong)
