"""Two-factor login (TOTP) for department staff and union managers when the setting requires it:
set up from a QR code the first time, a code at every login, the API too; branch managers are
not asked; a lost phone is reset by staff."""

import time

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from ebank.org.roles import Role
from tests.factories import user_with_role

GOOD = "correct-horse-battery"
pytestmark = pytest.mark.usefixtures("tree")


def code(device, offset=0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset * device.step
    return f"{totp.token():06d}"


def login(username) -> Client:
    client = Client()
    response = client.post(reverse("admin:login"), {"username": username, "password": GOOD, "next": "/"})
    assert response.status_code == 302
    return client


@override_settings(TWO_FACTOR_REQUIRED=True)
def test_staff_set_up_an_authenticator_then_give_a_code_at_every_login(staff):
    client = login("staff")
    response = client.get("/cards/card/")
    assert response.status_code == 302
    assert response["Location"] == "/account/two-factor/setup/?next=/cards/card/"
    page = client.get(response["Location"]).content.decode()
    assert "<svg" in page and 'id="secret"' in page  # the QR code and the key to type by hand
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    assert device.key not in page  # the hex key is never shown; the base32 form is, for the app

    wrong = client.post("/account/two-factor/setup/", {"token": "000000", "next": "/cards/card/"})
    assert "验证码不正确或已过期" in wrong.content.decode()
    device.refresh_from_db()
    device.throttling_failure_count, device.throttling_failure_timestamp = 0, None
    device.save()
    confirmed = client.post("/account/two-factor/setup/", {"token": code(device), "next": "/cards/card/"})
    assert confirmed.status_code == 302 and confirmed["Location"] == "/cards/card/"
    assert client.get("/cards/card/").status_code == 200

    client.post(reverse("admin:logout"))
    client = login("staff")
    assert client.get("/").headers["Location"] == "/account/two-factor/?next=/"
    device.refresh_from_db()
    given = client.post("/account/two-factor/", {"token": code(device, offset=1), "next": "/"})
    assert given.status_code == 302 and client.get("/").status_code == 200


@override_settings(TWO_FACTOR_REQUIRED=True)
def test_union_managers_and_superusers_are_asked_branch_managers_are_not(leader, manager):
    from ebank.org.models import User

    User.objects.create_superuser("it-admin", password=GOOD)
    assert login("leader").get("/").status_code == 302
    assert login("it-admin").get("/").status_code == 302
    assert login("mgr-101").get("/").status_code == 200


def test_nobody_is_asked_when_the_setting_is_off(staff, leader):
    assert login("staff").get("/").status_code == 200
    assert login("leader").get("/").status_code == 200


@override_settings(TWO_FACTOR_REQUIRED=True)
def test_wrong_codes_slow_down_the_next_try(staff):
    device = TOTPDevice.objects.create(user=staff, name="app", confirmed=True)
    client = login("staff")
    for _ in range(2):
        client.post("/account/two-factor/", {"token": "000000"})
    page = client.post("/account/two-factor/", {"token": code(device)}).content.decode()
    assert "错误次数过多" in page
    assert client.get("/").status_code == 302  # still not in


@override_settings(TWO_FACTOR_REQUIRED=True)
def test_the_api_asks_for_the_code_too(staff):
    api = APIClient()
    refused = api.post("/api/v1/auth/token/", {"username": "staff", "password": GOOD})
    assert refused.status_code == 403 and "先在浏览器中设置" in refused.json()["detail"]
    device = TOTPDevice.objects.create(user=staff, name="app", confirmed=True)
    wrong = api.post("/api/v1/auth/token/", {"username": "staff", "password": GOOD, "otp_token": "000000"})
    assert wrong.status_code == 400 and "otp_token" in wrong.json()["errors"]
    device.refresh_from_db()
    device.throttling_failure_count, device.throttling_failure_timestamp = 0, None
    device.save()
    body = {"username": "staff", "password": GOOD, "otp_token": code(device)}
    given = api.post("/api/v1/auth/token/", body)
    assert given.status_code == 200 and len(given.json()["token"]) == 40
    # A browser session that has not given the code reads no API either.
    assert login("staff").get("/api/v1/me/").status_code == 403


@override_settings(TWO_FACTOR_REQUIRED=True)
def test_staff_reset_a_lost_authenticator_without_seeing_any_secret(staff, leader):
    # Another staff member's phone (a union manager's is a superuser's to reset).
    colleague = user_with_role(Role.STAFF, username="staff-2")
    lost = TOTPDevice.objects.create(user=colleague, name="app", confirmed=True)
    mine = TOTPDevice.objects.create(user=staff, name="app", confirmed=True)
    client = login("staff")
    client.post("/account/two-factor/", {"token": code(mine)})
    listing = client.get("/org/authenticator/").content.decode()
    assert "staff-2" in listing and lost.key not in listing
    page = client.get(f"/org/authenticator/{lost.pk}/change/").content.decode()
    assert lost.key not in page and "otpauth://" not in page
    client.post(f"/org/authenticator/{lost.pk}/delete/", {"post": "yes"})
    assert not TOTPDevice.objects.filter(pk=lost.pk).exists()
    assert login("leader").get("/").headers["Location"].startswith("/account/two-factor/setup/")
