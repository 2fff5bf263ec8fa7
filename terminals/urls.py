from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("merchants", api.MerchantViewSet, basename="merchant")
router.register("terminals", api.TerminalViewSet, basename="terminal")
router.register("terminal-txns", api.TerminalTxnViewSet, basename="terminal-txn")
router.register("dormant-pos", api.DormantPosViewSet, basename="dormant-pos")

urlpatterns = router.urls
