"""The site's admin: Django's, with the menu arranged for the day's work (menu.py)."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _

from . import menu


class EbankAdminSite(admin.AdminSite):
    site_header = _("E-banking department back office")
    site_title = _("ebank")
    index_title = _("Home")
    site_url = None  # the admin is the whole site: no "view site" link back to itself

    def get_app_list(self, request, app_label=None):
        app_list = super().get_app_list(request, app_label)
        return app_list if app_label else menu.arrange(request, app_list)


class EbankAdminConfig(AdminConfig):
    """django.contrib.admin with EbankAdminSite as `admin.site` (INSTALLED_APPS names this)."""

    default_site = "ebank.org.admin_site.EbankAdminSite"
