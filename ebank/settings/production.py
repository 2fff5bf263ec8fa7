"""Production: PostgreSQL, Redis, gunicorn behind TLS. No default for any secret.

Passes `python manage.py check --deploy` without warnings (tests/test_settings.py runs it).
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

if DEBUG:  # noqa: F405
    raise ImproperlyConfigured("DJANGO_DEBUG must be off in production.")
if len(SECRET_KEY) < 50:  # noqa: F405
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be at least 50 characters.")
if len(CARD_HASH_KEY) < 32:  # noqa: F405
    raise ImproperlyConfigured("CARD_HASH_KEY must be at least 32 characters.")
if not CELERY_BROKER_URL:  # noqa: F405
    raise ImproperlyConfigured("CELERY_BROKER_URL must name the broker in production.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

# TLS ends at the proxy in front of gunicorn, which says so in X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)  # noqa: F405

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    "photos": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "attachments": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
}
# Register photos on an S3-compatible store (MinIO, a cloud's object storage) when one is named:
# private objects, read back by the scoped view (never a public or signed address handed out).
if env.str("PHOTOS_S3_BUCKET", default=""):
    STORAGES["photos"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("PHOTOS_S3_BUCKET"),
            "endpoint_url": env.str("PHOTOS_S3_ENDPOINT", default="") or None,
            "region_name": env.str("PHOTOS_S3_REGION", default="") or None,
            "access_key": env.str("PHOTOS_S3_ACCESS_KEY", default="") or None,
            "secret_key": env.str("PHOTOS_S3_SECRET_KEY", default="") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
    STORAGES["attachments"] = STORAGES["photos"]  # the same private bucket

# Department staff and union managers give a second factor (TOTP) at every login.
TWO_FACTOR_REQUIRED = env.bool("TWO_FACTOR_REQUIRED", default=True)
