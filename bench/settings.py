"""Settings of the benchmark server: production settings (DEBUG=0) on the bench database, with
plain HTTP allowed because the server listens on the loopback address only.

The database comes from BENCH_DATABASE_URL (bench.measure and bench.generate set it)."""

import os

os.environ["DEBUG"] = "0"
os.environ.setdefault(
    "DJANGO_SECRET_KEY", "bench-only-secret-key-never-used-outside-loopback-0123456789"
)
os.environ["SECURE_SSL_REDIRECT"] = "0"
os.environ["SESSION_COOKIE_SECURE"] = "0"
os.environ["CSRF_COOKIE_SECURE"] = "0"
os.environ["SECURE_HSTS_SECONDS"] = "0"
os.environ["SECURE_HSTS_PRELOAD"] = "0"
os.environ.setdefault("LOG_LEVEL", "WARNING")
if os.environ.get("BENCH_DATABASE_URL"):
    os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
# Static files come straight from the apps (no collectstatic step before each run). The
# production storage differs only in looking hashed names up in its manifest.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = None
