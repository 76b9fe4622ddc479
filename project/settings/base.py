"""Settings shared by every environment; values come from the environment (django-environ)."""

from decimal import Decimal
from email.utils import parseaddr
from pathlib import Path

import environ
from csp.constants import NONE, SELF, UNSAFE_EVAL, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
ENVIRONMENT_NAME = env("ENVIRONMENT_NAME", default="development")
# Absolute links in e-mails and PDFs (no request around when a worker renders them).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    # unfold and its contrib apps must come before django.contrib.admin
    "unfold",
    "unfold.contrib.filters",
    "unfold.contrib.forms",
    "unfold.contrib.import_export",
    "unfold.contrib.simple_history",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "django_htmx",
    "csp",
    "django_prometheus",
    "django_q",
    "djmoney",
    "djmoney.contrib.exchange",
    "import_export",
    "simple_history",
    "apps.core",
    "apps.accounts",
    "apps.vendors",
    "apps.geo",
    "apps.catalog",
    "apps.payments",
    "apps.notifications",
    "apps.affiliates",
    "apps.servicedesk",
    "apps.promotions",
    "apps.loyalty",
    "apps.orders",
    "apps.reviews",
    "apps.moderation",
    "apps.delivery",
    "apps.returns",
    "apps.analytics",
    "apps.forecasts",
    "apps.dataio",
    "apps.site",
    "management.apps.ManagementConfig",
]

MIDDLEWARE = [
    # first and last, so the request metrics time the whole chain
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "apps.core.middleware.RequestIdMiddleware",
    "apps.core.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "apps.affiliates.middleware.AffiliateReferralMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "project.urls"
WSGI_APPLICATION = "project.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "apps.orders.context_processors.cart_count",
                "apps.notifications.context_processors.notification_bell",
            ],
        },
    },
]

# --- Data stores: SQLite / ORM broker / database cache by default; URLs switch to servers.
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'comptoir.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + a busy timeout let the web process and the task workers share the file; IMMEDIATE transactions
    # take the write lock up front, so a busy writer is waited for instead of failing "database is locked"
    # when a transaction that began by reading tries to write.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE",
         "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "comptoir_cache",
        }
    }

# --- Background tasks (django-q2). retry must exceed timeout so a slow task is not run twice
# while still running; max_attempts bounds a task that keeps failing.
Q_CLUSTER = {
    "name": "comptoir",
    "workers": env.int("Q_WORKERS", default=2),
    "timeout": env.int("Q_TIMEOUT", default=300),
    "retry": env.int("Q_RETRY", default=360),
    "max_attempts": env.int("Q_MAX_ATTEMPTS", default=3),
    "ack_failures": True,
    "catch_up": False,
    "save_limit": 1000,
    "label": _("Background tasks"),
}
# The broker is the database even when Redis is there: the ORM broker keeps a task until it is
# acknowledged and hands it out again after `retry` seconds, while django-q2's Redis broker pops it
# with no acknowledgement, so a worker killed mid-task loses it (docs/operations.md). "redis" is for
# deployments that accept losing tasks.
Q_BROKER = env("Q_BROKER", default="orm")
if Q_BROKER == "orm":
    Q_CLUSTER["orm"] = "default"
elif Q_BROKER == "redis" and REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    raise ImproperlyConfigured(f"Q_BROKER={Q_BROKER!r}: use 'orm', or 'redis' with REDIS_URL set.")
# A worker whose heartbeat is older than this is reported as down by /health/.
WORKER_HEARTBEAT_MAX_AGE = env.int("WORKER_HEARTBEAT_MAX_AGE", default=180)

# --- Accounts (django-allauth)
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "apps.accounts.forms.SignupForm"
ACCOUNT_FORMS = {"signup": "apps.accounts.signup.RaceSafeSignupForm"}
ACCOUNT_UNIQUE_EMAIL = True
# "mandatory" keeps sign-up from revealing whether an address has an account: known and new
# addresses both get "check your inbox". "optional" signs new people in at once, which does reveal it.
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_PREVENT_ENUMERATION = True
# Proxies (load balancer, ingress) in front of the app; each appends the address it saw to
# X-Forwarded-For. 0: REMOTE_ADDR is the client (local, or a proxy that rewrites REMOTE_ADDR).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
# Many mobile users share one carrier address: the per-address budget is wide, the per-account one
# ("key" is the e-mail typed) is tight, so one person guessing cannot lock out a whole network.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "30/5m/ip,5/5m/key",
    "signup": "20/h/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
}
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_ADAPTER = "apps.accounts.adapters.AccountAdapter"
# Sign-in audit entries (apps.accounts.LoginEvent) are deleted by a daily task after this many days.
LOGIN_AUDIT_RETENTION_DAYS = env.int("LOGIN_AUDIT_RETENTION_DAYS", default=180)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Comptoir"

