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
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
MEDIA_ROOT = VAR_DIR / "test-media"
Q_CLUSTER = {**Q_CLUSTER, "sync": True}  # noqa: F405
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
# Per-process cache: each test starts clean (conftest clears it); the database cache is
# exercised by migrate (its table is created by a migration) and by make run.
if not env("REDIS_URL", default=""):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
