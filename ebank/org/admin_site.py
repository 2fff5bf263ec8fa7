"""The site's admin: Django's, with the menu arranged for the day's work (menu.py)."""

from django.contrib import admin
from django.contrib.admin import helpers, utils
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.templatetags import admin_list
from django.db import models
from django.utils.translation import gettext_lazy as _

from ebank import formatting

from . import menu

# Whole numbers that are not counts: shown as typed (2011, not 2,011).
NOT_COUNTS = ("year", "quarter", "month", "rank")


def display_for_field(value, field, empty_value_display, avoid_link=False):
    """Django's display of a field's value in a list or a read-only form, with numbers written as
    the department writes them (ebank/formatting.py): an amount 36,509,300.00 (not 36509300.00),
    a count 143,163 (not 143163); a year stays 2011."""
    if value not in (None, "") and not getattr(field, "flatchoices", None):
        if isinstance(field, models.DecimalField):
            return formatting.amount(value, field.decimal_places)
        if (
            isinstance(field, models.IntegerField)
            and not field.primary_key
            and not any(word in field.name for word in NOT_COUNTS)
        ):
            return formatting.count(value)
    return _django_display_for_field(value, field, empty_value_display, avoid_link)


_django_display_for_field = utils.display_for_field


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

    def ready(self):
        super().ready()
        # The two places Django's admin writes a field's value (lists, read-only fields) import
        # display_for_field by name: both get ebank's.
        admin_list.display_for_field = helpers.display_for_field = display_for_field
