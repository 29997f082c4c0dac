"""Sasaeai settings: one module, driven by the environment (django-environ).

Local development needs no variables: SQLite next to the code, DEBUG on. Production sets
DEBUG=0, DJANGO_SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL (see docs/deployment.md).
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DEBUG=0.")
    SECRET_KEY = "django-insecure-local-development-only-not-for-production"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "sasaeai.core",
    "sasaeai.org",
    "sasaeai.accounts",
    "sasaeai.audit",
    "sasaeai.resources",
    "sasaeai.directory",
    "sasaeai.exchange",
    "sasaeai.activities",
    "sasaeai.cases",
    "sasaeai.councils",
    "sasaeai.participation",
    "sasaeai.reports",
    "sasaeai.api",
    "sasaeai.site",
    # django-ninja's templates and static files: the API docs (Swagger UI) are served from
    # here, not from a CDN, under the same CSP as every page.
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "sasaeai.core.middleware.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "sasaeai.accounts.two_factor_middleware.TwoFactorMiddleware",
    "sasaeai.accounts.password_change_middleware.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "sasaeai.core.middleware.SecurityHeadersMiddleware",
    "sasaeai.accounts.middleware.UserLanguageMiddleware",
    "sasaeai.accounts.middleware.NoStoreForStaffMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "sasaeai" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sasaeai.site.context_processors.navigation",
            ],
            "builtins": ["sasaeai.core.templatetags.japanese"],
        },
    }
]

# Databases: SQLite is the embedded default; PostgreSQL is chosen with DATABASE_URL.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock at the
    # start of a transaction so that concurrent writers wait (busy timeout) instead of failing.
    # secure_delete overwrites deleted rows' bytes with zeros (sasaeai/core/erasure.py).
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        "PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # The page cache lives in the connection: keep it between requests (one connection per
    # worker thread), and let reads of the file go through a memory map rather than copies.
    DATABASES["default"]["OPTIONS"]["init_command"] += (
        f" PRAGMA cache_size=-{env.int('SQLITE_CACHE_KIB', default=32768)};"
        f" PRAGMA mmap_size={env.int('SQLITE_MMAP_BYTES', default=1073741824)};"
        " PRAGMA temp_store=MEMORY;"
    )
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=600)
else:
    # Persistent connections: opening a PostgreSQL connection (fork, authentication) costs a
    # few milliseconds on every request otherwise. Checked before reuse, so a restarted
    # server is survived.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=600)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Behind a pooler in transaction mode (pgbouncer's pool_mode = transaction) a server-side
    # cursor cannot outlive its transaction: read `.iterator()` rows client-side instead.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool(
        "DATABASE_TRANSACTION_POOLING", default=False
    )
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions end after a period without activity (seconds; default one hour).
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=3600)
# Matching keeps this many municipalities' resource facts in memory per worker (cases/facts.py).
MATCH_FACTS_MUNICIPALITIES = env.int("MATCH_FACTS_MUNICIPALITIES", default=16)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Login throttling (django-axes): five failures lock the username from that address.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# The reverse proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated,
# e.g. "127.0.0.1,10.0.0.0/8"); empty: the header is ignored. See docs/security.md.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
AXES_CLIENT_IP_CALLABLE = "sasaeai.core.client_address.client_address"

# Two-factor login (TOTP, django-otp): the name authenticator apps show for the account.
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="ささえあい")

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", "日本語"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "sasaeai" / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "sasaeai" / "static"]
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# In development WhiteNoise serves straight from the apps' static folders.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
# Files browsers ask for at the site's root (/favicon.ico).
WHITENOISE_ROOT = BASE_DIR / "sasaeai" / "static_root"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Security headers. Production (DEBUG=0) turns on HTTPS-only cookies and HSTS.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# A body larger than its limit answers 413 before anything reads it (sasaeai/core/middleware.py):
# DATA_UPLOAD_MAX_MEMORY_SIZE for JSON and plain forms; for a form with files, the largest
# upload a page takes (the resource import, EXCHANGE_MAX_UPLOAD_BYTES: 20 MB) and its fields.
REQUEST_MAX_MULTIPART_BYTES = env.int("REQUEST_MAX_MULTIPART_BYTES", default=21 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Map tiles: 地理院タイル (GSI standard map) unless the installation chooses others.
MAP_TILE_URL = env.str(
    "MAP_TILE_URL", default="https://cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png"
)
MAP_TILE_ATTRIBUTION = env.str(
    "MAP_TILE_ATTRIBUTION",
    default='<a href="https://maps.gsi.go.jp/development/ichiran.html">地理院タイル</a>',
)

# Demo logins share one password unless DEMO_PASSWORD is set.
DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="sasaeai-demo-2026")

# Logs carry no personal data: no request bodies, no query strings of case pages.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}

# API lists: 20 items a page unless page_size asks for more (at most 200).
NINJA_PAGINATION_PER_PAGE = 20
NINJA_MAX_PER_PAGE_SIZE = 200
