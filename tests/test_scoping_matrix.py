"""The scoping matrix: every admin model and every API route, for every role.

Nothing here is a hand-kept list of what exists: admin models come from the admin site's registry,
API routes from the URL resolver and the OpenAPI schema (which must agree). What each role may do
comes from ebank/org/roles.py; objects come from tests/factories.py's OBJECT_MAKERS. A new model or
route that is not declared there fails these tests.

For each: anonymous → login required; branch manager → nothing of a sibling branch (not in lists,
404 or refused on read and write); union manager → read-only.
"""

import re

import pytest
from django.contrib import admin
from django.db import models
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from drf_spectacular.generators import EndpointEnumerator, SchemaGenerator
from rest_framework.test import APIClient

from ebank.org.roles import Role, access_for
from ebank.org.scoping import branch_lookup
from tests.factories import OBJECT_MAKERS

ROLES = [Role.STAFF, Role.BRANCH_MANAGER, Role.LEADER]
ADMIN_MODELS = sorted(admin.site._registry, key=lambda model: model._meta.label_lower)
METHOD_ACTION = {"GET": "view", "POST": "add", "PUT": "change", "PATCH": "change", "DELETE": "delete"}

# API routes that serve no model, each with who may call it.
NON_MODEL_ROUTES = {
    "/api/v1/auth/token/": "public: exchanges a username and password for a token (the login)",
    "/api/v1/me/": "any logged-in user: who they are",
    "/api/v1/figures/": "any user with a role: figures of their scope (tests/reports/test_figures.py)",
}
# Routes that answer figures rather than a list of objects, each with the test of its scope.
AGGREGATE_ROUTES = {
    "/api/v1/tickets/summary/": "tests/netbanking/test_tickets.py::test_monthly_summary_api_is_scoped",
    "/api/v1/logbooks/atm-inspections/compliance/": (
        "tests/terminals/test_logbooks.py::test_compliance_through_the_api_is_scoped"
    ),
}
# Routes outside the schema: the schema itself and its interactive page.
DOC_ROUTES = {"/api/schema/", "/api/docs/"}


def label(model):
    return model._meta.label_lower


def _admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def users(staff, manager, leader):
    return {Role.STAFF: staff, Role.BRANCH_MANAGER: manager, Role.LEADER: leader}


@pytest.fixture
def own_and_sibling(tree):
    """Make one object in the manager's sub-branch (in scope) and one in the sibling branch."""

    def make(model):
        maker = OBJECT_MAKERS[label(model)]
        return maker(tree["a1"]), maker(tree["b"])

    return make


# --- declarations -----------------------------------------------------------------------------


@pytest.mark.parametrize("model", ADMIN_MODELS, ids=label)
def test_admin_model_is_declared(model):
    access = access_for(model)
    assert access is not None, f"{label(model)}: declare its access in ebank/org/roles.py ACCESS"
    assert label(model) in OBJECT_MAKERS, f"{label(model)}: add an object maker to tests/factories.py"
    owned = branch_lookup(model) is not None
    assert owned == access.branch_owned, (
        f"{label(model)}: ACCESS says branch_owned={access.branch_owned}, "
        f"the model's branch_lookup says {owned}"
    )


def _resolver_api_routes():
    """Every URL under /api/ that the resolver knows, parameters written as {name}."""

    def walk(patterns, prefix):
        for pattern in patterns:
            part = str(pattern.pattern).lstrip("^").rstrip("$")
            part = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", part)
            part = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", part)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + part)
            elif isinstance(pattern, URLPattern):
                yield "/" + prefix + part

    return {route for route in walk(get_resolver().url_patterns, "") if route.startswith("/api/")}


API_ENDPOINTS = sorted(
    (
        (path, method, callback)
        for path, _regex, method, callback in EndpointEnumerator().get_api_endpoints()
        if path not in DOC_ROUTES
    ),
    key=lambda endpoint: (endpoint[0], endpoint[1]),
)


def _endpoint_id(endpoint):
    return f"{endpoint[1]} {endpoint[0]}"


