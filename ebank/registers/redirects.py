"""Old addresses of registers that moved to another area: the admin pages of a register declared
with `moved_from` answer at their old address with a redirect, so that bookmarks keep working."""

from django.urls import re_path
from django.views.generic import RedirectView

from .declarations import registers


def moved_registers_urls() -> list:
    patterns = []
    for declaration in registers():
        if declaration.moved_from:
            opts = declaration.model._meta
            patterns.append(
                re_path(
                    rf"^{declaration.moved_from}/{opts.model_name}/(?P<rest>.*)$",
                    RedirectView.as_view(
                        url=f"/{opts.app_label}/{opts.model_name}/%(rest)s", query_string=True
                    ),
                )
            )
    return patterns