# --- Internationalisation
LANGUAGE_CODE = "en"
TIME_ZONE = env("TIME_ZONE", default="Africa/Conakry")
USE_I18N = True
USE_TZ = True

# --- Money
BASE_CURRENCY = env("BASE_CURRENCY", default="GNF")
CURRENCIES = ("GNF", "XOF", "EUR", "USD")
DEFAULT_CURRENCY = BASE_CURRENCY
# Exchange rates are typed in the admin (Reports > Exchange rates), never fetched: see apps.analytics.exchange.
EXCHANGE_BACKEND = "apps.analytics.exchange.AdminRatesBackend"

# --- Files
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploads (apps.core.files): "public" files anybody may fetch by URL (product photos, store logos), "private"
# ones served only by permission-checked views (return photos, import files). Local folders by default:
# MEDIA_ROOT holds only public files (a proxy may serve it at MEDIA_URL), PRIVATE_MEDIA_ROOT is never served.
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=VAR_DIR / "private")
_PRIVATE_FILES = {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": PRIVATE_MEDIA_ROOT}}
_PUBLIC_FILES = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
# S3-compatible storage (AWS, MinIO, Scaleway, ...) when a bucket is named: public files under public/ with a
# public-read ACL (or a bucket policy: MEDIA_S3_PUBLIC_ACL=), private ones under private/, reachable only by
# URLs signed for MEDIA_S3_SIGNED_URL_SECONDS. Credentials: MEDIA_S3_ACCESS_KEY_ID/SECRET or boto3's own chain
# (AWS_ACCESS_KEY_ID, an instance role).
def s3_file_storages(*, bucket, endpoint_url=None, region=None, access_key=None, secret_key=None,
                     addressing_style=None, public_acl="public-read", custom_domain=None, signed_url_seconds=300):
    """The public and private storages on one S3-compatible bucket (also used by the tests' own S3 server)."""
    common = {"bucket_name": bucket, "endpoint_url": endpoint_url, "region_name": region, "access_key": access_key,
              "secret_key": secret_key, "addressing_style": addressing_style, "signature_version": "s3v4",
              "file_overwrite": False}
    public = {**common, "location": "public", "default_acl": public_acl or None, "querystring_auth": False,
              "custom_domain": custom_domain}
    private = {**common, "location": "private", "default_acl": "private", "querystring_auth": True,
               "querystring_expire": signed_url_seconds}
    backend = "storages.backends.s3.S3Storage"
    return {"BACKEND": backend, "OPTIONS": public}, {"BACKEND": backend, "OPTIONS": private}


MEDIA_S3_BUCKET = env("MEDIA_S3_BUCKET", default="")
if MEDIA_S3_BUCKET:
    _PUBLIC_FILES, _PRIVATE_FILES = s3_file_storages(
        bucket=MEDIA_S3_BUCKET,
        endpoint_url=env("MEDIA_S3_ENDPOINT_URL", default=None),
        region=env("MEDIA_S3_REGION", default=None),
        access_key=env("MEDIA_S3_ACCESS_KEY_ID", default=None),
        secret_key=env("MEDIA_S3_SECRET_ACCESS_KEY", default=None),
        addressing_style=env("MEDIA_S3_ADDRESSING_STYLE", default=None),
        public_acl=env("MEDIA_S3_PUBLIC_ACL", default="public-read"),
        custom_domain=env("MEDIA_S3_CUSTOM_DOMAIN", default=None),
        signed_url_seconds=env.int("MEDIA_S3_SIGNED_URL_SECONDS", default=300),
    )
STORAGES = {
    # anything without a storage of its own is private
    "default": _PRIVATE_FILES,
    "public": _PUBLIC_FILES,
    "private": _PRIVATE_FILES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- E-mail
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Comptoir <no-reply@comptoir.local>")
# Seconds an SMTP conversation may stall before it fails (and is retried), instead of holding a worker.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=15)
# A worker owns an e-mail it is sending this long; past it (the worker died), the e-mail is queued again.
EMAIL_CLAIM_SECONDS = env.int("EMAIL_CLAIM_SECONDS", default=120)
# Bodies of sent e-mails (personal data) are blanked after this many days; the log itself is kept.
EMAIL_BODY_RETENTION_DAYS = env.int("EMAIL_BODY_RETENTION_DAYS", default=90)
if env("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))

# --- Errors and metrics
# Django mails every 500 to these people: ADMINS="Ops <ops@example.com>,Awa <awa@example.com>".
ADMINS = [parseaddr(entry) for entry in env.list("ADMINS", default=[])]
SERVER_EMAIL = env("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
# Sentry is off unless a DSN is set; reports carry the request id and the user's id, no personal data.
SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk

    from apps.core.observability import before_breadcrumb, before_send

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env("SENTRY_ENVIRONMENT", default=ENVIRONMENT_NAME),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
        # sentry-sdk 3's replacement for send_default_pii=False: no user details, bodies, cookies or SQL values
        data_collection={"user_info": False, "cookies": {"mode": "off"}, "http_bodies": [],
                         "database_query_data": False},
        before_send=before_send,
        before_breadcrumb=before_breadcrumb,
    )
# Prometheus metrics at /metrics, for a scraper presenting "Authorization: Bearer <METRICS_TOKEN>"
# or calling from one of these addresses (the client address, as behind TRUSTED_PROXY_COUNT); others get 404.
METRICS_TOKEN = env("METRICS_TOKEN", default="")
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=["127.0.0.1"])

# --- Security defaults shared by all environments
# Customer pages: our own files only, no inline script or style, no framing, forms post only here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# The back office (apps.core.middleware): unfold's Alpine.js evaluates expressions, and its pages carry
# inline scripts and styles; still only our own origin, never framed.
ADMIN_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "script-src": [SELF, UNSAFE_INLINE, UNSAFE_EVAL],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SECURE_REFERRER_POLICY = "same-origin"

# --- Import / export
from import_export.formats.base_formats import CSV, XLSX  # noqa: E402

IMPORT_EXPORT_FORMATS = [CSV, XLSX]
IMPORT_EXPORT_USE_TRANSACTIONS = True
# Import needs the model's add permission, export its view permission (then scoped per vendor).
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
# Imports of more rows than this run as a background ImportJob (apps.dataio) with a progress bar.
IMPORT_BACKGROUND_THRESHOLD = env.int("IMPORT_BACKGROUND_THRESHOLD", default=5000)
# Finished import jobs, their uploaded files and error reports are deleted after this many days.
IMPORT_JOB_RETENTION_DAYS = env.int("IMPORT_JOB_RETENTION_DAYS", default=30)

# --- Logging: one JSON line per event, carrying the request id.
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "apps.core.logging.RequestIdFilter"}},
    "formatters": {"json": {"()": "apps.core.logging.JsonFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["request_id"]},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django_q": {"level": LOG_LEVEL, "propagate": True},
        "weasyprint": {"level": "ERROR"},  # its INFO/WARNING lines are per-CSS-rule noise
    },
}

