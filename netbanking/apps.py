from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetbankingConfig(AppConfig):
    name = "netbanking"
    verbose_name = _("Online banking")
    menu_position = 40  # its place in the menu (ebank/org/menu.py)
