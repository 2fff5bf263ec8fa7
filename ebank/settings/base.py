"""Settings shared by every environment, read from the environment in this one place."""

from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF, UNSAFE_HASHES, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY")
# The key of the keyed hash (HMAC-SHA256) of card and ID numbers; never in the code.
CARD_HASH_KEY = env.str("CARD_HASH_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "ebank.org.admin_site.EbankAdminConfig",  # django.contrib.admin, with the menu of ebank/org/menu.py
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # third party
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "import_export",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "ebank.third_party.AxesConfig",
    "django_celery_beat",
    "django_celery_results",
    # the platform
    "ebank.org",
    "ebank.imports",
    "ebank.api",
    "ebank.registers",
    "ebank.notify",
    # the department's areas
    "cards",
    "terminals",
    "netbanking",
    "infotech",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "ebank.middleware.SensitiveSearchMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ebank.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "ebank.org.two_factor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: it turns a lockout into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ebank.urls"
WSGI_APPLICATION = "ebank.wsgi.application"
ASGI_APPLICATION = "ebank.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            # {% load numbers %}: counts, amounts and percentages as ebank/formatting.py writes them.
            "libraries": {"numbers": "ebank.templatetags.numbers"},
        },
    },
]

DATABASES = {
    "default": env.db_url_config(
        env.str("DATABASE_URL", default="") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
    ),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=0)
# A connection the database closed (a restart) is replaced on the next request, not reused.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if env.str("REDIS_URL", default=""):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env.str("REDIS_URL"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "org.User"
AUTHENTICATION_BACKENDS = [
    # First, as django-axes requires: it refuses a locked-out login before any password check.
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, with each role's permissions cached (ebank/org/backends.py).
    "ebank.org.backends.RoleModelBackend",
]
PERMISSIONS_CACHE_SECONDS = env.int("PERMISSIONS_CACHE_SECONDS", default=300)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "ebank.org.passwords.DifferentFromCurrentValidator"},
]
LOGIN_URL = "admin:login"
# A refused or missing `next` after logging in lands on the home page (the admin's index).
LOGIN_REDIRECT_URL = "/"
# An API token admits its user this long (and ends earlier on a password, role or branch change).
API_TOKEN_HOURS = env.int("API_TOKEN_HOURS", default=24)
# Error pages and reports mask anything that looks like a card or ID number.
DEFAULT_EXCEPTION_REPORTER = "ebank.redaction.MaskingExceptionReporter"

# Sessions end after 30 minutes without a request (each request renews the idle clock).
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Login lockout (django-axes): five failures for one username from one address lock that pair
# for the cool-off time. The address is the connection's own (REMOTE_ADDR) unless the deployment
# says how many proxies stand in front; then it is the entry the outermost proxy appended to
# X-Forwarded-For (ebank/org/addresses.py), so what a client writes there resets nothing.
# Two-factor login (TOTP) for department staff and union managers: off on one machine, on in
# production (ebank/org/two_factor.py).
TWO_FACTOR_REQUIRED = env.bool("TWO_FACTOR_REQUIRED", default=False)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="ebank 电子银行部")

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
TRUSTED_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "ebank.org.addresses.client_address"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# The house style (static/ebank/ebank.css): the admin's own look, in the union's colours, with
# the components of the department's pages (今日, the ranking, the dashboard, the matrix).
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
    # Register photos: under MEDIA_ROOT/photos, never served at a public address (ebank/registers).
    "photos": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Appeals' attachments: as private as the photos (served by a view within the user's scope).
    "attachments": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "media/"