# --- Admin shell (django-unfold)
UNFOLD = {
    "SITE_TITLE": "Comptoir",
    "SITE_HEADER": "Comptoir",
    "SITE_SUBHEADER": _("Back office"),
    "SITE_URL": "/",
    "SITE_SYMBOL": "storefront",
    "ENVIRONMENT": "apps.site.admin_shell.environment_callback",
    "DASHBOARD_CALLBACK": "apps.site.admin_shell.dashboard_callback",
    "SHOW_HISTORY": True,
    "SHOW_VIEW_ON_SITE": True,
    "LOGIN": {"redirect_after": reverse_lazy("admin:index")},
    "COLORS": {
        "primary": {
            "50": "oklch(97.9% .021 166.113)",
            "100": "oklch(95% .052 163.051)",
            "200": "oklch(90.5% .093 164.15)",
            "300": "oklch(84.5% .143 164.978)",
            "400": "oklch(76.5% .177 163.223)",
            "500": "oklch(69.6% .17 162.48)",
            "600": "oklch(59.6% .145 163.225)",
            "700": "oklch(50.8% .118 165.612)",
            "800": "oklch(43.2% .095 166.913)",
            "900": "oklch(37.8% .077 168.94)",
            "950": "oklch(26.2% .051 172.552)",
        },
    },
    "SIDEBAR": {
        "show_search": True,
        "show_all_applications": False,
        "navigation": "apps.site.admin_shell.navigation",
    },
}

# --- Notifications and affiliates
# A failed e-mail is tried again EMAIL_MAX_RETRIES times, after base, 2 x base, 4 x base ... seconds.
EMAIL_MAX_RETRIES = env.int("EMAIL_MAX_RETRIES", default=3)
EMAIL_RETRY_BASE_SECONDS = env.int("EMAIL_RETRY_BASE_SECONDS", default=30)
# Read in-app notifications older than this are deleted by a daily task; unread ones are kept.
NOTIFICATIONS_RETENTION_DAYS = env.int("NOTIFICATIONS_RETENTION_DAYS", default=90)
# How long a followed share link (?ref=CODE) still credits its affiliate.
AFFILIATE_COOKIE_DAYS = env.int("AFFILIATE_COOKIE_DAYS", default=30)

