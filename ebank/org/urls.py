from django.urls import path
from rest_framework.routers import SimpleRouter

from .api import BranchViewSet, MeView

router = SimpleRouter()
router.register("branches", BranchViewSet, basename="branch")

urlpatterns = [path("me/", MeView.as_view(), name="me"), *router.urls]