def test_schema_and_resolver_name_the_same_api_routes():
    def shape(paths):  # the schema names {id} what the router names {pk}
        return {re.sub(r"\{\w+\}", "{}", path) for path in paths}

    schema = SchemaGenerator().get_schema(request=None, public=True)
    tested = {path for path, _method, _callback in API_ENDPOINTS}
    # The last pattern under /api/ only answers "no such address" (tests/api/test_base.py).
    resolved = _resolver_api_routes() - DOC_ROUTES - {"/api/"}
    assert shape(resolved) == shape(schema["paths"]) == shape(tested)


def _model_of(callback):
    queryset = getattr(callback.cls, "queryset", None)
    return None if queryset is None else queryset.model


@pytest.mark.parametrize("endpoint", API_ENDPOINTS, ids=_endpoint_id)
def test_api_route_is_declared(endpoint):
    path, _method, callback = endpoint
    model = _model_of(callback)
    if model is None:
        assert path in NON_MODEL_ROUTES, f"{path}: serves no model; declare it in NON_MODEL_ROUTES"
        return
    assert access_for(model) is not None, f"{label(model)}: declare it in ebank/org/roles.py"
    assert label(model) in OBJECT_MAKERS, f"{label(model)}: add an object maker to tests/factories.py"


# --- the admin ----------------------------------------------------------------------------------


