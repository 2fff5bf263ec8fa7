"""A role's permissions are read once and kept in the cache; a change of role applies at once."""

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ebank.org import services
from ebank.org.models import User
from ebank.org.roles import Role


def _fresh(user):
    return User.objects.get(pk=user.pk)  # as each request loads its user


def test_permissions_are_read_once_then_from_the_cache_and_a_new_role_applies_at_once(
    settings, staff, tree
):
    settings.PERMISSIONS_CACHE_SECONDS = 300
    cache.clear()
    assert _fresh(staff).has_perm("cards.change_card")
    with CaptureQueriesContext(connection) as queries:
        user = _fresh(staff)
        assert user.has_perm("cards.change_card") and user.has_perm("reports.add_yearsummary")
    assert not [q for q in queries.captured_queries if "auth_permission" in q["sql"]]

    services.user_assign_role(user=_fresh(staff), role=Role.LEADER, branch=None, by=None)
    leader = _fresh(staff)
    assert leader.has_perm("cards.view_card") and not leader.has_perm("cards.change_card")


def test_an_inactive_user_has_no_permission_even_when_cached(settings, staff):
    settings.PERMISSIONS_CACHE_SECONDS = 300
    cache.clear()
    assert _fresh(staff).has_perm("cards.view_card")
    User.objects.filter(pk=staff.pk).update(is_active=False)
    assert not _fresh(staff).has_perm("cards.view_card")
