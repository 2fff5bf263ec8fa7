"""The OpenAPI schema's view of each operation: drf-spectacular's, plus the error answers.

drf-spectacular documents only the success answer. Clients (and the schema-driven tests) need to
know which errors an operation may give and in what shape, so each operation also documents:
403 (not logged in, or the role may not do this) everywhere; 400 (with the refused fields) where
the operation reads input, a body or query parameters; 404 where it looks an object up by its
address, or takes a page number; 415 where it reads a body (JSON only). An operation adds others
(429 for the login) with `extend_schema`.

An optional query parameter given empty is the same as leaving it out (django-filter's filters,
the page, the search, `as_of`), so the schema says so with `allowEmptyValue`: `?paid_on_before=`
is no filter, not a date that failed to parse.
"""

from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiResponse

from .errors import ErrorSerializer, ValidationErrorSerializer

ERROR_RESPONSES = {
    "400": (ValidationErrorSerializer, "The input was refused: `errors` names each field and why."),
    "403": (ErrorSerializer, "Not logged in, or your role does not allow this."),
    "404": (ErrorSerializer, "Not found, or not within your branches."),
    "415": (ErrorSerializer, "The body is not in a format this address reads (JSON: application/json)."),
}


class AutoSchema(openapi.AutoSchema):
    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        parameters = operation.get("parameters", [])
        for parameter in parameters:
            if parameter["in"] == "query" and not parameter.get("required"):
                parameter["allowEmptyValue"] = True
        codes = ["403"]
        if "requestBody" in operation or any(p["in"] == "query" for p in parameters):
            codes.append("400")
        if any(p["in"] == "path" or p["name"] == "page" for p in parameters):
            codes.append("404")
        if "requestBody" in operation:
            codes.append("415")
        responses = operation["responses"]
        for code in codes:
            if code not in responses:
                serializer, description = ERROR_RESPONSES[code]
                responses[code] = self._get_response_for_code(OpenApiResponse(serializer, description), code)
        operation["responses"] = dict(sorted(responses.items()))
        return operation