@pytest.mark.parametrize("model", ADMIN_MODELS, ids=label)
def test_admin_anonymous_is_sent_to_login(client, model):
    response = client.get(_admin_url(model, "changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("model", ADMIN_MODELS, ids=label)
def test_admin_changelist_and_add_follow_the_role(client, users, model, role):
    actions = access_for(model).actions(role)
    client.force_login(users[role])
    response = client.get(_admin_url(model, "changelist"))
    assert response.status_code == (200 if "view" in actions or "change" in actions else 403)
    if "add" not in actions:
        assert client.get(_admin_url(model, "add")).status_code == 403
        assert client.post(_admin_url(model, "add"), {}).status_code == 403


@pytest.mark.parametrize("model", ADMIN_MODELS, ids=label)
def test_admin_branch_manager_sees_nothing_of_a_sibling_branch(client, manager, own_and_sibling, model):
    own, sibling = own_and_sibling(model)
    client.force_login(manager)
    actions = access_for(model).actions(Role.BRANCH_MANAGER)
    sibling_url = _admin_url(model, "change", sibling.pk)
    if "view" not in actions:
        assert client.get(sibling_url).status_code == 403
        return
    listing = client.get(_admin_url(model, "changelist"), {"all": ""}).content.decode()
    assert _admin_url(model, "change", own.pk) in listing
    if not access_for(model).branch_owned:
        # A union-wide table (the holiday calendar): the same for every branch, read-only to them.
        assert sibling_url in listing and "add" not in actions
        return
    assert sibling_url not in listing
    # Not shown: the admin answers a missing object by sending the user back to the index.
    response = client.get(sibling_url)
    assert response.status_code == 302 and str(sibling) not in response.content.decode()
    before = list(model._default_manager.filter(pk=sibling.pk).values())
    assert client.post(sibling_url, {}).status_code in (302, 403)
    assert client.post(_admin_url(model, "delete", sibling.pk), {"post": "yes"}).status_code in (302, 403)
    assert list(model._default_manager.filter(pk=sibling.pk).values()) == before
    # simple-history's page answers 404; Django's own history page sends the user back.
    assert client.get(_admin_url(model, "history", sibling.pk)).status_code in (302, 404)
    assert client.get(_admin_url(model, "history", own.pk)).status_code == 200


@pytest.mark.parametrize("model", ADMIN_MODELS, ids=label)
def test_admin_union_manager_is_read_only(client, leader, own_and_sibling, model):
    _own, other = own_and_sibling(model)
    client.force_login(leader)
    actions = access_for(model).actions(Role.LEADER)
    # A union manager reads, approves changes and publishes a quarter's result; they add, change
    # and delete nothing.
    assert set(actions) <= {"view", "publish", "approve"}, "a union manager is read-only"
    change_url = _admin_url(model, "change", other.pk)
    if "view" not in actions:
        assert client.get(change_url).status_code == 403
        return
    response = client.get(change_url)
    assert response.status_code == 200
    assert 'name="_save"' not in response.content.decode()
    assert client.post(change_url, {}).status_code == 403
    assert client.post(_admin_url(model, "delete", other.pk), {"post": "yes"}).status_code == 403
    assert model._default_manager.filter(pk=other.pk).exists()


def _autocomplete_cases():
    for model in ADMIN_MODELS:
        for field_name in admin.site._registry[model].autocomplete_fields:
            yield model, field_name


@pytest.mark.parametrize(
    "model,field_name", list(_autocomplete_cases()), ids=lambda v: v if isinstance(v, str) else label(v)
)
def test_admin_autocomplete_offers_only_branches_in_scope(client, users, tree, model, field_name):
    related = model._meta.get_field(field_name).remote_field.model
    maker = OBJECT_MAKERS[label(related)]
    own, sibling = maker(tree["a1"]), maker(tree["b"])
    for role, user in users.items():
        client.force_login(user)
        response = client.get(
            reverse("admin:autocomplete"),
            {
                "app_label": model._meta.app_label,
                "model_name": model._meta.model_name,
                "field_name": field_name,
            },
        )
        if response.status_code == 403:
            assert "view" not in access_for(model).actions(role)
            continue
        ids = {item["id"] for item in response.json()["results"]}
        assert str(own.pk) in ids
        if role == Role.BRANCH_MANAGER and access_for(related).branch_owned:
            assert str(sibling.pk) not in ids


def _foreign_key_cases():
    for model in ADMIN_MODELS:
        for field in model._meta.get_fields():
            if isinstance(field, (models.ForeignKey, models.ManyToManyField)) and branch_lookup(
                field.remote_field.model
            ):
                yield model, field.name


@pytest.mark.parametrize(
    "model,field_name", list(_foreign_key_cases()), ids=lambda v: v if isinstance(v, str) else label(v)
)
def test_admin_foreign_key_choices_are_scoped(staff, manager, tree, model, field_name):
    db_field = model._meta.get_field(field_name)
    maker = OBJECT_MAKERS[label(db_field.remote_field.model)]
    own, sibling = maker(tree["a1"]), maker(tree["b"])
    model_admin = admin.site._registry[model]

    def choices(user):
        request = RequestFactory().get("/")
        request.user = user
        if isinstance(db_field, models.ManyToManyField):
            return model_admin.formfield_for_manytomany(db_field, request).queryset
        return model_admin.formfield_for_foreignkey(db_field, request).queryset

    # The admin may narrow its choices further (a register offers only ATMs): the same for both.
    offered_to_staff = choices(staff).filter(pk=own.pk).exists()
    assert choices(manager).filter(pk=own.pk).exists() == offered_to_staff
    assert not choices(manager).filter(pk=sibling.pk).exists()
    assert choices(staff).filter(pk=sibling.pk).exists() == offered_to_staff


# --- the API ------------------------------------------------------------------------------------


def _fill(path, obj, callback):
    lookup = getattr(callback.cls, "lookup_field", "pk")
    return re.sub(r"\{\w+\}", str(getattr(obj, lookup)), path)


def _call(client, method, path):
    return getattr(client, method.lower())(path, {}, format="json")


@pytest.mark.parametrize("endpoint", API_ENDPOINTS, ids=_endpoint_id)
def test_api_anonymous_is_refused(tree, endpoint):
    path, method, callback = endpoint
    if NON_MODEL_ROUTES.get(path, "").startswith("public"):
        return
    model = _model_of(callback)
    obj = OBJECT_MAKERS[label(model)](tree["a"]) if model else None
    response = _call(APIClient(), method, _fill(path, obj, callback) if obj else path)
    assert response.status_code in (401, 403)
    assert response.json()["detail"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", API_ENDPOINTS, ids=_endpoint_id)
def test_api_route_follows_role_and_scope(users, own_and_sibling, endpoint, role):
    path, method, callback = endpoint
    model = _model_of(callback)
    if model is None:
        return
    own, sibling = own_and_sibling(model)
    client = APIClient()
    client.force_authenticate(users[role])
    allowed = METHOD_ACTION[method] in access_for(model).actions(role)
    detail = "{" in path
    target = _fill(path, own, callback) if detail else path
    response = _call(client, method, target)
    if not allowed:
        assert response.status_code == 403, response.content
        return
    if method == "GET" and path in AGGREGATE_ROUTES:
        # Figures, not a list of objects: their scope is tested where AGGREGATE_ROUTES says.
        assert response.status_code in (200, 400) and "results" not in response.json()
    elif method == "GET" and not detail:
        assert response.status_code == 200
        lookup = getattr(callback.cls, "lookup_field", "pk")
        keys = {str(row[lookup if lookup != "pk" else "id"]) for row in response.json()["results"]}
        assert str(getattr(own, lookup)) in keys
        sibling_seen = str(getattr(sibling, lookup)) in keys
        assert sibling_seen == (role != Role.BRANCH_MANAGER or not access_for(model).branch_owned)
    elif method == "GET":
        assert response.status_code == 200
    if detail and role == Role.BRANCH_MANAGER and access_for(model).branch_owned:
        response = _call(client, method, _fill(path, sibling, callback))
        assert response.status_code == 404, response.content


@pytest.mark.parametrize("path", sorted(DOC_ROUTES))
def test_api_docs_need_a_login(client, staff, path):
    assert client.get(path).status_code in (401, 403)
    client.force_login(staff)
    assert client.get(path).status_code == 200


# --- the admin's own pages beyond the standard ones ------------------------------------------------

STANDARD_VIEWS = {"changelist", "add", "history", "delete", "change", "autocomplete"}
# Values for the parameters a page takes besides the object's id.
EXTRA_ARGS = {"reports_assessmentrun_report": ["xlsx"], "reports_yearsummary_download": ["docx"]}


def _object_pages():
    """Every admin page about one object that is not one of Django's standard views (downloads,
    corrections, previews, history records, password changes)."""
    for model in ADMIN_MODELS:
        prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
        for pattern in admin.site._registry[model].get_urls():
            name = pattern.name or ""
            route = str(pattern.pattern)
            if name.removeprefix(prefix) in STANDARD_VIEWS or not name:
                continue
            if route.startswith(("<int:", "<id>", "^([^/]+)/history/")):
                yield model, name


def _page_url(name, obj):
    if name.endswith("_simple_history"):
        return reverse(f"admin:{name}", args=[obj.pk, obj.history.order_by("history_id").first().history_id])
    return reverse(f"admin:{name}", args=[obj.pk, *EXTRA_ARGS.get(name, [])])


@pytest.mark.parametrize(
    "model,name", list(_object_pages()), ids=lambda v: v if isinstance(v, str) else label(v)
)
def test_admin_object_pages_follow_role_and_scope(client, users, own_and_sibling, model, name):
    own, sibling = own_and_sibling(model)
    access = access_for(model)
    rows_before = model._default_manager.count()

    client.force_login(users[Role.STAFF])
    assert client.get(_page_url(name, own)).status_code < 500

    client.force_login(users[Role.BRANCH_MANAGER])
    response = client.get(_page_url(name, sibling))
    if "view" not in access.actions(Role.BRANCH_MANAGER):
        assert response.status_code in (302, 403, 404)
    elif access.branch_owned:
        assert response.status_code in (302, 403, 404), f"{name}: a sibling branch's object is shown"
        assert str(sibling) not in response.content.decode(errors="replace")
        assert client.post(_page_url(name, sibling), {}).status_code in (302, 403, 404, 405)

    client.force_login(users[Role.LEADER])
    response = client.post(_page_url(name, own), {"reason": "试图更正", "post": "yes"})
    assert response.status_code in (200, 302, 403, 404, 405)
    assert model._default_manager.count() == rows_before, f"{name}: a union manager wrote a record"


EXPORT_MODELS = [
    model for model in ADMIN_MODELS if hasattr(admin.site._registry[model], "get_export_queryset")
]


@pytest.mark.parametrize("model", EXPORT_MODELS, ids=label)
def test_admin_exports_hold_only_what_the_role_may_see(users, own_and_sibling, model):
    """An export (CSV/XLSX of a list) is the list's rows: a branch manager's holds nothing of a
    sibling branch; a role that may not read the list exports nothing."""
    own, sibling = own_and_sibling(model)
    model_admin = admin.site._registry[model]
    for role, user in users.items():
        request = RequestFactory().get("/")
        request.user = user
        if "view" not in access_for(model).actions(role):
            assert not model_admin.has_export_permission(request)
            continue
        exported = set(model_admin.get_export_queryset(request).values_list("pk", flat=True))
        assert own.pk in exported
        assert (sibling.pk in exported) == (role != Role.BRANCH_MANAGER or not access_for(model).branch_owned)


# --- pages outside the admin's lists and the API -------------------------------------------------

# Every other page the resolver serves, with who may open it and how its scope is proven. A page
# that is not declared here fails test_every_page_is_declared.
PAGES = {
    "/today/": "every role; the ATMs and to-do items of the user's branches (tested below)",
    "/dashboard/": "every role; the figures of the user's scope (tested below)",
    "/inspections/compliance/": "who may read the inspection register; its branches' ATMs (tested below)",
    "/today/faults/{fault_id}/clear/": (
        "who may enter faults, a fault of their branches: "
        "tests/terminals/test_today.py::test_a_fault_of_a_sibling_branch_cannot_be_cleared"
    ),
}
PAGES.update(
    {
        "/photos/{photo_id}/": (
            "who may read the photo's entry, within their branches; else 404: "
            "tests/terminals/test_photos.py::test_a_photo_of_a_sibling_branch_answers_404"
        ),
        "/photos/{photo_id}/thumbnail/": "the same as the photo",
        "/inspections/scan/{terminal_no}/{secret}/": (
            "who may enter inspections, an ATM of their branches with its live sticker; else 404: "
            "tests/terminals/test_stickers.py::test_a_sibling_branchs_sticker_a_revoked_one_or_a_made_up_one_answers_404"
        ),
    }
)
PAGES.update(
    {
        "/inbox/": "every logged-in user: their own notifications only (tests/reports/test_reminders.py)",
        "/inbox/{notification_id}/": (
            "the user's own notification, else 404: "
            "tests/reports/test_reminders.py::test_the_inbox_is_ones_own"
        ),
        "/inbox/settings/": (
            "every logged-in user: their own channels, digest and quiet hours only: "
            "tests/notify/test_channels.py::test_each_person_chooses_their_own_channels"
        ),
    }
)
OTHER_PAGES = {
    "/i18n/setlang/": "public: Django's language switch",
    "/healthz": "public: the load balancer's probe (tests/test_health.py), no data",
    "/account/two-factor/": "the logged-in user's own second factor (tests/org/test_two_factor.py)",
    "/account/two-factor/setup/": "the logged-in user's own second factor (tests/org/test_two_factor.py)",
    "/search/": "a full card or ID number searched by POST, then the admin's scoped list",
    "/terminals/cardriskcheck/{rest}": "a redirect of a moved register to its admin list",
    "/terminals/itmaintenance/{rest}": "a redirect of a moved register to its admin list",
}
SIMPLE_PAGES = ["/today/", "/dashboard/", "/inspections/compliance/"]


def _resolver_pages():
    """Every URL the resolver knows outside the admin and the API."""

    def walk(patterns, prefix):
        for pattern in patterns:
            part = str(pattern.pattern).lstrip("^").rstrip("$")
            part = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", part)
            part = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", part)
            if isinstance(pattern, URLResolver):
                if getattr(pattern, "app_name", None) != "admin":
                    yield from walk(pattern.url_patterns, prefix + part)
            elif isinstance(pattern, URLPattern):
                yield "/" + prefix + part

    return {route for route in walk(get_resolver().url_patterns, "") if not route.startswith("/api/")}


def test_every_page_is_declared():
    assert _resolver_pages() == set(PAGES) | set(OTHER_PAGES)


@pytest.mark.parametrize("path", SIMPLE_PAGES)
def test_page_needs_a_login(client, tree, path):
    response = client.get(path)
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", SIMPLE_PAGES)
def test_page_follows_role_and_scope(client, users, tree, path, role):
    """Each role opens the page; a branch manager's shows nothing of a sibling branch's ATMs."""
    from tests.terminals.factories import TerminalFactory

    own = TerminalFactory(branch=tree["a1"], kind="atm", merchant=None, location="东街自助银行")
    sibling = TerminalFactory(branch=tree["b"], kind="atm", merchant=None, location="北山自助银行")
    client.force_login(users[role])
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    if path != "/dashboard/":
        assert own.terminal_no in html
    if role == Role.BRANCH_MANAGER:
        assert sibling.terminal_no not in html and sibling.location not in html
        assert tree["b"].name not in html.split('id="content"', 1)[-1]


# --- the assessment's governance: approval, publication, appeals, by role ----------------------


@pytest.fixture
def governed(tree, staff):
    """A published run of 2011 Q4 assessing branch a (101) and b (201), and a change of the
    targets awaiting approval, made by staff."""
    from decimal import Decimal

    from ebank.imports.services import import_run_propose
    from reports import services
    from reports.models import AssessmentRun, PlanItem, Target
    from tests.factories import user_with_role

    PlanItem.objects.create(year=2011, metric="new_cards", weight=Decimal(40))
    for code in ("a", "b"):
        Target.objects.create(year=2011, quarter=4, branch=tree[code], metric="new_cards", target=Decimal(10))

    def run():
        return services.assessment_compute(run_id=AssessmentRun.objects.create(year=2011, quarter=4).pk)

    published = run()
    services.assessment_publish(run=published, note="第四季度考核结果", by=user_with_role(Role.LEADER))
    newer = run()  # a corrected run, to publish again
    change, _outcome = import_run_propose(
        kind="targets",
        rows=[{"year": 2012, "quarter": 1, "branch_code": "201", "metric": "new_cards", "target": "20"}],
        file_name="t",
        reason="调整",
        by=staff,
    )
    return {"run": published, "newer": newer, "change": change}


GOVERNANCE = {
    # action → the roles that may take it (the others are refused and change nothing)
    "publish": {Role.LEADER},
    "approve": {Role.LEADER},
    "reject": {Role.LEADER},
    "appeal": {Role.BRANCH_MANAGER},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(GOVERNANCE))
def test_approval_publication_and_appeal_follow_the_role(client, users, governed, action, role):
    from ebank.imports.models import ImportRun
    from reports.models import Appeal, AssessmentPublication

    urls = {
        "publish": (
            reverse("admin:reports_assessmentrun_publish", args=[governed["newer"].pk]),
            {"note": "更正", "reason": "申诉"},
        ),
        "approve": (reverse("admin:imports_importrun_approve", args=[governed["change"].pk]), {}),
        "reject": (
            reverse("admin:imports_importrun_reject", args=[governed["change"].pk]),
            {"rejection": "不同意"},
        ),
        "appeal": (
            reverse("admin:reports_assessmentrun_appeal", args=[governed["run"].pk]),
            {"text": "申诉"},
        ),
    }
    url, data = urls[action]
    client.force_login(users[role])
    state = lambda: (  # noqa: E731
        AssessmentPublication.objects.count(),
        ImportRun.objects.get(pk=governed["change"].pk).status,
        Appeal.objects.count(),
    )
    before = state()
    response = client.post(url, data)
    if role not in GOVERNANCE[action]:
        assert response.status_code == 403 and state() == before
    else:
        assert response.status_code == 302 and state() != before


def test_a_branch_manager_appeals_for_their_own_assessed_branch_only(client, governed, tree):
    from reports.models import Appeal
    from tests.factories import user_with_role

    url = reverse("admin:reports_assessmentrun_appeal", args=[governed["run"].pk])
    # The manager of a sub-branch that is not assessed: refused, nothing recorded.
    client.force_login(user_with_role(Role.BRANCH_MANAGER, tree["a1"], username="mgr-10101"))
    client.post(url, {"text": "东街分社申诉"})
    assert not Appeal.objects.exists()
    # Each manager's appeal is their own branch's, whatever the form says.
    client.force_login(user_with_role(Role.BRANCH_MANAGER, tree["b"], username="mgr-201"))
    client.post(url, {"text": "北山信用社申诉", "branch": tree["a"].pk})
    assert list(Appeal.objects.values_list("branch__code", flat=True)) == ["201"]


def test_a_union_manager_approves_but_edits_no_target_or_plan(client, leader, governed):
    from reports.models import PlanItem, Target

    client.force_login(leader)
    target = Target.objects.first()
    assert (
        client.post(reverse("admin:reports_target_change", args=[target.pk]), {"target": "1"}).status_code
        == 403
    )
    assert (
        client.post(reverse("admin:reports_target_matrix"), {"year": 2012, "quarter": 1}).status_code == 403
    )
    line = PlanItem.objects.first()
    assert (
        client.post(reverse("admin:reports_planitem_change", args=[line.pk]), {"weight": "1"}).status_code
        == 403
    )
    assert client.post(reverse("admin:imports_importrun_add"), {}).status_code == 403
