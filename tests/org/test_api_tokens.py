"""API tokens: hashed, they expire, and they end when the password, the role or the branch
changes, when two-factor login is required or set up, and when staff revoke them."""

import datetime

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from ebank.org import services
from ebank.org.models import ApiToken
from ebank.org.roles import Role
from tests.org.test_two_factor import GOOD, code

pytestmark = pytest.mark.usefixtures("tree")


def token_for(username, **extra) -> str:
    response = APIClient().post("/api/v1/auth/token/", {"username": username, "password": GOOD, **extra})
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"token", "expires_at"}
    return body["token"]


def me(token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.get("/api/v1/me/")


def test_a_token_admits_its_user_and_only_its_hash_is_kept(manager):
    token = token_for("mgr-101")
    assert me(token).json()["username"] == "mgr-101"
    stored = ApiToken.objects.get()
    assert stored.key_hash != token and token not in repr(list(ApiToken.objects.values()))
    assert stored.prefix == token[:8] and stored.last_used_at is not None


def test_a_token_expires(manager, settings):
    settings.API_TOKEN_HOURS = 24
    token = token_for("mgr-101")
    expires = ApiToken.objects.get().expires_at
    assert datetime.timedelta(hours=23) < expires - timezone.now() <= datetime.timedelta(hours=24)
    ApiToken.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    refused = me(token)
    assert refused.status_code == 401 and "令牌已过期" in refused.json()["detail"]
    assert services.api_tokens_purge() == 1 and not ApiToken.objects.exists()


def test_an_old_token_is_refused_after_a_password_change(manager):
    token = token_for("mgr-101")
    manager.set_password("another-horse-battery")
    manager.save()
    refused = me(token)
    assert refused.status_code == 401 and "重新登录" in refused.json()["detail"]


def test_a_password_changed_on_the_admins_page_ends_the_token_too(manager, staff_client):
    token = token_for("mgr-101")
    url = reverse("admin:auth_user_password_change", args=[manager.pk])
    changed = staff_client.post(url, {"password1": "new-horse-battery-9", "password2": "new-horse-battery-9"})
    assert changed.status_code == 302
    assert me(token).status_code == 401


def test_a_role_or_branch_change_revokes_the_tokens(manager, tree, staff):
    token = token_for("mgr-101")
    services.user_assign_role(user=manager, role=Role.BRANCH_MANAGER, branch=tree["b"], by=staff)
    assert not ApiToken.objects.filter(user=manager).exists()
    assert me(token).status_code == 401


@override_settings(TWO_FACTOR_REQUIRED=False)
def test_a_token_issued_before_two_factor_was_required_stops_working(staff, settings):
    token = token_for("staff")
    assert me(token).status_code == 200
    settings.TWO_FACTOR_REQUIRED = True
    refused = me(token)
    assert refused.status_code == 401 and "验证码" in refused.json()["detail"]
    device = TOTPDevice.objects.create(user=staff, name="app", confirmed=True)
    assert me(token_for("staff", otp_token=code(device))).status_code == 200


def test_setting_up_two_factor_revokes_the_tokens(staff):
    token = token_for("staff")
    device = services.totp_device_begin(user=staff)
    assert services.totp_device_confirm(device=device, token=code(device))
    assert me(token).status_code == 401


def test_staff_revoke_a_token(manager, staff_client):
    token = token_for("mgr-101")
    listing = staff_client.get(reverse("admin:org_apitoken_changelist")).content.decode()
    assert token[:8] in listing and token not in listing and "有效" in listing
    response = staff_client.post(
        reverse("admin:org_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [ApiToken.objects.get().pk]},
    )
    assert response.status_code == 302 and not ApiToken.objects.exists()
    assert me(token).status_code == 401


def test_a_branch_manager_sees_no_token_list(manager_client):
    assert manager_client.get(reverse("admin:org_apitoken_changelist")).status_code == 403


def test_resetting_a_lost_phones_authenticator_ends_its_tokens(staff, manager, staff_client):
    TOTPDevice.objects.create(user=manager, name="app", confirmed=True)
    token, _key = services.api_token_issue(user=manager, with_second_factor=True)
    device = TOTPDevice.objects.get(user=manager)
    response = staff_client.post(reverse("admin:org_authenticator_delete", args=[device.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert (
        not TOTPDevice.objects.filter(user=manager).exists()
        and not ApiToken.objects.filter(user=manager).exists()
    )
