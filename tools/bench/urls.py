"""The bench server's URLs: the site's own, and the plain view the API is measured against."""

from django.urls import path

from ebank.urls import handler404, handler500
from ebank.urls import urlpatterns as site

from .views import cards_plain

urlpatterns = [path("bench/plain/cards/", cards_plain), *site]

__all__ = ["handler404", "handler500", "urlpatterns"]
