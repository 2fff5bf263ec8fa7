"""Errors as JSON a person can act on: one `detail` sentence, and `errors` per field when the
input was at fault. Paths under /api/ answer JSON even for Django's own 404 and 500."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, serializers, status
from rest_framework.views import exception_handler as drf_exception_handler


class ErrorSerializer(serializers.Serializer):
    """The body of every error answer (the schema documents it for 403, 404, 429)."""

    detail = serializers.CharField(help_text="What went wrong, in one sentence.")


class ValidationErrorSerializer(ErrorSerializer):
    """The body of a 400: `errors` names each refused field with its reasons (absent when the
    body could not be read at all)."""

    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Each refused field (or `non_field_errors`) with its reasons.",
    )


def exception_handler(exc, context):
    """Wrap DRF's handler so every error body has a `detail` message."""
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = response.data
        if not isinstance(errors, dict):
            errors = {"non_field_errors": errors}
        fields = ", ".join(str(name) for name in errors)
        response.data = {
            "detail": _("The request was not accepted; correct these fields: %(fields)s.")
            % {"fields": fields},
            "errors": errors,
        }
    elif isinstance(exc, exceptions.NotAuthenticated):
        response.data = {"detail": _("Log in first: this API needs a session or a token.")}
    elif isinstance(exc, exceptions.PermissionDenied):
        response.data = {"detail": _("Your role does not allow this.")}
    elif response.status_code == status.HTTP_404_NOT_FOUND:
        response.data = {"detail": _("Not found, or not within your branches.")}
    return response


def call_service(service, **kwargs):
    """Call a service from an API view: its ValidationError becomes the API's 400, fields named."""
    try:
        return service(**kwargs)
    except DjangoValidationError as error:
        raise exceptions.ValidationError(error.message_dict) from error


def _is_api(request):
    return request.path.startswith("/api/")


@csrf_exempt  # it changes nothing; without this, a POST to a wrong address got the HTML CSRF page
def api_not_found(request):
    """Answer an unknown address under /api/ (the admin would otherwise claim it)."""
    return JsonResponse({"detail": _("No such API address.")}, status=404)


def page_not_found_json_for_api(request, exception):
    if _is_api(request):
        return api_not_found(request)
    return defaults.page_not_found(request, exception)


def server_error_json_for_api(request):
    if _is_api(request):
        return JsonResponse(
            {"detail": _("The server failed and the error is logged; try again or tell the department.")},
            status=500,
        )
    return defaults.server_error(request)
