from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InfotechConfig(AppConfig):
    name = "infotech"
    verbose_name = _("IT support")
    menu_position = 45  # its place in the menu (ebank/org/menu.py)
