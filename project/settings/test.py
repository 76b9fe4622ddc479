"""Settings for pytest: SQLite unless DATABASE_URL points elsewhere, fast hashing, no network."""

from .base import *  # noqa: F403
from .base import VAR_DIR, env

SECRET_KEY = "test-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
if not env("DATABASE_URL", default=""):
    # in-memory: fast, and parallel runs (xdist, several checkouts) never share a file
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = VAR_DIR / "test-media"
PRIVATE_MEDIA_ROOT = VAR_DIR / "test-private"
# local folders whatever .env says (the S3 tests start their own server and point STORAGES at it)
_private = {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": PRIVATE_MEDIA_ROOT}}
STORAGES = {
    "default": _private,
    "private": _private,
    "public": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
Q_CLUSTER = {**Q_CLUSTER, "sync": True}  # noqa: F405
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
# Per-process cache whatever REDIS_URL or .env say: each test starts clean (conftest clears it)
# and never wipes a developer's Redis. The database cache is exercised by migrate and make run.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
Q_CLUSTER.pop("redis", None)  # noqa: F405
Q_CLUSTER["orm"] = "default"  # noqa: F405
SHOP_LIST_CACHE_SECONDS = 0  # tests that want the guest page cache turn it on themselves
DASHBOARD_CACHE_SECONDS = 0  # likewise for the dashboard figures
