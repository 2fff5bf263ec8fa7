"""The site's URLs. Areas are named by string, so the platform imports none of them."""

from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from ebank.api.errors import api_not_found, page_not_found_json_for_api, server_error_json_for_api
from ebank.health import healthz
from ebank.org import two_factor
from ebank.org.search import sensitive_search
from ebank.registers import views as register_views
from ebank.registers.redirects import moved_registers_urls

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", healthz, name="healthz"),
    path("account/two-factor/", two_factor.verify, name="two-factor-verify"),
    path("account/two-factor/setup/", two_factor.setup, name="two-factor-setup"),
    path("search/", sensitive_search, name="sensitive-search"),
    path("photos/<int:photo_id>/", register_views.photo, name="register-photo"),
    path("photos/<int:photo_id>/thumbnail/", register_views.photo_thumbnail, name="register-photo-thumbnail"),
    path("inbox/", include("ebank.notify.urls")),
    path("dashboard/", include("reports.dashboard_urls")),
    path("today/", include("reports.today_urls")),
    path("today/", include("terminals.page_urls")),
    path("inspections/", include("terminals.inspection_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include("ebank.api.urls")),
    re_path(r"^api/", api_not_found),
    # Registers that moved to the area they belong to: old bookmarks still open them.
    *moved_registers_urls(),
    # Last: the admin answers every other path (its catch-all would shadow what follows it).
    path("", admin.site.urls),
]

handler404 = page_not_found_json_for_api
handler500 = server_error_json_for_api
