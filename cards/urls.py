from ebank.api.routers import Router

from .api import CardBalanceViewSet, CardViewSet, DisbursementViewSet

router = Router()
router.register("cards", CardViewSet, basename="card")
router.register("card-balances", CardBalanceViewSet, basename="card-balance")
router.register("disbursements", DisbursementViewSet, basename="disbursement")

urlpatterns = router.urls
