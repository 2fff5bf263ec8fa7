"""The registers through the API (a phone or tablet app), one route per declared register under
/api/v1/logbooks/: enter, list, correct, void — no PUT, PATCH or DELETE exists."""

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from ebank.api.errors import call_service
from ebank.api.filters import BranchFilter, FilterSet
from ebank.api.scoping import BranchCodeField, ScopedQuerysetMixin, UserBranchDefault
from ebank.api.serializers import CharField, ModelSerializer, SlugRelatedField

from . import services
from .declarations import registers

SYSTEM_FIELDS = [
    "branch_code",
    "entered_by",
    "entered_at",
    "is_late",
    "amends",
    "correction_reason",
    "is_void",
]


class ScopedPlaceField(SlugRelatedField):
    """A register's place (a terminal) by its number, among those of the user's branches."""

    def __init__(self, place, **kwargs):
        self.place = place
        super().__init__(slug_field=place.slug_field, **kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        return self.place.choices(request.user if request else None)


class CorrectionSerializer(serializers.Serializer):
    correction_reason = CharField(max_length=200)


def _serializer_for(declaration):
    model, place = declaration.model, declaration.place
    fields = [name for name in model.entry_fields if name != "branch"]
    shown = [spec.shown for spec in declaration.write_only.values()]
    attrs = {
        "entered_by": CharField(source="entered_by.username", read_only=True),
        "Meta": type(
            "Meta",
            (),
            {
                "model": model,
                "fields": [
                    "id",
                    *fields,
                    *SYSTEM_FIELDS,
                    *shown,
                    *declaration.write_only,
                ],
                "read_only_fields": [
                    "entered_at",
                    "is_late",
                    "amends",
                    "correction_reason",
                    "is_void",
                    *shown,
                ],
            },
        ),
    }
    if place.is_branch:
        attrs["branch_code"] = BranchCodeField(source="branch", default=UserBranchDefault())
    else:
        attrs[place.field] = ScopedPlaceField(place)
        attrs["branch_code"] = CharField(source="branch.code", read_only=True)
    for name, spec in declaration.write_only.items():
        attrs[name] = CharField(
            write_only=True, max_length=spec.max_length, help_text="in full; kept only hashed and masked"
        )
    return type(f"{model.__name__}Serializer", (ModelSerializer,), attrs)


def _viewset_for(declaration):
    model = declaration.model
    serializer_class = _serializer_for(declaration)
    filterset = type(
        f"{model.__name__}Filter",
        (FilterSet,),
        {
            "branch": BranchFilter(),
            "occurred_on": django_filters.DateFromToRangeFilter(field_name="occurred_at__date"),
            "Meta": type("Meta", (), {"model": model, "fields": ["branch", "occurred_on", "is_void"]}),
        },
    )

    class LogbookViewSet(
        *([declaration.api_mixin] if declaration.api_mixin else []),
        ScopedQuerysetMixin,
        mixins.CreateModelMixin,
        mixins.ListModelMixin,
        mixins.RetrieveModelMixin,
        viewsets.GenericViewSet,
    ):
        queryset = model.objects.select_related("branch", "entered_by").order_by("-occurred_at", "-id")
        filterset_class = filterset

        def get_serializer_class(self):
            return serializer_class

        def perform_create(self, serializer):
            data = dict(serializer.validated_data)
            serializer.instance = call_service(
                services.logbook_enter, model=model, by=self.request.user, **data
            )

        @extend_schema(request=serializer_class, responses={201: serializer_class})
        @action(detail=True, methods=["post"])
        def correct(self, request, pk=None):
            """Correct the entry: a new entry with the changed fields and `correction_reason`."""
            entry = self.get_object()
            body = serializer_class(entry, data=request.data, partial=True, context={"request": request})
            body.is_valid(raise_exception=True)
            reason = CorrectionSerializer(data=request.data)
            reason.is_valid(raise_exception=True)
            changes = dict(body.validated_data)
            new = call_service(
                services.logbook_amend,
                entry=entry,
                by=request.user,
                reason=reason.validated_data["correction_reason"],
                **changes,
            )
            return Response(serializer_class(new, context={"request": request}).data, status=201)

        @extend_schema(request=CorrectionSerializer, responses={201: serializer_class})
        @action(detail=True, methods=["post"])
        def void(self, request, pk=None):
            """Void the entry (department staff): a new entry that cancels it, with the reason."""
            entry = self.get_object()
            if not services.logbook_may_void(user=request.user):
                raise PermissionDenied
            reason = CorrectionSerializer(data=request.data)
            reason.is_valid(raise_exception=True)
            void = call_service(
                services.logbook_void,
                entry=entry,
                by=request.user,
                reason=reason.validated_data["correction_reason"],
            )
            return Response(serializer_class(void, context={"request": request}).data, status=201)

    LogbookViewSet.__name__ = LogbookViewSet.__qualname__ = f"{model.__name__}ViewSet"
    LogbookViewSet.__doc__ = f"{model._meta.verbose_name_plural}: {model.__doc__.splitlines()[0]}"
    return LogbookViewSet


VIEWSETS = {declaration.route: _viewset_for(declaration) for declaration in registers()}
