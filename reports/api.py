import datetime

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from ebank.api.errors import ErrorSerializer
from ebank.dates import date_range_problem
from ebank.org.roles import Role
from ebank.org.scoping import scoped_branches

from .metrics import metrics
from .selectors import figures, figures_as_json


def _figures_serializer():
    """The answer's schema, from the metric registry: each metric a property, described by its
    labels, unit and kind (amounts are strings with exactly two decimals)."""

    def field(metric):
        text = f"{metric.label} · {metric.label_en} ({metric.unit}, {metric.kind})"
        if metric.amount:
            return serializers.RegexField(r"^-?\d+\.\d{2}$", help_text=text)
        return serializers.IntegerField(help_text=text)

    values = type("FigureValues", (serializers.Serializer,), {m.code: field(m) for m in metrics()})
    return type(
        "Figures",
        (serializers.Serializer,),
        {
            "as_of": serializers.DateField(),
            "branch": serializers.CharField(allow_null=True, help_text="the branch code; null: the union"),
            "figures": values(),
        },
    )


class FiguresView(APIView):
    """Every metric of docs/kpi.md as of a date, for the union or a branch with the branches below
    it. A branch manager gets their own branch unless they name one of theirs."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("as_of", OpenApiTypes.DATE, description="default: today"),
            OpenApiParameter("branch", str, description="a branch code; default: the union (or your branch)"),
        ],
        responses={
            200: _figures_serializer(),
            404: OpenApiResponse(ErrorSerializer, "No such branch within yours."),
        },
    )
    def get(self, request):
        try:
            as_of = datetime.date.fromisoformat(
                request.query_params.get("as_of") or timezone.localdate().isoformat()
            )
        except ValueError:
            raise ValidationError({"as_of": ["Give the date as YYYY-MM-DD."]}) from None
        if problem := date_range_problem(as_of):
            raise ValidationError({"as_of": [problem]})
        code = request.query_params.get("branch")
        user = request.user
        if not (user.is_superuser or user.role):
            raise NotFound
        if code:
            branch = scoped_branches(user=user).filter(code=code).first()
            if branch is None:
                raise NotFound
        elif user.role == Role.BRANCH_MANAGER:
            branch = user.branch
        else:
            branch = None
        values = figures_as_json(figures(as_of=as_of, branch=branch))
        return Response(
            {"as_of": as_of.isoformat(), "branch": branch.code if branch else None, "figures": values}
        )
