"""Who may make a union manager: the union manager approves the department's changes and publishes
its results, so the department's staff can neither give that role, nor change a union manager's
account or password, nor reset their second factor, nor change their own role."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from ebank.org.models import Authenticator, User
from ebank.org.roles import Role
from ebank.org.services import user_assign_role
from tests.factories import user_with_role


def test_staff_cannot_create_a_union_manager(staff_client):
    response = staff_client.post(
        reverse("admin:org_user_add"),
        {
            "username": "fake-leader",
            "first_name": "冒名",
            "password1": "Zx9!long-pass",
            "password2": "Zx9!long-pass",
            "role": "leader",
        },
    )
    assert response.status_code == 200 and not User.objects.filter(username="fake-leader").exists()


def test_staff_cannot_change_a_union_managers_account_or_password(staff_client, leader):
    assert staff_client.get(reverse("admin:auth_user_password_change", args=[leader.pk])).status_code == 403
    response = staff_client.post(
        reverse("admin:org_user_change", args=[leader.pk]), {"username": "leader", "role": "staff"}
    )
    assert response.status_code == 403
    leader.refresh_from_db()
    assert leader.role == Role.LEADER


def test_staff_cannot_reset_a_union_managers_second_factor(staff_client, leader, staff):
    device = Authenticator.objects.create(user=leader, name="phone", confirmed=True)
    response = staff_client.post(reverse("admin:org_authenticator_delete", args=[device.pk]), {"post": "yes"})
    assert response.status_code == 403 and Authenticator.objects.filter(pk=device.pk).exists()


def test_nobody_changes_their_own_role_and_only_a_superuser_makes_a_union_manager(staff, tree):
    with pytest.raises(ValidationError):
        user_assign_role(user=staff, role=Role.BRANCH_MANAGER, branch=tree["a"], by=staff)
    someone = user_with_role(Role.BRANCH_MANAGER, tree["a"], username="someone")
    with pytest.raises(ValidationError):
        user_assign_role(user=someone, role=Role.LEADER, branch=None, by=staff)
    root = User.objects.create_superuser(username="root", password="Zx9!long-pass")
    assert user_assign_role(user=someone, role=Role.LEADER, branch=None, by=root).role == Role.LEADER
