"""Filters every list shares: by branch (with the branches below it), by date range, and yes/no
filters that refuse what is neither yes nor no."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.rest_framework import FilterSet as RestFilterSet
from django_filters.rest_framework.filterset import FILTER_FOR_DBFIELD_DEFAULTS

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


class YesNoField(forms.NullBooleanField):
    """`true`/`false` (or `1`/`0`); empty means "either". Django's own field reads any other value
    as "either", so `?sms_alert=yes` would list every card as if it had filtered them."""

    widget = forms.TextInput
    default_error_messages = {"invalid": _("Give true or false.")}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        spelled = str(value).lower()
        if spelled in ("true", "1"):
            return True
        if spelled in ("false", "0"):
            return False
        raise ValidationError(self.error_messages["invalid"], code="invalid")


class BooleanFilter(django_filters.BooleanFilter):
    field_class = YesNoField


class FilterSet(RestFilterSet):
    """The API's filter sets: a model's yes/no fields filter with `BooleanFilter`."""

    FILTER_DEFAULTS = {
        **FILTER_FOR_DBFIELD_DEFAULTS,
        models.BooleanField: {"filter_class": BooleanFilter},
    }


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, building `filterset_fields` filter sets on the API's `FilterSet`."""

    filterset_base = FilterSet
