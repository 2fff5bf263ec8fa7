"""The test suite: the same base as production, fixed keys, fast hashing.

DATABASE_URL chooses the database (SQLite by default, PostgreSQL in CI); tasks run in-process
unless a test starts a real worker itself.
"""

import os
import tempfile

os.environ["DJANGO_DEBUG"] = "0"
os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-not-secret-" + "x" * 40)
os.environ.setdefault("CARD_HASH_KEY", "test-only-card-hash-key")
os.environ.pop("CELERY_BROKER_URL", None)
os.environ.pop("REDIS_URL", None)

from .base import *  # noqa: E402,F403

# The top floor (tools/): the benchmark and the demo county, never installed in production.
INSTALLED_APPS = [*INSTALLED_APPS, "tools.bench", "tools.demo"]  # noqa: F405
# A test-only area made by following docs/architecture.md's recipes (a register and a metric).
INSTALLED_APPS += ["tests.example_area"]

IMPORT_DIR = tempfile.mkdtemp(prefix="ebank-test-imports-")
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "photos": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "attachments": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
}
# Each test builds its own users and groups; tests/org/test_backends.py turns the cache on.
PERMISSIONS_CACHE_SECONDS = 0