# --- Payments
# Secrets come only from the environment. Stripe is offered as soon as its key is set.
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default="")
PAYMENT_GATEWAYS = env.list(
    "PAYMENT_GATEWAYS", default=["sandbox", "bank_transfer"] + (["stripe"] if STRIPE_SECRET_KEY else [])
)
# The sandbox lets anyone mark a payment paid: this default secret is for development and tests only,
# and production settings leave the sandbox out unless it is enabled on purpose with a secret of its own.
SANDBOX_WEBHOOK_SECRET = env("SANDBOX_WEBHOOK_SECRET", default="dev-only-sandbox-webhook-secret")
# Where a bank transfer goes; the defaults are demo values, which production never offers.
PAYMENT_BANK_DETAILS = {
    "bank_name": env("PAYMENT_BANK_NAME", default="Demo Bank (development only)"),
    "account_name": env("PAYMENT_BANK_ACCOUNT_NAME", default="Comptoir SARL"),
    "account_number": env("PAYMENT_BANK_ACCOUNT_NUMBER", default="GN00 0000 0000 0000 0000 0000"),
    "bic": env("PAYMENT_BANK_BIC", default="DEMOGNGN"),
}
# What a completed payment sets off, by purpose: a dotted path called as handler(payment=payment)
# inside the completing transaction. Purposes without a handler only record the payment.
PAYMENT_PURPOSE_HANDLERS = {"service_purchase": "apps.servicedesk.services.request_create_from_payment"}

# --- Promotions, loyalty and reviews
# 1 point per LOYALTY_EARN_UNIT of BASE_CURRENCY paid; a point takes LOYALTY_POINT_VALUE of
# BASE_CURRENCY off an order; unspent points expire LOYALTY_EXPIRY_DAYS after they were credited.
LOYALTY_EARN_UNIT = env.int("LOYALTY_EARN_UNIT", default=10)
LOYALTY_POINT_VALUE = env.int("LOYALTY_POINT_VALUE", default=1)
LOYALTY_EXPIRY_DAYS = env.int("LOYALTY_EXPIRY_DAYS", default=365)

# --- Shop cart and checkout
# A checkout's online payment marks its orders paid; its failure releases the checkout (orders
# cancelled, stock, promo use and points given back, lines back in the cart).
PAYMENT_PURPOSE_HANDLERS["shop_checkout"] = "apps.orders.checkout.checkout_payment_completed"
# What a failed payment sets off, by purpose: like PAYMENT_PURPOSE_HANDLERS, called inside payment_fail.
PAYMENT_PURPOSE_FAILURE_HANDLERS = {"shop_checkout": "apps.orders.checkout.checkout_payment_failed"}

# --- Shop catalogue pages
# Guests without a session share the rendered shop and store pages for this many seconds; 0 turns it off.
# The product page, the cart and checkout read prices, stock and visibility afresh, so a list a few
# seconds old never sells anything it should not.
SHOP_LIST_CACHE_SECONDS = env.int("SHOP_LIST_CACHE_SECONDS", default=30)
# Admin changelists count exactly up to this many rows; beyond, PostgreSQL's estimate is shown.
ADMIN_EXACT_COUNT_LIMIT = env.int("ADMIN_EXACT_COUNT_LIMIT", default=10_000)

# --- Reports
# An account with this many open reports is deactivated at once (and its sessions ended) until a
# moderator reactivates it; a store reaching it is only flagged to administrators.
REPORTS_DEACTIVATION_THRESHOLD = env.int("REPORTS_DEACTIVATION_THRESHOLD", default=10)
# Reports one person may send per hour.
REPORTS_PER_HOUR = env.int("REPORTS_PER_HOUR", default=10)

# --- History
# Versions older than this many days are deleted by a daily task; the latest version of each object is kept.
HISTORY_RETENTION_DAYS = env.int("HISTORY_RETENTION_DAYS", default=730)

# --- Returns
# A buyer may ask to return a delivered order for this many days after its delivery.
RETURN_WINDOW_DAYS = env.int("RETURN_WINDOW_DAYS", default=30)

# --- Courier marketplace
# A courier's commission = straight-line km from the store to the buyer x this rate (in BASE_CURRENCY)
# + the seller's optional bonus. Read as text so the amount is an exact Decimal, never a float.
DELIVERY_RATE_PER_KM = Decimal(env.str("DELIVERY_RATE_PER_KM", default="2.0"))

# --- QR handover at the door
# A home-delivery order's QR code (issued when the seller confirms the order) works for this many days.
DELIVERY_CODE_TTL_DAYS = env.int("DELIVERY_CODE_TTL_DAYS", default=7)
# The buyer paying on their phone at the door completes the handover as paid online.
PAYMENT_PURPOSE_HANDLERS["order_handover"] = "apps.delivery.handover.handover_payment_completed"

# --- Analytics
# Dashboard figures are shared by everyone with the same view for this many seconds; 0 turns it off.
DASHBOARD_CACHE_SECONDS = env.int("DASHBOARD_CACHE_SECONDS", default=60)