# Uploaded extracts wait here for the worker (shared by web and worker), deleted when their run ends.
IMPORT_DIR = env.str("IMPORT_DIR", default=str(Path(MEDIA_ROOT) / "imports"))
# Untrusted files: the largest upload (a province's month of balances is about 1.5 GB as CSV), and
# the most an XLSX may expand to when unzipped (Excel's million rows of an extract stay below it).
UPLOAD_MAX_MB = env.int("UPLOAD_MAX_MB", default=4096)
IMPORT_XLSX_MAX_MB = env.int("IMPORT_XLSX_MAX_MB", default=2048)
# PostgreSQL reads an extract's cells itself after COPY (ebank/imports/indatabase.py); off, it reads
# them in Python as SQLite does (same errors, slower): for comparing the two.
IMPORT_PARSE_IN_DATABASE = env.bool("IMPORT_PARSE_IN_DATABASE", default=True)
FILE_UPLOAD_HANDLERS = ["ebank.imports.uploads.LimitedUploadHandler"]

# Every handler masks card and ID numbers (ebank/redaction.py): Django's own handlers (its console
# and the development server's access log) are replaced by masking ones, Celery's worker logs
# through these (CELERY_WORKER_HIJACK_ROOT_LOGGER below), gunicorn through gunicorn.conf.py.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "filters": {"mask_numbers": {"()": "ebank.redaction.MaskNumbersFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["mask_numbers"]},
        "server": {"class": "logging.StreamHandler", "formatter": "server", "filters": ["mask_numbers"]},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["server"], "level": "INFO", "propagate": False},
        "axes": {"level": "WARNING"},
    },
}

REST_FRAMEWORK = {
    # The token first: a refused or missing token answers 401 with WWW-Authenticate: Token.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "ebank.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["ebank.api.permissions.RolePermissions"],
    # JSON only: the documented interface is /api/docs/; no browsable forms to translate or attack.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON in too: a form body's empty field would mean "not given" and quietly take the default
    # (a branch manager's own branch). The token login keeps its own parsers (forms, for curl).
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "ebank.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "ebank.api.filters.FilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "ebank.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "ebank.api.errors.exception_handler",
    "DEFAULT_VERSIONING_CLASS": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ebank API",
    "DESCRIPTION": _("The e-banking department's back office: figures, registers and logbooks."),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from the package's own static files: no network needed to read the docs.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Several models have a "status" or a "kind": name each choice set after its model.
    "ENUM_NAME_OVERRIDES": {
        "CardStatusEnum": "cards.models.Card.Status",
        "NetbankCustomerStatusEnum": "netbanking.models.Customer.Status",
        "NetbankCustomerKindEnum": "netbanking.models.Customer.Kind",
        "SecurityMediumStatusEnum": "netbanking.models.SecurityMedium.Status",
        "SecurityMediumKindEnum": "netbanking.models.SecurityMedium.Kind",
        "TicketStatusEnum": "netbanking.models.Ticket.Status",
        "TicketKindEnum": "netbanking.models.Ticket.Kind",
        "CalendarDayKindEnum": "netbanking.models.CalendarDay.Kind",
        "MerchantStatusEnum": "terminals.models.Merchant.Status",
        "TerminalStatusEnum": "terminals.models.Terminal.Status",
        "TerminalKindEnum": "terminals.models.Terminal.Kind",
    },
}

# Celery: without a broker, tasks run in-process so one machine needs nothing else.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_STORE_EAGER_RESULT = True
CELERY_RESULT_BACKEND = "django-db"
CELERY_RESULT_EXTENDED = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=60 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 60
# acks_late is set per task, only on idempotent ones; a task's message then stays on Redis until
# the task ends, so the visibility timeout must outlast the longest time limit, or Redis would hand
# a running task to a second worker.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT + 5 * 60}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# The worker logs through LOGGING above (its masking handlers), not through handlers of its own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Each worker process's address space (MB, 0: unbounded): a task beyond it ends with MemoryError.
WORKER_MEMORY_LIMIT_MB = env.int("WORKER_MEMORY_LIMIT_MB", default=4096)

# Exports (django-import-export) follow the list a user may see; a cell that a spreadsheet would
# read as a formula gets a leading ' (ebank/exports.py), in every format offered.
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True

