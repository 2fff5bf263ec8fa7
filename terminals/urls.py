from ebank.api.routers import Router

from . import api, api_logbooks

router = Router()
router.register("merchants", api.MerchantViewSet, basename="merchant")
router.register("terminals", api.TerminalViewSet, basename="terminal")
router.register("terminal-txns", api.TerminalTxnViewSet, basename="terminal-txn")
router.register("dormant-pos", api.DormantPosViewSet, basename="dormant-pos")

for route, viewset in api_logbooks.VIEWSETS.items():
    router.register(f"logbooks/{route}", viewset, basename=f"logbook-{route}")

urlpatterns = router.urls
