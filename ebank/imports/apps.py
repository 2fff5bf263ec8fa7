from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "ebank.imports"
    label = "imports"
    verbose_name = _("Data imports")
    menu_position = 70  # its place in the menu (ebank/org/menu.py)

    def ready(self):
        # Each app declares the extracts it receives in its imports.py.
        autodiscover_modules("imports")