# The logbooks: when the two daily ATM security inspections are due (local time, HH:MM-HH:MM),
# how long a fault may stay open before it is listed as overdue.
ATM_INSPECTION_WINDOWS = {
    "morning": env.str("ATM_MORNING_WINDOW", default="06:00-12:00"),
    "evening": env.str("ATM_EVENING_WINDOW", default="17:00-23:59"),
}
ATM_FAULT_OPEN_HOURS = env.int("ATM_FAULT_OPEN_HOURS", default=48)
# An entry entered more than this many hours after its event is 补录 (late), fixed when it is saved.
LATE_ENTRY_HOURS = env.int("LATE_ENTRY_HOURS", default=2)
# Photos of register entries: how many an entry takes, how large an upload may be, how many pixels
# it may have (a decompression bomb has more), and the longest side of the picture kept.
PHOTO_MAX_PER_ENTRY = env.int("PHOTO_MAX_PER_ENTRY", default=5)
PHOTO_MAX_MB = env.int("PHOTO_MAX_MB", default=10)
PHOTO_MAX_PIXELS = env.int("PHOTO_MAX_PIXELS", default=40_000_000)
PHOTO_LONG_SIDE = env.int("PHOTO_LONG_SIDE", default=2048)
# An entry of two-person work (a cash loading, a key handover) not confirmed by the second person
# this many hours after it was entered goes on both people's and the department's to-do lists.
CUSTODY_CONFIRM_HOURS = env.int("CUSTODY_CONFIRM_HOURS", default=24)
# A branch manager may appeal (申诉) a published assessment this many working days after its
# publication (the holiday calendar of 节假日安排 counts), with an attachment of at most this size.
APPEAL_WORKING_DAYS = env.int("APPEAL_WORKING_DAYS", default=5)
APPEAL_ATTACHMENT_MAX_MB = env.int("APPEAL_ATTACHMENT_MAX_MB", default=10)

# Reminders (ebank/notify): e-mail goes through the SMTP server EMAIL_URL names
# (smtp+tls://user:password@smtp.example.cn:587, smtps://… for SSL); without it nobody is told by
# e-mail, which is not an error. WeCom robots are configured on their page (系统管理). Links in
# messages start with SITE_URL. A failed message is retried NOTIFY_RETRY_MINUTES later, twice as
# late each time (at most two hours apart), NOTIFY_MAX_ATTEMPTS times in all.
NOTIFY_EMAIL = bool(env.str("EMAIL_URL", default=""))
if NOTIFY_EMAIL:
    vars().update(env.email_url("EMAIL_URL"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="ebank 电子银行部 <ebank@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_SUBJECT_PREFIX = env.str("EMAIL_SUBJECT_PREFIX", default="[ebank] ")
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT_SECONDS", default=10)
WECOM_TIMEOUT = env.int("WECOM_TIMEOUT_SECONDS", default=5)
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
NOTIFY_RETRY_MINUTES = env.int("NOTIFY_RETRY_MINUTES", default=5)
NOTIFY_MAX_ATTEMPTS = env.int("NOTIFY_MAX_ATTEMPTS", default=8)
# The files a rule attaches to its e-mails.
NOTIFY_ATTACHMENTS = {"result_published": "reports.reminders.publication_attachments"}

# What a page may load and run (django-csp): only the site's own files and the scripts it writes
# itself (each with the request's nonce; templates/admin/djcelery gives django-celery-beat's one);
# inline style attributes are allowed, nothing else inline.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        # …and the one inline handler of a library's page: django-import-export's "select all".
        "script-src": [SELF, NONCE, UNSAFE_HASHES, "'sha256-wid4zL8fR53ZYy1ljOepzR77Dn6vWUUxuNnnWWBP3I8='"],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# The browser features no page uses are switched off (django-permissions-policy).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
}

# History is an audit trail: it is read, never used to write a record back.
SIMPLE_HISTORY_REVERT_DISABLED = True
