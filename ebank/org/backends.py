"""Model permissions read once per role, not on every request.

Django's ModelBackend reads a user's permissions from the database on every request (two queries,
joined through the groups). In ebank they follow the role alone (ebank/org/roles.py: the role's
group gets exactly its permissions, set by data migrations), so they are kept in the cache under
the user, their role and superuser flag: a change of role is a new key and takes effect at once;
a change of a group's permissions (a deployment's migration) within PERMISSIONS_CACHE_SECONDS.
"""

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache


class RoleModelBackend(ModelBackend):
    def _get_permissions(self, user_obj, obj, from_name):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        cached = f"_{from_name}_perm_cache"
        if not hasattr(user_obj, cached):
            key = f"perms:{from_name}:{user_obj.pk}:{getattr(user_obj, 'role', '')}:{user_obj.is_superuser}"
            perms = cache.get(key)
            if perms is None:
                perms = super()._get_permissions(user_obj, obj, from_name)
                cache.set(key, perms, settings.PERMISSIONS_CACHE_SECONDS)
            setattr(user_obj, cached, perms)
        return getattr(user_obj, cached)
