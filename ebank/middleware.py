"""The interface language: Simplified Chinese unless the user chose another in the language menu.

Django's LocaleMiddleware would follow the browser's Accept-Language, so an English-language
browser at a branch would get English pages; the department wants Chinese unless someone asks.
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


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
