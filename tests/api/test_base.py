"""The API base: branches as cli.md describes them, JSON errors a person can act on, tokens."""

from rest_framework.test import APIClient

from ebank.org.models import Branch


def _api(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_branches_list_as_the_contract_says(tree, leader):
    response = _api(leader).get("/api/v1/branches/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert rows[0] == {"code": "000", "name": "联社营业部", "parent_code": None}
    assert {"code": "10101", "name": "东街分社", "parent_code": "101"} in rows
    assert response.json()["count"] == 4


def test_branch_manager_lists_only_their_branches(tree, manager):
    rows = _api(manager).get("/api/v1/branches/").json()["results"]
    assert [row["code"] for row in rows] == ["101", "10101"]
    assert _api(manager).get("/api/v1/branches/201/").status_code == 404


def test_branches_filter_by_parent(tree, staff):
    rows = _api(staff).get("/api/v1/branches/", {"parent__code": "000"}).json()["results"]
    assert [row["code"] for row in rows] == ["101", "201"]


def test_staff_creates_and_moves_a_branch_on_record(tree, staff):
    response = _api(staff).post(
        "/api/v1/branches/", {"code": "202", "name": "北山分社", "parent_code": "201"}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert Branch.objects.get(code="202").parent == tree["b"]
    response = _api(staff).patch("/api/v1/branches/202/", {"parent_code": "101"}, format="json")
    assert response.status_code == 200 and response.json()["parent_code"] == "101"
    assert Branch.objects.get(code="202").history.first().history_user == staff


def test_cycle_is_refused_with_the_field_named(tree, staff):
    response = _api(staff).patch("/api/v1/branches/101/", {"parent_code": "10101"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert "parent" in body["errors"] and "parent" in body["detail"]
    assert Branch.objects.get(code="101").parent == tree["hq"]


def test_validation_error_names_the_field(tree, staff):
    response = _api(staff).post("/api/v1/branches/", {"code": "303"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["name"]
    assert "name" in response.json()["detail"]


def test_manager_and_leader_cannot_write_branches(tree, manager, leader):
    for user in (manager, leader):
        response = _api(user).post(
            "/api/v1/branches/", {"code": "404", "name": "x", "parent_code": "101"}, format="json"
        )
        assert response.status_code == 403
        assert response.json()["detail"] == "您的角色无权进行此操作。"
    assert not Branch.objects.filter(code="404").exists()


def test_unknown_api_address_answers_json(tree, staff):
    response = _api(staff).get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["detail"]


def test_me_tells_role_and_branch(tree, manager):
    assert _api(manager).get("/api/v1/me/").json() == {
        "username": "mgr-101",
        "full_name": "",
        "role": "branch_manager",
        "branch_code": "101",
    }


def test_token_login_then_scoped_reads(tree, manager):
    anonymous = APIClient()
    response = anonymous.post(
        "/api/v1/auth/token/", {"username": "mgr-101", "password": "correct-horse-battery"}
    )
    assert response.status_code == 200
    anonymous.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    rows = anonymous.get("/api/v1/branches/").json()["results"]
    assert [row["code"] for row in rows] == ["101", "10101"]


def test_schema_and_docs_served_without_network(tree, staff, client):
    client.force_login(staff)
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"/api/v1/branches/" in schema.content
    docs = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in docs and "https://" not in docs.split("<body")[0]


def test_a_branch_without_parent_code_is_refused_naming_the_parent(tree, staff):
    # It was a 500: the service was called without its `parent`.
    response = _api(staff).post("/api/v1/branches/", {"code": "303", "name": "南岗分社"}, format="json")
    assert response.status_code == 400 and "parent" in response.json()["errors"]
    assert not Branch.objects.filter(code="303").exists()
    response = _api(staff).post(
        "/api/v1/branches/", {"code": "303", "name": "南岗分社", "parent_code": ""}, format="json"
    )
    assert response.status_code == 400 and "parent_code" in response.json()["errors"]


def test_staff_have_no_branch_and_the_schema_says_it_may_be_null(tree, staff, client):
    assert _api(staff).get("/api/v1/me/").json()["branch_code"] is None
    client.force_login(staff)
    me = client.get("/api/schema/", {"format": "json"}).json()["components"]["schemas"]["Me"]
    assert me["properties"]["branch_code"]["nullable"] is True
