"""Schemathesis against /api/schema/, logged in as each role.

For every operation of the schema, as department staff, a branch manager and a union manager:
no 5xx; every answer's status code, content type and body as the schema documents them; and input
that breaks the schema (wrong types, missing or unknown fields, values out of range, malformed
bodies) refused with a 4xx. Deterministic (fixed seed, derandomized), so CI sees what a developer
sees.

Phases: the fuzzing phase (schema-valid and schema-breaking requests drawn by Hypothesis) runs for
every role; the coverage phase (every boundary and every kind of wrong value the schema implies,
field by field, several thousand requests) runs as department staff, the role that may write
nearly everything and so reaches every validation. Input validation does not depend on the role;
what does (scope, permissions) the fuzzing phase reaches for each role. About ten thousand
requests in all: two to two and a half minutes on a 2-core machine.
"""

import zlib

import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.urls import resolve
from drf_spectacular.generators import EndpointEnumerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from ebank.org.models import Branch
from ebank.org.roles import Role
from ebank.org.scoping import branch_lookup
from ebank.org.services import api_token_issue
from netbanking.models import Customer
from terminals.models import Terminal
from tests.factories import OBJECT_MAKERS

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
# Not run: `positive_data_acceptance`, because a schema-valid body may still name a branch, terminal
# or customer that does not exist or is not the user's, or break a business rule (a date before the
# card was issued), and is rightly refused with a 400; and the checks that need state across calls
# (`ignored_auth`, `use_after_free`, `ensure_resource_availability`): who may reach which object is
# tests/test_scoping_matrix.py's work, object by object and role by role.

COVERAGE_ROLES = {Role.STAFF}


def _config(role):
    """Deterministic runs; in bodies, the numbers of objects that exist (branches, terminals,
    customers, users) most of the time, so that valid requests get past "no such terminal"."""
    known = {
        "branch_code": Branch.objects.values_list("code", flat=True),
        "parent_code": Branch.objects.values_list("code", flat=True),
        "terminal": Terminal.objects.values_list("terminal_no", flat=True),
        "customer_no": Customer.objects.values_list("customer_no", flat=True),
        "assigned_to": get_user_model().objects.values_list("username", flat=True),
    }
    return schemathesis.Config.from_dict(
        {
            "seed": 20110601,
            "generation": {"deterministic": True, "database": "none"},
            "phases": {
                "examples": {"enabled": False},  # the schema has no examples
                "coverage": {"enabled": role in COVERAGE_ROLES},
                "fuzzing": {"enabled": True},
            },
            "dictionaries": {field: {"values": sorted(values)} for field, values in known.items()},
            "parameters": {f"body.{field}": {"dictionary": field, "probability": 0.8} for field in known},
        }
    )


def _api_models():
    models = set()
    for _path, _regex, _method, callback in EndpointEnumerator().get_api_endpoints():
        queryset = getattr(getattr(callback, "cls", None), "queryset", None)
        if queryset is not None:
            models.add(queryset.model)
    return sorted(models, key=lambda model: model._meta.label_lower)


@pytest.fixture
def api_data(tree):
    """Objects of every API model: in the manager's branch, below it, and in the sibling branch."""
    for model in _api_models():
        maker = OBJECT_MAKERS[model._meta.label_lower]
        branches = [tree["a"], tree["a1"], tree["b"]] if branch_lookup(model) else [tree["a"], tree["b"]]
        for branch in branches:
            maker(branch)


@pytest.fixture
def wsgi_requests_keep_the_test_transaction():
    """Keep the database connection from one request to the next, as Django's test client does:
    the test's transaction, rolled back at its end, must outlive each request."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def node_id_for_schemathesis(request):
    """Schemathesis (to 4.32.5, the latest) reads `request.node._nodeid` to name each operation;
    pytest 9.2 keeps the id as `_id`. Give this test's node the attribute so the lazy loader runs;
    each operation is then named in its subtest's label."""
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid


@pytest.fixture(params=[Role.STAFF, Role.BRANCH_MANAGER, Role.LEADER])
def role(request):
    return request.param


@pytest.fixture
def auth_headers(role, staff, manager, leader):
    user = {Role.STAFF: staff, Role.BRANCH_MANAGER: manager, Role.LEADER: leader}[role]
    _token, key = api_token_issue(user=user, with_second_factor=False)
    return {"Authorization": f"Token {key}"}


@pytest.fixture
def api_schema(
    node_id_for_schemathesis, wsgi_requests_keep_the_test_transaction, api_data, role, auth_headers
):
    """The schema as /api/schema/ serves it to the role, for the role's test run."""
    return schemathesis.openapi.from_wsgi(
        "/api/schema/", get_wsgi_application(), headers=auth_headers, config=_config(role)
    )


schema = schemathesis.pytest.from_fixture("api_schema")


def _existing_keys(path_template):
    """The keys of the objects an address like /api/v1/cards/{id}/ names, of every branch."""
    match = resolve(path_template.replace("{id}", "1").replace("{code}", "x"))
    view = match.func.cls
    return list(view.queryset.model._default_manager.order_by("pk").values_list(view.lookup_field, flat=True))


def _aim_at_existing_objects(case):
    """Point a schema-valid object address at an object that exists (in or out of the user's
    scope), chosen by the generated value; random numbers would almost only meet 404s."""
    if not case.path_parameters:
        return
    component = case.meta.components.get(ParameterLocation.PATH) if case.meta else None
    if component is not None and component.mode.is_negative:
        return
    keys = _existing_keys(case.operation.path)
    if not keys:
        return
    for name, value in case.path_parameters.items():
        if name == "id" and isinstance(value, int) and not isinstance(value, bool):
            case.path_parameters[name] = keys[value % len(keys)]
        elif name == "code" and isinstance(value, str):
            case.path_parameters[name] = keys[zlib.crc32(value.encode("utf-8", "surrogatepass")) % len(keys)]


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    database=None,
    # Requests through the whole stack are slow for Hypothesis's taste, and the fixtures (a token,
    # the data) are the same for every example of a role.
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
def test_api(case, auth_headers):
    _aim_at_existing_objects(case)
    case.call_and_validate(headers=auth_headers, checks=CHECKS)
