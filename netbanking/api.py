import django_filters
from django.contrib.auth import get_user_model
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from ebank.api.errors import call_service
from ebank.api.filters import BooleanFilter, BranchFilter, FilterSet
from ebank.api.scoping import ScopedQuerysetMixin
from ebank.dates import year_problem

from . import selectors, services
from .models import CalendarDay, Customer, SecurityMedium, SpotCheck, Ticket, Transfer
from .serializers import (
    CalendarDaySerializer,
    CustomerSerializer,
    MediumReplaceSerializer,
    SecurityMediumSerializer,
    SpotCheckRectifySerializer,
    SpotCheckSerializer,
    TicketAssignSerializer,
    TicketCloseSerializer,
    TicketSerializer,
    TicketSummarySerializer,
    TransferSerializer,
)


class CustomerFilter(FilterSet):
    branch = BranchFilter()
    signed_on = django_filters.DateFromToRangeFilter()

    class Meta:
        model = Customer
        fields = ["branch", "kind", "status", "signed_on", "customer_no"]


class CustomerViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    """Online-banking customers (from the core banking extract)."""

    queryset = Customer.objects.select_related("branch").order_by("customer_no")
    serializer_class = CustomerSerializer
    filterset_class = CustomerFilter


class SecurityMediumFilter(FilterSet):
    branch = BranchFilter()

    class Meta:
        model = SecurityMedium
        fields = ["branch", "kind", "status"]


class SecurityMediumViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    """Customers' security media; `replace` swaps a lost or broken one for a new one (staff)."""

    queryset = SecurityMedium.objects.select_related("customer__branch").order_by("-id")
    serializer_class = SecurityMediumSerializer
    filterset_class = SecurityMediumFilter

    @extend_schema(request=MediumReplaceSerializer, responses={201: SecurityMediumSerializer})
    @action(detail=True, methods=["post"])
    def replace(self, request, pk=None):
        medium = self.get_object()
        body = MediumReplaceSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        new = call_service(
            services.security_medium_replace, medium=medium, by=request.user, **body.validated_data
        )
        return Response(SecurityMediumSerializer(new).data, status=201)


class TransferFilter(FilterSet):
    branch = BranchFilter()
    txn_on = django_filters.DateFromToRangeFilter(field_name="txn_at__date")

    class Meta:
        model = Transfer
        fields = ["branch", "channel", "txn_on"]


class TransferViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    """Online-banking transfers (from the core banking extract)."""

    queryset = Transfer.objects.select_related("customer__branch").order_by("-id")
    serializer_class = TransferSerializer
    filterset_class = TransferFilter


class CalendarDayViewSet(ScopedQuerysetMixin, viewsets.ModelViewSet):
    """The holiday calendar: holidays on weekdays, and weekend days worked in exchange."""

    queryset = CalendarDay.objects.order_by("day")
    serializer_class = CalendarDaySerializer
    filterset_fields = {"day": ["gte", "lte"], "kind": ["exact"]}


class TicketFilter(FilterSet):
    branch = BranchFilter()
    opened_on = django_filters.DateFromToRangeFilter(field_name="opened_at__date")
    overdue = BooleanFilter(method="filter_overdue", label="past the T+3 deadline")

    class Meta:
        model = Ticket
        fields = ["branch", "kind", "status", "opened_on", "overdue"]

    def filter_overdue(self, queryset, name, value):
        overdue = selectors.tickets_overdue(queryset=queryset)
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))


class TicketViewSet(
    ScopedQuerysetMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Fault and complaint tickets, due T+3 working days after opening."""

    queryset = Ticket.objects.select_related("branch", "customer").order_by("-opened_at")
    serializer_class = TicketSerializer
    filterset_class = TicketFilter

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = call_service(
            services.ticket_open,
            kind=data["kind"],
            branch=data["branch"],
            customer=data.get("customer"),
            subject=data["subject"],
            description=data["description"],
            by=self.request.user,
        )

    @extend_schema(request=TicketAssignSerializer, responses=TicketSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        ticket = self.get_object()
        body = TicketAssignSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        # Only among whom the caller may give tickets to: the answer for anyone else is the same,
        # whether they exist or not, and whatever their role.
        name = body.validated_data["assigned_to"]
        to = selectors.ticket_assignees(user=request.user).filter(username=name).first()
        if to is None:
            to = get_user_model()(is_active=False)
        ticket = call_service(services.ticket_assign, ticket=ticket, to=to, by=request.user)
        return Response(TicketSerializer(ticket, context={"request": request}).data)

    @extend_schema(request=TicketCloseSerializer, responses=TicketSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        ticket = self.get_object()
        body = TicketCloseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        ticket = call_service(services.ticket_close, ticket=ticket, by=request.user, **body.validated_data)
        return Response(TicketSerializer(ticket, context={"request": request}).data)

    @extend_schema(
        parameters=[OpenApiParameter("month", str, description="YYYY-MM (default: this month)")],
        responses=TicketSummarySerializer,
    )
    @action(detail=False, methods=["get"])
    def summary(self, request):
        month = request.query_params.get("month") or timezone.localdate().strftime("%Y-%m")
        try:
            year, number = (int(part) for part in month.split("-"))
            if not 1 <= number <= 12:
                raise ValueError
        except ValueError:
            raise ValidationError({"month": ["Give the month as YYYY-MM."]}) from None
        if problem := year_problem(year):
            raise ValidationError({"month": [problem]})
        queryset = self.filter_queryset(self.get_queryset())
        figures = selectors.tickets_month_summary(queryset=queryset, year=year, month=number)
        average = figures.pop("average_handling")
        figures["average_handling_hours"] = round(average.total_seconds() / 3600, 1) if average else None
        return Response(TicketSummarySerializer(figures).data)


class SpotCheckFilter(FilterSet):
    branch = BranchFilter()
    checked_on = django_filters.DateFromToRangeFilter()
    overdue = BooleanFilter(method="filter_overdue", label="findings past their deadline")

    class Meta:
        model = SpotCheck
        fields = ["branch", "checked_on", "overdue"]

    def filter_overdue(self, queryset, name, value):
        overdue = selectors.spot_checks_overdue(queryset=queryset)
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))


class SpotCheckViewSet(
    ScopedQuerysetMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Monthly spot checks of the branches' sign-up documents (资料抽查)."""

    queryset = SpotCheck.objects.select_related("branch").order_by("-checked_on")
    serializer_class = SpotCheckSerializer
    filterset_class = SpotCheckFilter

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = call_service(services.spot_check_record, by=self.request.user, **data)

    @extend_schema(request=SpotCheckRectifySerializer, responses=SpotCheckSerializer)
    @action(detail=True, methods=["post"])
    def rectify(self, request, pk=None):
        check = self.get_object()
        body = SpotCheckRectifySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        check = call_service(services.spot_check_rectify, check=check, by=request.user, **body.validated_data)
        return Response(SpotCheckSerializer(check, context={"request": request}).data)
