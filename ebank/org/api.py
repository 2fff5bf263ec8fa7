from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from ebank.api.scoping import ScopedQuerysetMixin

from . import services
from .models import Branch
from .serializers import BranchSerializer, MeSerializer


class BranchViewSet(
    ScopedQuerysetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The branches the user may see; department staff add, rename and move them."""

    queryset = Branch.objects.select_related("parent").order_by("code")
    serializer_class = BranchSerializer
    lookup_field = "code"
    filterset_fields = {"code": ["exact"], "parent__code": ["exact"]}
    search_fields = ["code", "name"]

    def perform_create(self, serializer):
        try:
            serializer.instance = services.branch_create(by=self.request.user, **serializer.validated_data)
        except DjangoValidationError as error:
            raise ValidationError(error.message_dict) from error

    def perform_update(self, serializer):
        try:
            services.branch_update(
                branch=serializer.instance, by=self.request.user, **serializer.validated_data
            )
        except DjangoValidationError as error:
            raise ValidationError(error.message_dict) from error


class MeView(APIView):
    """Who the caller is: username, role and branch (a phone app asks this first)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(request.user).data)
