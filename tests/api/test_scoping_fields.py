"""The serializer parts every area's API uses for a branch-owned object: a branch manager's new
object gets their branch from the server, and a branch outside their scope is refused."""

from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from ebank.api.scoping import BranchCodeField, UserBranchDefault


class NewObjectSerializer(serializers.Serializer):
    branch_code = BranchCodeField(source="branch", default=UserBranchDefault())


def _validate(user, data):
    request = APIRequestFactory().post("/")
    request.user = user
    serializer = NewObjectSerializer(data=data, context={"request": request})
    serializer.is_valid()
    return serializer


def test_branch_manager_gets_their_own_branch_when_none_is_given(tree, manager):
    serializer = _validate(manager, {})
    assert serializer.validated_data["branch"] == tree["a"]


def test_branch_manager_may_name_a_branch_below_theirs(tree, manager):
    assert _validate(manager, {"branch_code": "10101"}).validated_data["branch"] == tree["a1"]


def test_a_sibling_branch_is_refused_as_if_it_did_not_exist(tree, manager):
    serializer = _validate(manager, {"branch_code": "201"})
    assert serializer.errors == {"branch_code": ["您管辖的机构中没有机构号为 201 的机构。"]}


def test_staff_must_name_the_branch(tree, staff):
    assert _validate(staff, {}).errors == {"branch_code": ["请填写机构号。"]}
    assert _validate(staff, {"branch_code": "201"}).validated_data["branch"] == tree["b"]
