from django.urls import path

from ebank.api.routers import Router

from .api import BranchViewSet, MeView, TokenLoginView

router = Router()
router.register("branches", BranchViewSet, basename="branch")

urlpatterns = [
    path("auth/token/", TokenLoginView.as_view(), name="api-token"),
    path("me/", MeView.as_view(), name="me"),
    *router.urls,
]
