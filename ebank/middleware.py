"""The interface language: Simplified Chinese unless the user chose another in the language menu.

Django's LocaleMiddleware would follow the browser's Accept-Language, so an English-language
browser at a branch would get English pages; the department wants Chinese unless someone asks.
"""

from django.conf import settings
from django.http import HttpResponseRedirect
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from ebank import pii


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Activate the language of the language cookie (set by the menu), else LANGUAGE_CODE."""

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        try:
            language = translation.get_supported_language_variant(chosen) if chosen else None
        except LookupError:
            language = None
        translation.activate(language or settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()


class SensitiveSearchMiddleware:
    """A full card or ID number in a page's search parameter (`?q=`, typed with JavaScript off or
    into the address bar) is answered with a redirect to the same page searching for its keyed
    hash (ebank/org/admin_base.py), so that the number is not kept in the browser's history nor
    in any later URL; the request that carried it is logged masked."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        term = request.GET.get("q", "")
        if (
            request.method == "GET"
            and not request.path.startswith("/api/")
            and pii.looks_like_card_or_id(term)
        ):
            query = request.GET.copy()
            query["q"] = pii.search_term_hashed(term)
            return HttpResponseRedirect(f"{request.path}?{query.urlencode()}")
        return self.get_response(request)
