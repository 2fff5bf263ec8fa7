"""/api/v1/logbooks/<route>/: every declared register."""

from ebank.api.routers import Router

from .api import VIEWSETS

router = Router()
for route, viewset in VIEWSETS.items():
    router.register(f"logbooks/{route}", viewset, basename=f"logbook-{route}")

urlpatterns = router.urls
