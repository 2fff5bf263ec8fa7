"""/api/v1/: the platform's routes, then each area's, included by name."""
from django.urls import include, path
from rest_framework.authtoken.views import ObtainAuthToken

urlpatterns = [
    path("auth/token/", ObtainAuthToken.as_view(), name="api-token"),
    path("", include("ebank.org.urls")),
]
