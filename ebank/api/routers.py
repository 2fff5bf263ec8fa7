"""The router every area registers its viewsets with."""

from django.db import models
from rest_framework.routers import SimpleRouter


class Router(SimpleRouter):
    """DRF's SimpleRouter with Django path converters: an object whose key is a number has an
    `<int:pk>` address, so `/cards/1x/` or `/cards/%201/` is no address at all (404) where the
    default pattern let `int(" 1")` find card 1, and the schema types the parameter as an integer."""

    def __init__(self):
        super().__init__(use_regex_path=False)

    def get_lookup_regex(self, viewset, lookup_prefix=""):
        if getattr(viewset, "lookup_value_converter", None) is None and _has_number_key(viewset):
            lookup_field = getattr(viewset, "lookup_field", "pk")
            return self._base_pattern.format(
                lookup_prefix=lookup_prefix,
                lookup_url_kwarg=getattr(viewset, "lookup_url_kwarg", None) or lookup_field,
                lookup_value="int",
            )
        return super().get_lookup_regex(viewset, lookup_prefix)


def _has_number_key(viewset) -> bool:
    queryset = getattr(viewset, "queryset", None)
    if queryset is None:
        return False
    meta = queryset.model._meta
    lookup_field = getattr(viewset, "lookup_field", "pk")
    field = meta.pk if lookup_field == "pk" else meta.get_field(lookup_field)
    return isinstance(field, models.IntegerField)  # AutoField and BigAutoField included
