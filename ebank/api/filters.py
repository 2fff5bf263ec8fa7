"""Filters every list shares: by branch (with the branches below it) and by date range."""

import django_filters

from ebank.org.models import Branch
from ebank.org.scoping import branch_lookup, branch_subtree_ids


class BranchFilter(django_filters.CharFilter):
    """`?branch=CODE`: objects of that branch and of every branch below it."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "branch code (with the branches below it)")
        super().__init__(**kwargs)

    def filter(self, queryset, value):
        if not value:
            return queryset
        branch = Branch.objects.filter(code=value).first()
        if branch is None:
            return queryset.none()
        lookup = branch_lookup(queryset.model)
        return queryset.filter(**{f"{lookup}__in": branch_subtree_ids(branch=branch)})
