"""Production: refuses to start without its required environment; passes check --deploy."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

_missing = [name for name in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL") if not env(name, default="")]
if _missing:
    raise ImproperlyConfigured(
        "Production settings need these environment variables: " + ", ".join(_missing)
        + ". Set them (see README, 'Running in production') and start again."
    )

DEBUG = False
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# Load balancers probe /health/, and Prometheus scrapes /metrics, over plain HTTP inside the private network.
SECURE_REDIRECT_EXEMPT = [r"^health/$", r"^metrics$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

# --- Payments: the sandbox lets anyone mark a payment paid, and the bank details default to demo values,
# so production offers each only when it is configured on purpose.
if not env.bool("PAYMENT_SANDBOX_ENABLED", default=False):
    PAYMENT_GATEWAYS = [code for code in PAYMENT_GATEWAYS if code != "sandbox"]  # noqa: F405
elif not env("SANDBOX_WEBHOOK_SECRET", default=""):
    raise ImproperlyConfigured("PAYMENT_SANDBOX_ENABLED needs a SANDBOX_WEBHOOK_SECRET of its own.")
if not env("PAYMENT_BANK_ACCOUNT_NUMBER", default=""):
    PAYMENT_GATEWAYS = [code for code in PAYMENT_GATEWAYS if code != "bank_transfer"]
