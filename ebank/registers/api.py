"""The registers through the API (a phone or tablet app), one route per declared register under
/api/v1/logbooks/: enter, list, correct, void — no PUT, PATCH or DELETE exists."""

import django_filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from ebank.api.errors import ValidationErrorSerializer, call_service
from ebank.api.filters import BranchFilter, FilterSet
from ebank.api.scoping import BranchCodeField, ScopedQuerysetMixin, UserBranchDefault
from ebank.api.serializers import CharField, ModelSerializer, SlugRelatedField

from . import services
from .declarations import registers
from .selectors import with_confirmation

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


class ColleagueField(SlugRelatedField):
    """The second person of two-person work, by username, among the users of the requester's
    branches other than the requester."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="username", **kwargs)

    def get_queryset(self):
        from django.contrib.auth import get_user_model

        from ebank.org.scoping import scoped_branches

        request = self.context.get("request")
        users = get_user_model().objects.filter(is_active=True)
        if request is None:
            return users.none()
        return users.filter(branch__in=scoped_branches(user=request.user)).exclude(pk=request.user.pk)


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
    if declaration.second_person:
        attrs[declaration.second_person] = ColleagueField(
            allow_null=True,  # entries from before the rule name no one; a new one must
            help_text="username of the second person, who confirms the entry with their own login",
        )
        attrs["confirmed_by"] = serializers.SerializerMethodField()
        attrs["confirmed_at"] = serializers.SerializerMethodField()
        attrs["get_confirmed_by"] = _confirmation_value("confirmed_by")
        attrs["get_confirmed_at"] = _confirmation_value("confirmed_at")
        attrs["Meta"].fields += ["confirmed_by", "confirmed_at"]
    if declaration.photos:
        attrs["photos"] = serializers.SerializerMethodField()
        attrs["get_photos"] = _photos_value
        attrs["Meta"].fields += ["photos"]
    for name, spec in declaration.write_only.items():
        attrs[name] = CharField(
            write_only=True, max_length=spec.max_length, help_text="in full; kept only hashed and masked"
        )
    return type(f"{model.__name__}Serializer", (ModelSerializer,), attrs)


def _confirmation_value(name: str):
    """The second person's confirmation (复核) of the entry: who (username) and when; null while it
    waits."""

    @extend_schema_field(
        {"type": "string", "nullable": True, **({} if name == "confirmed_by" else {"format": "date-time"})}
    )
    def value(self, entry):
        if not hasattr(entry, "confirmed_by_username"):  # a new entry, not from the viewset's list
            entry = with_confirmation(queryset=type(entry).objects.filter(pk=entry.pk)).get()
        if name == "confirmed_by":
            return entry.confirmed_by_username
        if entry.confirmed_at is None:
            return None
        return serializers.DateTimeField().to_representation(entry.confirmed_at)

    return value


class PhotoSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField(help_text="the picture, for who may read the entry")
    thumbnail_url = serializers.CharField()
    sha256 = serializers.CharField(help_text="SHA-256 of the file as uploaded")
    taken_at = serializers.DateTimeField(
        allow_null=True, help_text="the camera's capture time, if it wrote one"
    )


class PhotoUploadSerializer(serializers.Serializer):
    photo = serializers.ListField(
        child=serializers.FileField(),
        help_text="one or more JPEG, PNG or WebP photos, as multipart/form-data",
    )


@extend_schema_field(PhotoSerializer(many=True))
def _photos_value(self, entry):
    """The entry's photos and those of the entries it corrects."""
    from django.urls import reverse

    return [
        {
            "id": photo.pk,
            "url": reverse("register-photo", args=[photo.pk]),
            "thumbnail_url": reverse("register-photo-thumbnail", args=[photo.pk]),
            "sha256": photo.sha256,
            "taken_at": serializers.DateTimeField().to_representation(photo.taken_at)
            if photo.taken_at
            else None,
        }
        for photo in services.photos_of(entry)
    ]


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

        def get_queryset(self):
            queryset = super().get_queryset()
            if declaration.second_person:  # who confirmed each entry, in the same query
                queryset = with_confirmation(queryset=queryset)
            return queryset

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

        if declaration.second_person:

            @extend_schema(
                request=None,
                responses={
                    200: serializer_class,
                    400: OpenApiResponse(
                        ValidationErrorSerializer,
                        "Refused: not the second person named, already confirmed, or corrected since.",
                    ),
                },
            )
            @action(detail=True, methods=["post"])
            def confirm(self, request, pk=None):
                """The second person confirms the entry (复核) with their own login."""
                entry = self.get_object()
                call_service(services.logbook_confirm, entry=entry, by=request.user)
                entry = self.get_queryset().get(pk=entry.pk)  # with its confirmation
                return Response(serializer_class(entry, context={"request": request}).data)

        if declaration.photos:

            @extend_schema(
                request={"multipart/form-data": PhotoUploadSerializer},
                responses={
                    201: serializer_class,
                    400: OpenApiResponse(
                        ValidationErrorSerializer,
                        "Refused, nothing kept: not a photo, too large, too many pixels or too many photos.",
                    ),
                },
            )
            @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
            def photos(self, request, pk=None):
                """Add photos to the entry (taken as evidence): each checked and re-encoded; a
                photo is never removed. A corrected entry takes no more: add them to the latest."""
                entry = self.get_object()
                if entry.is_void or entry.amendments.exists():
                    raise ApiValidationError(
                        {"photo": ["Add photos to the latest entry, not a corrected one."]}
                    )
                uploads = request.FILES.getlist("photo")
                if not uploads:
                    raise ApiValidationError({"photo": ["Send one or more photos as `photo`."]})
                already = services.photos_of(entry).filter(object_id=entry.pk).count()
                processed = call_service(services.photos_check, model=model, uploads=uploads, already=already)
                call_service(services.photos_attach, entry=entry, processed=processed, by=request.user)
                return Response(serializer_class(entry, context={"request": request}).data, status=201)

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
