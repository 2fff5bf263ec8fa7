from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Assessment and reports")
    menu_position = 60  # its place in the menu (ebank/org/menu.py)

    def ready(self):
        # Another app (one above reports: tools, a test app) may declare metrics in its metrics.py.
        autodiscover_modules("metrics")
        # The rollups are recomputed around every import's write (reports/rollups.py).
        from ebank.imports.spec import around_write

        from .rollups import kept

        around_write(kept)
