from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from ebank.api.errors import ErrorSerializer, call_service
from ebank.api.scoping import ScopedQuerysetMixin

from . import services, two_factor
from .models import Branch
from .serializers import BranchSerializer, MeSerializer, TokenLoginSerializer, TokenSerializer


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
        serializer.instance = call_service(
            services.branch_create, by=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        call_service(
            services.branch_update,
            branch=serializer.instance,
            by=self.request.user,
            **serializer.validated_data,
        )


class MeView(APIView):
    """Who the caller is: username, role and branch (a phone app asks this first)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(request.user).data)


class LoginLocked(APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_detail = _(
        "Too many failed logins for this username from this address. Try again later, or ask "
        "the e-banking department to lift the lock."
    )
    default_code = "login_locked"


class TokenLoginView(APIView):
    """Exchange a username and password for an API token; locked like the admin's login. When
    two-factor login is required for the user's role, the body also carries `otp_token`, the
    current code of the authenticator they set up in the browser. The token expires after
    API_TOKEN_HOURS, and at once when the password, role or branch changes."""

    serializer_class = TokenLoginSerializer
    permission_classes = [AllowAny]
    authentication_classes = []
    parser_classes = [JSONParser, FormParser, MultiPartParser]  # a form too, for curl

    def get_serializer(self, *args, **kwargs):
        return self.serializer_class(*args, context={"request": self.request}, **kwargs)

    @extend_schema(
        request=TokenLoginSerializer,
        responses={
            200: TokenSerializer,
            429: OpenApiResponse(ErrorSerializer, "Too many failed logins for this username from here."),
        }
    )
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        try:
            serializer.is_valid(raise_exception=True)
        except ValidationError:
            # django-axes marks the request it refused; DRF would only say "unable to log in".
            if getattr(request, "axes_locked_out", False):
                raise LoginLocked() from None
            raise
        user = serializer.validated_data["user"]
        second_factor = services.two_factor_required(user=user)
        if second_factor:
            two_factor.check_api_code(user=user, token=serializer.validated_data.get("otp_token", ""))
        token, key = services.api_token_issue(user=user, with_second_factor=second_factor)
        return Response(TokenSerializer({"token": key, "expires_at": token.expires_at}).data)
