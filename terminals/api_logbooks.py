"""The logbooks through the API (a phone or tablet app): enter, list, correct, void — no PUT,
PATCH or DELETE exists."""

import datetime

import django_filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from ebank.api.errors import call_service
from ebank.api.filters import BranchFilter, FilterSet
from ebank.api.scoping import BranchCodeField, ScopedQuerysetMixin, UserBranchDefault
from ebank.api.serializers import CharField, IntegerField, ModelSerializer, SlugRelatedField
from ebank.dates import date_range_problem
from ebank.org.scoping import scope_queryset, scoped_branches

from . import selectors, services
from .models import Terminal
from .models.logbooks import REGISTERS, RetainedCard, TerminalEntry

SYSTEM_FIELDS = ["branch_code", "entered_by", "entered_at", "amends", "correction_reason", "is_void"]


class ScopedTerminalField(SlugRelatedField):
    """A terminal by its number, among the user's branches' terminals of the register's kind."""

    def __init__(self, kind, **kwargs):
        self.kind = kind
        super().__init__(slug_field="terminal_no", **kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        terminals = Terminal.objects.filter(kind=self.kind)
        return scope_queryset(user=request.user, queryset=terminals) if request else terminals.none()


class CorrectionSerializer(serializers.Serializer):
    correction_reason = CharField(max_length=200)


def _serializer_for(model):
    fields = [name for name in model.entry_fields if name != "branch"]
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
                    *(["card_masked", "card_no"] if model is RetainedCard else []),
                ],
                "read_only_fields": ["entered_at", "amends", "correction_reason", "is_void", "card_masked"],
            },
        ),
    }
    if issubclass(model, TerminalEntry):
        attrs["terminal"] = ScopedTerminalField(model.terminal_kind)
        attrs["branch_code"] = CharField(source="branch.code", read_only=True)
    else:
        attrs["branch_code"] = BranchCodeField(source="branch", default=UserBranchDefault())
    if model is RetainedCard:
        attrs["card_no"] = CharField(write_only=True, max_length=19, help_text="in full; kept hashed")
    return type(f"{model.__name__}Serializer", (ModelSerializer,), attrs)


def _viewset_for(model):
    serializer_class = _serializer_for(model)
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


ROUTES = {
    "atm-cash-log": REGISTERS[0],
    "atm-inspections": REGISTERS[1],
    "atm-faults": REGISTERS[2],
    "atm-repairs": REGISTERS[3],
    "atm-cash-differences": REGISTERS[4],
    "retained-cards": REGISTERS[5],
    "pos-maintenance": REGISTERS[6],
    "card-risk-checks": REGISTERS[7],
    "it-maintenance": REGISTERS[8],
}
VIEWSETS = {route: _viewset_for(model) for route, model in ROUTES.items()}


class ComplianceSerializer(serializers.Serializer):
    branch_code = CharField()
    due = IntegerField()
    missed = IntegerField()
    rate = serializers.FloatField(allow_null=True, help_text="share of due inspections done, %")


class AtmInspectionViewSet(VIEWSETS["atm-inspections"]):
    @extend_schema(
        parameters=[
            OpenApiParameter("start", datetime.date, required=True),
            OpenApiParameter("end", datetime.date, required=True),
        ],
        responses=ComplianceSerializer(many=True),
    )
    @action(detail=False, methods=["get"], pagination_class=None)  # one row per branch: no pages
    def compliance(self, request):
        """Each of the user's branches with ATMs: inspections due, missed and the rate, for a period."""
        try:
            start = datetime.date.fromisoformat(request.query_params.get("start", ""))
            end = datetime.date.fromisoformat(request.query_params.get("end", ""))
        except ValueError:
            raise ValidationError({"start": ["Give start and end as YYYY-MM-DD."]}) from None
        if end < start or (end - start).days > 366:
            raise ValidationError({"end": ["The period runs from start to end, a year at most."]})
        for name, day in (("start", start), ("end", end)):
            if problem := date_range_problem(day):
                raise ValidationError({name: [problem]})
        atms = scope_queryset(user=request.user, queryset=Terminal.objects.filter(kind=Terminal.Kind.ATM))
        rows = []
        for branch in scoped_branches(user=request.user).filter(terminals__kind=Terminal.Kind.ATM).distinct():
            figures = selectors.inspection_compliance(atms=atms.filter(branch=branch), start=start, end=end)
            rows.append({"branch_code": branch.code, **figures})
        return Response(ComplianceSerializer(rows, many=True).data)


AtmInspectionViewSet.__doc__ = VIEWSETS["atm-inspections"].__doc__
VIEWSETS["atm-inspections"] = AtmInspectionViewSet
