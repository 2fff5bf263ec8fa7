"""Security-media replacement and the monthly document spot checks."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from netbanking import selectors, services
from netbanking.models import SecurityMedium, SpotCheck
from tests.netbanking.factories import CustomerFactory, SecurityMediumFactory


def test_replacing_a_lost_usb_key_is_on_record(tree, staff):
    old = SecurityMediumFactory(customer=CustomerFactory(branch=tree["a"]))
    new = services.security_medium_replace(
        medium=old, on=datetime.date(2011, 8, 1), reason="客户遗失U盾", serial_no="UK999", by=staff
    )
    old.refresh_from_db()
    assert (old.status, old.replaced_on) == ("replaced", datetime.date(2011, 8, 1))
    assert new.replaces == old and new.kind == "usb_key" and new.status == "in_use"
    assert old.history.first().history_change_reason == "客户遗失U盾"
    with pytest.raises(ValidationError):
        services.security_medium_replace(medium=old, on=datetime.date(2011, 8, 2), reason="再换", by=staff)


def test_replace_through_the_api_by_staff_only(tree, staff, manager):
    medium = SecurityMediumFactory(customer=CustomerFactory(branch=tree["a"]))
    client = APIClient()
    client.force_authenticate(manager)
    body = {"on": "2011-08-01", "reason": "损坏"}
    assert client.post(f"/api/v1/security-media/{medium.pk}/replace/", body, format="json").status_code == 403
    client.force_authenticate(staff)
    response = client.post(f"/api/v1/security-media/{medium.pk}/replace/", body, format="json")
    assert response.status_code == 201 and response.json()["replaces"] == medium.pk
    assert SecurityMedium.objects.filter(status="in_use").count() == 1


def test_spot_check_findings_need_a_deadline_and_rectification_is_tracked(tree, staff):
    with pytest.raises(ValidationError):
        services.spot_check_record(
            branch=tree["a"],
            checked_on=datetime.date(2011, 6, 20),
            scope="签约资料",
            documents_checked=20,
            findings="两份缺客户签字",
            by=staff,
        )
    check = services.spot_check_record(
        branch=tree["a"],
        checked_on=datetime.date(2011, 6, 20),
        scope="签约资料",
        documents_checked=20,
        findings="两份缺客户签字",
        rectify_by=datetime.date(2011, 6, 30),
        by=staff,
    )
    overdue = selectors.spot_checks_overdue(queryset=SpotCheck.objects.all(), today=datetime.date(2011, 7, 1))
    assert list(overdue) == [check]
    services.spot_check_rectify(check=check, on=datetime.date(2011, 7, 2), rectification="已补签", by=staff)
    check.refresh_from_db()
    assert check.deadline_met is False
    assert (
        list(selectors.spot_checks_overdue(queryset=SpotCheck.objects.all(), today=datetime.date(2011, 7, 3)))
        == []
    )


def test_staff_record_a_spot_check_in_the_admin(tree, staff_client, staff):
    response = staff_client.post(
        reverse("admin:netbanking_spotcheck_add"),
        {
            "branch": tree["b"].pk,
            "checked_on": "2011-06-20",
            "scope": "企业网银签约资料",
            "documents_checked": "12",
            "findings": "一份授权书过期",
            "rectify_by": "2011-06-30",
        },
    )
    assert response.status_code == 302
    check = SpotCheck.objects.get()
    assert check.checked_by == staff and check.rectify_by == datetime.date(2011, 6, 30)
    url = reverse("admin:netbanking_spotcheck_change", args=[check.pk])
    assert staff_client.post(url, {"rectified_on": "2011-06-01", "rectification": "x"}).status_code == 200
    assert (
        staff_client.post(url, {"rectified_on": "2011-06-28", "rectification": "已更新授权书"}).status_code
        == 302
    )
    check.refresh_from_db()
    assert check.deadline_met is True


def test_the_schema_says_a_replacement_is_created(staff, client):
    client.force_login(staff)
    paths = client.get("/api/schema/", {"format": "json"}).json()["paths"]
    responses = paths["/api/v1/security-media/{id}/replace/"]["post"]["responses"]
    assert "201" in responses and "200" not in responses
