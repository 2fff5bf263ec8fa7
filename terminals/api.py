import django_filters
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from ebank.api.errors import call_service
from ebank.api.filters import BooleanFilter, BranchFilter, FilterSet
from ebank.api.scoping import ScopedQuerysetMixin

from . import selectors, services
from .models import DormantPosReview, Merchant, ServicePoint, ServicePointTxn, Terminal, TerminalTxn
from .serializers import (
    DormantPosReviewSerializer,
    MerchantSerializer,
    ServicePointSerializer,
    ServicePointTxnSerializer,
    StatusChangeSerializer,
    TerminalSerializer,
    TerminalTxnSerializer,
)


class MerchantFilter(FilterSet):
    branch = BranchFilter()
    signed_on = django_filters.DateFromToRangeFilter()

    class Meta:
        model = Merchant
        fields = ["branch", "status", "signed_on", "merchant_no"]


class MerchantViewSet(
    ScopedQuerysetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Contracted merchants. PATCH with status `terminated`, `on` and `reason` ends a contract (staff)."""

    queryset = Merchant.objects.select_related("branch").order_by("merchant_no")
    serializer_class = MerchantSerializer
    filterset_class = MerchantFilter

    @extend_schema(request=StatusChangeSerializer, responses=MerchantSerializer)
    def partial_update(self, request, *args, **kwargs):
        merchant = self.get_object()
        change = StatusChangeSerializer(data=request.data)
        change.is_valid(raise_exception=True)
        data = change.validated_data
        if data["status"] != Merchant.Status.TERMINATED:
            raise ValidationError({"status": ["Only `terminated` can be set."]})
        merchant = call_service(
            services.merchant_terminate,
            merchant=merchant,
            on=data["on"],
            reason=data["reason"],
            by=request.user,
        )
        return Response(MerchantSerializer(merchant).data)


class TerminalFilter(FilterSet):
    branch = BranchFilter()
    installed_on = django_filters.DateFromToRangeFilter()

    class Meta:
        model = Terminal
        fields = ["branch", "kind", "status", "installed_on", "terminal_no"]


TERMINAL_CHANGES = {
    Terminal.Status.FAULTY: services.terminal_report_faulty,
    Terminal.Status.IN_SERVICE: services.terminal_restore,
    Terminal.Status.REMOVED: services.terminal_remove,
}


class TerminalViewSet(
    ScopedQuerysetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """ATMs and POS. PATCH with a status (`faulty`, `in_service`, `removed`), `on` and `reason`
    records a lifecycle change (staff)."""

    queryset = Terminal.objects.select_related("branch", "merchant").order_by("terminal_no")
    serializer_class = TerminalSerializer
    filterset_class = TerminalFilter

    @extend_schema(request=StatusChangeSerializer, responses=TerminalSerializer)
    def partial_update(self, request, *args, **kwargs):
        terminal = self.get_object()
        change = StatusChangeSerializer(data=request.data)
        change.is_valid(raise_exception=True)
        data = change.validated_data
        service = TERMINAL_CHANGES.get(data["status"])
        if service is None:
            raise ValidationError({"status": [f"One of {', '.join(TERMINAL_CHANGES)}."]})
        terminal = call_service(
            service, terminal=terminal, on=data["on"], reason=data["reason"], by=request.user
        )
        return Response(TerminalSerializer(terminal).data)


class TerminalTxnFilter(FilterSet):
    branch = BranchFilter()
    txn_on = django_filters.DateFromToRangeFilter(field_name="txn_at__date")

    class Meta:
        model = TerminalTxn
        fields = ["branch", "txn_type", "txn_on"]


class TerminalTxnViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    """Terminal transactions (from the acquiring switch's extract)."""

    queryset = TerminalTxn.objects.select_related("terminal__branch").order_by("-id")
    serializer_class = TerminalTxnSerializer
    filterset_class = TerminalTxnFilter


class DormantPosFilter(FilterSet):
    branch = BranchFilter()

    class Meta:
        model = DormantPosReview
        fields = ["branch", "outcome", "as_of"]


class DormantPosViewSet(
    ScopedQuerysetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """POS proposed for reclaim. PATCH with `outcome` (kept, reclaimed), `visited_on` and
    `visit_notes` records the branch's visit; reclaiming removes the POS."""

    queryset = DormantPosReview.objects.select_related("terminal__branch", "terminal__merchant")
    serializer_class = DormantPosReviewSerializer
    filterset_class = DormantPosFilter

    @extend_schema(request=DormantPosReviewSerializer, responses=DormantPosReviewSerializer)
    def partial_update(self, request, *args, **kwargs):
        review = self.get_object()
        body = DormantPosReviewSerializer(review, data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        if not data.get("visited_on"):
            raise ValidationError({"visited_on": ["Give the day of the visit."]})
        review = call_service(
            services.dormant_pos_decide,
            review=review,
            outcome=data.get("outcome", ""),
            visited_on=data["visited_on"],
            notes=data.get("visit_notes", ""),
            by=request.user,
        )
        return Response(DormantPosReviewSerializer(review).data)


class ServicePointFilter(FilterSet):
    branch = BranchFilter()
    dormant = BooleanFilter(label="no transaction other than an inquiry for three months")

    class Meta:
        model = ServicePoint
        fields = ["branch", "status", "device", "dormant", "point_no"]


SERVICE_POINT_CHANGES = {
    ServicePoint.Status.CLOSED: services.service_point_close,
    ServicePoint.Status.ACTIVE: services.service_point_reopen,
}


class ServicePointViewSet(
    ScopedQuerysetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The service points (助农取款服务点) with their last visit, last transaction, last 30 days and
    dormancy. PATCH with status `closed` or `active`, `on` and `reason` closes or reopens one (staff)."""

    queryset = ServicePoint.objects.select_related("branch").order_by("point_no")
    serializer_class = ServicePointSerializer
    filterset_class = ServicePointFilter

    def get_queryset(self):
        return selectors.service_point_register(queryset=super().get_queryset(), today=timezone.localdate())

    @extend_schema(request=StatusChangeSerializer, responses=ServicePointSerializer)
    def partial_update(self, request, *args, **kwargs):
        point = self.get_object()
        change = StatusChangeSerializer(data=request.data)
        change.is_valid(raise_exception=True)
        data = change.validated_data
        service = SERVICE_POINT_CHANGES.get(data["status"])
        if service is None:
            raise ValidationError({"status": [f"One of {', '.join(SERVICE_POINT_CHANGES)}."]})
        call_service(service, point=point, on=data["on"], reason=data["reason"], by=request.user)
        return Response(ServicePointSerializer(self.get_queryset().get(pk=point.pk)).data)


class ServicePointTxnFilter(FilterSet):
    branch = BranchFilter()
    txn_on = django_filters.DateFromToRangeFilter(field_name="txn_at__date")

    class Meta:
        model = ServicePointTxn
        fields = ["branch", "txn_type", "txn_on"]


class ServicePointTxnViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    """Service point transactions (from the `service_point_txns` extract)."""

    queryset = ServicePointTxn.objects.select_related("point__branch").order_by("-id")
    serializer_class = ServicePointTxnSerializer
    filterset_class = ServicePointTxnFilter
