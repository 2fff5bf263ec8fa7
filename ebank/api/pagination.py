import re

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

from ebank.paginator import EstimatedCountPaginator


class Pagination(PageNumberPagination):
    """Pages of 50 by default; `?page_size=` from 1 to 500. A page or a page size that is not a
    whole number in range is refused, naming the parameter, instead of quietly giving page 1 or 50
    rows; a page past the last answers 404. Empty means the default. Over a big table `count` is
    the planner's estimate, as in the admin: no exact COUNT(*) over millions of rows per request."""

    django_paginator_class = EstimatedCountPaginator
    page_size_query_param = "page_size"
    max_page_size = 500
    last_page_strings = ()

    def get_page_size(self, request):
        given = request.query_params.get(self.page_size_query_param)
        if not given:
            return self.page_size
        size = _whole_number(given)
        if size is None or not 1 <= size <= self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        _("Give the page size as a whole number from 1 to %(maximum)d.")
                        % {"maximum": self.max_page_size}
                    ]
                }
            )
        return size

    def get_page_number(self, request, paginator):
        given = request.query_params.get(self.page_query_param)
        if not given:
            return 1
        number = _whole_number(given)
        if number is None or number < 1:
            raise ValidationError({self.page_query_param: [_("Give the page as a whole number, 1 or more.")]})
        return number

    def get_schema_operation_parameters(self, view):
        bounds = {
            self.page_query_param: {"minimum": 1},
            self.page_size_query_param: {"minimum": 1, "maximum": self.max_page_size},
        }
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"].update(bounds[parameter["name"]])
        return parameters


def _whole_number(text: str) -> int | None:
    # ASCII digits only: int() would also take " 5", "+5", "5_0" and other scripts' digits.
    return int(text) if re.fullmatch(r"[0-9]{1,18}", text) else None
