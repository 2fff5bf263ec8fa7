from rest_framework.routers import SimpleRouter

from .api import CardBalanceViewSet, CardViewSet, DisbursementViewSet

router = SimpleRouter()
router.register("cards", CardViewSet, basename="card")
router.register("card-balances", CardBalanceViewSet, basename="card-balance")
router.register("disbursements", DisbursementViewSet, basename="disbursement")

urlpatterns = router.urls
