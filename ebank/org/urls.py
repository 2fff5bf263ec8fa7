from django.urls import path
from rest_framework.routers import SimpleRouter

from .api import BranchViewSet, MeView, TokenLoginView

router = SimpleRouter()
router.register("branches", BranchViewSet, basename="branch")

urlpatterns = [
    path("auth/token/", TokenLoginView.as_view(), name="api-token"),
    path("me/", MeView.as_view(), name="me"),
    *router.urls,
]
