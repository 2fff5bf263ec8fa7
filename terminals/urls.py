from ebank.api.routers import Router

from . import api

router = Router()
router.register("merchants", api.MerchantViewSet, basename="merchant")
router.register("terminals", api.TerminalViewSet, basename="terminal")
router.register("terminal-txns", api.TerminalTxnViewSet, basename="terminal-txn")
router.register("dormant-pos", api.DormantPosViewSet, basename="dormant-pos")
router.register("service-points", api.ServicePointViewSet, basename="service-point")
router.register("service-point-txns", api.ServicePointTxnViewSet, basename="service-point-txn")

urlpatterns = router.urls
