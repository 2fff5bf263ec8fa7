import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.response import Response

from ebank.api.errors import call_service
from ebank.api.filters import BranchFilter, FilterSet
from ebank.api.scoping import ScopedQuerysetMixin
from ebank.org.scoping import scope_queryset

from . import services
from .models import Card, CardBalance, Disbursement
from .serializers import CardBalanceSerializer, CardSerializer, CardStatusSerializer, DisbursementSerializer


class CardFilter(FilterSet):
    branch = BranchFilter()
    issued_on = django_filters.DateFromToRangeFilter()

    class Meta:
        model = Card
        fields = ["branch", "issued_on", "status", "sms_alert", "last4"]


class CardViewSet(
    ScopedQuerysetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Cards, masked. PATCH changes a card's status (department staff): lost, frozen, closed,
    active again — with the date and the reason."""

    queryset = Card.objects.select_related("branch").order_by("-id")
    serializer_class = CardSerializer
    filterset_class = CardFilter

    @extend_schema(request=CardStatusSerializer, responses=CardSerializer)
    def partial_update(self, request, *args, **kwargs):
        card = self.get_object()
        change = CardStatusSerializer(data=request.data)
        change.is_valid(raise_exception=True)
        card = call_service(services.card_status_change, card=card, by=request.user, **change.validated_data)
        return Response(CardSerializer(card).data)


def _scoped_cards(request):
    return scope_queryset(user=request.user, queryset=Card.objects.all()) if request else Card.objects.none()


class CardBalanceFilter(FilterSet):
    branch = BranchFilter()
    as_of = django_filters.DateFromToRangeFilter()
    # Choices among the cards the user may see: another branch's card id is "not a valid choice"
    # exactly like one that does not exist.
    card = django_filters.ModelChoiceFilter(queryset=_scoped_cards)

    class Meta:
        model = CardBalance
        fields = ["branch", "as_of", "card"]


class CardBalanceViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    """Balance snapshots (read only: they come from the core banking extract)."""

    queryset = CardBalance.objects.select_related("card__branch").order_by("-id")
    serializer_class = CardBalanceSerializer
    filterset_class = CardBalanceFilter


class DisbursementFilter(FilterSet):
    branch = BranchFilter()
    paid_on = django_filters.DateFromToRangeFilter()

    class Meta:
        model = Disbursement
        fields = ["branch", "paid_on", "program"]


class DisbursementViewSet(ScopedQuerysetMixin, viewsets.ModelViewSet):
    """Social pension, agricultural subsidy and salary batches paid onto cards."""

    queryset = Disbursement.objects.select_related("branch").order_by("-paid_on", "program")
    serializer_class = DisbursementSerializer
    filterset_class = DisbursementFilter
