"""One machine, for a look or for development: SQLite, tasks in-process, debug on.

The secrets get throwaway defaults here only; production has none.
"""

import os

os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("DJANGO_SECRET_KEY", "local-only-not-secret-" + "x" * 40)
os.environ.setdefault("CARD_HASH_KEY", "local-only-card-hash-key")

from .base import *  # noqa: E402,F403

# The top floor (tools/): the benchmark and the demo county, never installed in production.
INSTALLED_APPS = [*INSTALLED_APPS, "tools.bench", "tools.demo"]  # noqa: F405
