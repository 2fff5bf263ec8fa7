"""Bad input through the API: refused with a 400 that names the parameter or field,
instead of being read as something else; and the schema documents every answer a client can get.
Each test is one of the defects that tests/api/test_schemathesis.py found."""

import datetime
import zoneinfo

import pytest
from django.test import Client
from rest_framework.test import APIClient

from ebank.api.serializers import DateTimeField
from netbanking.models import CalendarDay
from tests.cards.factories import CardFactory


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def schema(staff, client):
    client.force_login(staff)
    return client.get("/api/schema/", {"format": "json"}).json()


# --- addresses ----------------------------------------------------------------------------------


def test_a_post_to_an_unknown_api_address_answers_json_not_the_csrf_page(staff):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    response = client.post("/api/v1/no-such-thing/", {"x": "1"})
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json" and response.json()["detail"]


@pytest.mark.parametrize("number", ["%20{pk}", "+{pk}", "{pk}x", "{fullwidth}"])
def test_an_object_number_is_digits_only(staff, tree, number):
    card = CardFactory(branch=tree["a"])
    assert _api(staff).get(f"/api/v1/cards/{card.pk}/").status_code == 200
    fullwidth = "".join(chr(ord("０") + int(digit)) for digit in str(card.pk))  # int() reads these too
    response = _api(staff).get(f"/api/v1/cards/{number.format(pk=card.pk, fullwidth=fullwidth)}/")
    assert response.status_code == 404 and response.json()["detail"]


# --- pages ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query,field",
    [
        ({"page_size": "null"}, "page_size"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "501"}, "page_size"),
        ({"page_size": " 5"}, "page_size"),
        ({"page": "last"}, "page"),
        ({"page": "0"}, "page"),
        ({"page": "二"}, "page"),
    ],
)
def test_a_page_or_page_size_that_is_not_a_whole_number_in_range_is_refused(staff, tree, query, field):
    response = _api(staff).get("/api/v1/branches/", query)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field] and field in response.json()["detail"]


def test_page_size_within_range_and_empty_parameters_are_the_default(staff, tree):
    assert len(_api(staff).get("/api/v1/branches/", {"page_size": "2"}).json()["results"]) == 2
    assert _api(staff).get("/api/v1/branches/", {"page_size": "", "page": ""}).json()["count"] == 4
    assert _api(staff).get("/api/v1/branches/", {"page": "9"}).status_code == 404  # past the last


# --- filters --------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["yes", "null", "2"])
def test_a_yes_no_filter_refuses_what_is_neither(staff, tree, value):
    response = _api(staff).get("/api/v1/cards/", {"sms_alert": value})
    assert response.status_code == 400 and "sms_alert" in response.json()["errors"]
    response = _api(staff).get("/api/v1/tickets/", {"overdue": value})
    assert response.status_code == 400 and "overdue" in response.json()["errors"]


def test_a_yes_no_filter_filters(staff, tree):
    CardFactory(branch=tree["a"], sms_alert=True, sms_since=datetime.date(2011, 3, 1))
    CardFactory(branch=tree["a"], sms_alert=False)
    for value, expected in [("true", [True]), ("0", [False]), ("", [False, True])]:
        rows = _api(staff).get("/api/v1/cards/", {"sms_alert": value}).json()["results"]
        assert sorted(row["sms_alert"] for row in rows) == expected


# --- bodies ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body,field",
    [
        ({"day": "2030-10-01", "kind": "holiday", "name": 0}, "name"),
        ({"day": 20301001, "kind": "holiday", "name": "国庆节"}, "day"),
        ({"day": "2030-10-01", "kind": ["holiday"], "name": "国庆节"}, "kind"),
    ],
)
def test_a_value_of_the_wrong_json_type_is_refused(staff, db, body, field):
    response = _api(staff).post("/api/v1/calendar-days/", body, format="json")
    assert response.status_code == 400 and list(response.json()["errors"]) == [field]
    assert not CalendarDay.objects.exists()


def test_bodies_are_json(staff, db):
    form = {"day": "2030-10-01", "kind": "holiday", "name": "国庆节"}
    response = _api(staff).post("/api/v1/calendar-days/", form)  # APIClient's default: multipart
    assert response.status_code == 415 and response.json()["detail"]
    assert not CalendarDay.objects.exists()


