"""/api/v1/: the platform's routes, then each area's, included by name."""

from django.urls import include, path

urlpatterns = [
    path("", include("ebank.org.urls")),
    path("", include("ebank.registers.urls")),
    path("", include("cards.urls")),
    path("", include("netbanking.urls")),
    path("", include("terminals.urls")),
    path("", include("reports.urls")),
]
