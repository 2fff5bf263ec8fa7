"""Branches, roles and the scoping layer, as the department's staff would check them."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from ebank.org import services
from ebank.org.models import Branch
from ebank.org.roles import GROUP_NAMES, Role
from ebank.org.scoping import branch_subtree_ids, scope_queryset, user_may_use_branch
from tests.factories import UserFactory, user_with_role


def test_head_office_is_the_only_root(tree, staff):
    with pytest.raises(ValidationError) as error:
        services.branch_create(code="999", name="第二个联社", parent=None, by=staff)
    assert "parent" in error.value.message_dict
    assert not Branch.objects.filter(code="999").exists()


def test_a_branch_cannot_move_below_its_own_sub_branch(tree, staff):
    with pytest.raises(ValidationError):
        services.branch_update(branch=tree["a"], parent=tree["a1"], by=staff)
    tree["a"].refresh_from_db()
    assert tree["a"].parent == tree["hq"]


def test_moving_a_branch_is_on_record_with_who_and_before_after(tree, staff):
    services.branch_update(branch=tree["a1"], parent=tree["b"], by=staff)
    latest, previous = tree["a1"].history.all()[:2]
    assert latest.history_user == staff
    delta = latest.diff_against(previous)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [("parent", tree["a"].pk, tree["b"].pk)]


def test_subtree_reaches_every_depth(tree):
    deep = services.branch_create(code="1010101", name="东街分社储蓄所", parent=tree["a1"], by=None)
    assert set(branch_subtree_ids(branch=tree["a"])) == {tree["a"].pk, tree["a1"].pk, deep.pk}
    assert branch_subtree_ids(branch=tree["b"]) == [tree["b"].pk]


def test_branch_manager_sees_own_branch_and_below_only(tree, manager):
    visible = scope_queryset(user=manager, queryset=Branch.objects.all())
    assert set(visible.values_list("code", flat=True)) == {"101", "10101"}
    assert user_may_use_branch(user=manager, branch=tree["a1"])
    assert not user_may_use_branch(user=manager, branch=tree["b"])
    assert not user_may_use_branch(user=manager, branch=tree["hq"])


def test_staff_and_leader_see_the_whole_union(tree, staff, leader):
    for user in (staff, leader):
        assert scope_queryset(user=user, queryset=Branch.objects.all()).count() == 4


def test_user_without_role_sees_nothing(tree):
    nobody = UserFactory()
    assert scope_queryset(user=nobody, queryset=Branch.objects.all()).count() == 0
    assert not nobody.is_staff


def test_role_decides_group_and_admin_access(tree, staff):
    user = UserFactory()
    services.user_assign_role(user=user, role=Role.BRANCH_MANAGER, branch=tree["b"], by=staff)
    assert list(user.groups.values_list("name", flat=True)) == ["网点主管"]
    assert user.is_staff
    root = UserFactory(is_superuser=True)  # only a superuser makes a union manager
    services.user_assign_role(user=user, role=Role.LEADER, branch=None, by=root)
    assert list(user.groups.values_list("name", flat=True)) == ["联社领导"]
    assert user.history.first().history_user == root
    services.user_assign_role(user=user, role="", branch=None, by=root)
    assert user.groups.count() == 0 and not user.is_staff


def test_branch_manager_needs_a_branch(tree, staff):
    user = UserFactory()
    with pytest.raises(ValidationError):
        services.user_assign_role(user=user, role=Role.BRANCH_MANAGER, branch=None, by=staff)


def test_role_groups_exist_with_their_permissions(db):
    staff = Group.objects.get(name=GROUP_NAMES[Role.STAFF])
    leader = Group.objects.get(name=GROUP_NAMES[Role.LEADER])
    manager = Group.objects.get(name=GROUP_NAMES[Role.BRANCH_MANAGER])
    assert staff.permissions.filter(codename="add_branch").exists()
    assert staff.permissions.filter(codename="change_user").exists()
    leader_codes = set(leader.permissions.values_list("codename", flat=True))
    assert {"view_branch", "view_card", "view_importrun"} <= leader_codes
    # Read-only everywhere; the approval of a change and the publication of a result are theirs.
    governing = {"approve_importrun", "publish_assessmentrun"}
    assert governing <= leader_codes
    assert all(code.startswith("view_") for code in leader_codes - governing)
    manager_codes = set(manager.permissions.values_list("codename", flat=True))
    assert {"view_branch", "view_card"} <= manager_codes
    assert "view_importrun" not in manager_codes and "view_user" not in manager_codes


def test_user_may_use_branch_refuses_none(tree):
    user = user_with_role(Role.STAFF)
    assert not user_may_use_branch(user=user, branch=None)
