"""docs/architecture.md's recipes, followed in a test-only area (tests/example_area): a register and
a metric declared there reach the admin, the API, the scoping matrix, the printout and the figures,
with no edit anywhere else."""

import datetime
import io

import pypdf
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from ebank.org.roles import Role, access_for
from reports.metrics import BY_CODE
from reports.selectors import figures
from tests.example_area.models import KeyHandover
from tests.factories import OBJECT_MAKERS
from tests.test_scoping_matrix import ADMIN_MODELS


def test_the_register_is_in_the_admin_with_its_roles_and_in_the_scoping_matrix(tree, manager_client):
    assert KeyHandover in ADMIN_MODELS and "example_area.keyhandover" in OBJECT_MAKERS
    access = access_for(KeyHandover)
    assert access.branch_owned and access.actions(Role.BRANCH_MANAGER) == ("view", "add")
    page = manager_client.get(reverse("admin:example_area_keyhandover_add"))
    assert page.status_code == 200 and 'name="item"' in page.content.decode()
    response = manager_client.post(
        reverse("admin:example_area_keyhandover_add"),
        {
            "branch": tree["a1"].pk,
            "occurred_at_0": "2011-06-01",
            "occurred_at_1": "09:00:00",
            "item": "ATM T0001 钥匙",
            "handed_by": "张三",
            "received_by": "李四",
        },
    )
    assert response.status_code == 302
    entry = KeyHandover.objects.get()
    assert entry.entered_by.username == "mgr-101" and entry.branch == tree["a1"]


def test_the_register_has_its_api_route_and_its_corrections(tree, manager):
    api = APIClient()
    api.force_authenticate(manager)
    body = {
        "occurred_at": "2011-06-02T09:00:00+08:00",
        "item": "密码信封",
        "handed_by": "张",
        "received_by": "李",
    }
    created = api.post("/api/v1/logbooks/key-handovers/", body, format="json")
    assert created.status_code == 201 and created.json()["branch_code"] == "101"
    corrected = api.post(
        f"/api/v1/logbooks/key-handovers/{created.json()['id']}/correct/",
        {"received_by": "王", "correction_reason": "接收人写错"},
        format="json",
    )
    assert corrected.status_code == 201 and corrected.json()["amends"] == created.json()["id"]
    sibling = OBJECT_MAKERS["example_area.keyhandover"](tree["b"])
    assert api.get(f"/api/v1/logbooks/key-handovers/{sibling.pk}/").status_code == 404


def test_the_register_prints_its_month(tree, manager, manager_client):
    OBJECT_MAKERS["example_area.keyhandover"](tree["a"])
    response = manager_client.get(
        reverse("admin:example_area_keyhandover_print"), {"month": "2011-06", "branch": tree["a"].pk}
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(response.content)).pages)
    assert "key handover register" in text and "1 条" in text.replace("\n", "")


def test_the_metric_is_in_the_figures(tree):
    assert BY_CODE["key_handovers"].label == "钥匙交接次数"
    for branch in (tree["a1"], tree["a1"], tree["b"]):
        OBJECT_MAKERS["example_area.keyhandover"](branch)
    void = KeyHandover.objects.order_by("id").first()  # one of 东街分社's
    KeyHandover.objects.create(
        branch=void.branch,
        occurred_at=void.occurred_at,
        entered_by=void.entered_by,
        entered_at=timezone.now(),
        item=void.item,
        handed_by=void.handed_by,
        received_by=void.received_by,
        amends=void,
        is_void=True,
        correction_reason="重复登记",
    )
    as_of = datetime.date(2011, 12, 31)
    assert figures(as_of=as_of)["key_handovers"] == 2  # the voided entry no longer counts
    assert figures(as_of=as_of, branch=tree["b"])["key_handovers"] == 1


def test_the_moved_registers_old_addresses_still_open_them(tree, staff_client):
    entry = OBJECT_MAKERS["cards.cardriskcheck"](tree["a"])
    response = staff_client.get(f"/terminals/cardriskcheck/{entry.pk}/change/?x=1")
    assert (
        response.status_code == 302 and response["Location"] == f"/cards/cardriskcheck/{entry.pk}/change/?x=1"
    )
    assert staff_client.get(response["Location"]).status_code == 200
    assert staff_client.get("/terminals/itmaintenance/", follow=True).status_code == 200
