from ebank.api.routers import Router

from . import api

router = Router()
router.register("netbank-customers", api.CustomerViewSet, basename="netbank-customer")
router.register("security-media", api.SecurityMediumViewSet, basename="security-medium")
router.register("netbank-transfers", api.TransferViewSet, basename="netbank-transfer")
router.register("calendar-days", api.CalendarDayViewSet, basename="calendar-day")
router.register("tickets", api.TicketViewSet, basename="ticket")
router.register("spot-checks", api.SpotCheckViewSet, basename="spot-check")

urlpatterns = router.urls