def test_the_schema_says_bodies_are_json(schema):
    operation = schema["paths"]["/api/v1/calendar-days/"]["post"]
    assert list(operation["requestBody"]["content"]) == ["application/json"]
    assert "415" in operation["responses"]


def test_the_token_login_still_takes_a_form(tree, manager):
    form = {"username": "mgr-101", "password": "correct-horse-battery"}
    assert APIClient().post("/api/v1/auth/token/", form).status_code == 200


def test_a_time_before_1901_is_written_as_rfc_3339(settings):
    # Asia/Shanghai's offset before 1901 is local mean time, +08:05:43: seconds RFC 3339 has no room for.
    shanghai = zoneinfo.ZoneInfo("Asia/Shanghai")
    field = DateTimeField()
    old = datetime.datetime(1900, 6, 1, 12, 0, tzinfo=shanghai)
    assert field.to_representation(old) == "1900-06-01T03:54:17Z"
    recent = datetime.datetime(2011, 6, 1, 9, 30, tzinfo=shanghai)
    assert field.to_representation(recent) == "2011-06-01T09:30:00+08:00"


# --- the schema -----------------------------------------------------------------------------------


def test_the_schema_documents_the_errors_each_operation_gives(schema):
    paths = schema["paths"]
    assert set(paths["/api/v1/cards/"]["get"]["responses"]) == {"200", "400", "403", "404"}
    assert set(paths["/api/v1/cards/{id}/"]["get"]["responses"]) == {"200", "403", "404"}
    assert set(paths["/api/v1/me/"]["get"]["responses"]) == {"200", "403"}
    bad_input = paths["/api/v1/disbursements/"]["post"]["responses"]["400"]["content"]["application/json"]
    assert bad_input["schema"] == {"$ref": "#/components/schemas/ValidationError"}
    assert schema["components"]["schemas"]["ValidationError"]["required"] == ["detail"]
    assert set(paths["/api/v1/auth/token/"]["post"]["responses"]) == {"200", "400", "403", "415", "429"}
    assert "otp_token" in schema["components"]["schemas"]["TokenLoginRequest"]["properties"]
    assert "404" in paths["/api/v1/figures/"]["get"]["responses"]


def test_the_schema_types_object_numbers_pages_and_empty_filters(schema):
    (number,) = schema["paths"]["/api/v1/cards/{id}/"]["get"]["parameters"]
    assert number["schema"] == {"type": "integer"}
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/cards/"]["get"]["parameters"]}
    assert parameters["page_size"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 500}
    assert parameters["issued_on_before"]["allowEmptyValue"] is True  # empty: no bound
    assert parameters["sms_alert"]["schema"] == {"type": "boolean"}


# --- dates no one works with --------------------------------------------------------------------


@pytest.mark.parametrize("as_of", ["0001-01-01", "9999-12-31", "1999-12-31"])
def test_figures_at_a_date_out_of_range_are_refused_by_name(staff, as_of):
    response = _api(staff).get("/api/v1/figures/", {"as_of": as_of})
    assert response.status_code == 400
    assert response.json()["errors"]["as_of"] == ["日期须在 2000-01-01 至 2099-12-31 之间。"]


@pytest.mark.parametrize("month", ["0001-01", "9999-12"])
def test_a_ticket_summary_of_a_month_out_of_range_is_refused(staff, month):
    response = _api(staff).get("/api/v1/tickets/summary/", {"month": month})
    assert response.status_code == 400 and "2000" in response.json()["errors"]["month"][0]


def test_the_figures_command_refuses_a_date_out_of_range(db):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="2000-01-01"):
        call_command("figures", "--as-of", "0001-01-01")


@pytest.mark.parametrize("year", ["1", "9999", "x"])
def test_the_dashboard_of_a_year_out_of_range_says_so_and_shows_one_it_has(staff_client, year):
    response = staff_client.get("/dashboard/", {"year": year})
    page = response.content.decode()
    assert response.status_code == 200
    assert "年份须在 2000 至 2099 之间" in page or "请用四位数字填写年份" in page
