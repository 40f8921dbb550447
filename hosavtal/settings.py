"""Settings for HoS-portalen, all read from the environment (django-environ).

Two modes, chosen by DJANGO_ENV:
- ``development`` (default): embedded defaults, no servers needed. SQLite, Celery's
  file-system broker and e-mail written as .eml files, all under ``var/``.
- ``production``: every secret and service must be given; security settings are on.
"""

import secrets
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
env.read_env(BASE_DIR / ".env", overwrite=False)

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
if DJANGO_ENV not in {"development", "production"}:
    raise ImproperlyConfigured("DJANGO_ENV must be 'development' or 'production'.")
PRODUCTION = DJANGO_ENV == "production"

VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DEBUG", default=not PRODUCTION)


def _secret_key() -> str:
    key = env.str("SECRET_KEY", default="")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set in production.")
    # Development: a random key kept outside the repository, made on first start.
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production.")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The one base address of every absolute link (e-mail, .ics, exports, SSO metadata). In
# development `make run` writes it to VAR_DIR/site_url (http://127.0.0.1:$PORT) so that web,
# worker, beat and any later manage.py command agree; production requires it.
SITE_URL_FILE = VAR_DIR / "site_url"


def _site_url() -> str:
    value = env.str("SITE_URL", default="").strip()
    if not value and PRODUCTION:
        raise ImproperlyConfigured(
            "SITE_URL must be set in production (the portal's public address, e.g. "
            "https://hos.vgregion.se): every link in e-mail and calendar files is built from it."
        )
    if not value and SITE_URL_FILE.exists():
        value = SITE_URL_FILE.read_text().strip()
    value = (value or "http://127.0.0.1:8000").rstrip("/")
    if not value.startswith(("http://", "https://")):
        raise ImproperlyConfigured(f"SITE_URL must start with http:// or https:// ({value!r}).")
    return value


SITE_URL = _site_url()

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "auditlog",
    "axes",
    "csp",
    # Our apps, lowest first: core and agreements know no other app of ours.
    "core",
    "agreements",
    "accounts",
    "implementation",
    "escalation",
    "conferences",
    "bodies",
    "onboarding",
    "documents",
    # Reminders sit above the feature apps: they read their selectors.
    "reminders",
    "hosavtal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise (static files keep their own long cache), before anything reads input.
    "core.middleware.PrivateResponseMiddleware",
    "core.middleware.ControlCharacterMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # SAML's own short session (djangosaml2): the IdP's POST back to the portal is cross-site.
    "djangosaml2.middleware.SamlSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Login everywhere; public views are marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Public POSTs (the views LoginRequiredMiddleware lets through) are counted per address.
    "core.middleware.PublicPostRateLimitMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    # Last, so that it sees the outcome of authentication attempts.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "hosavtal.urls"
WSGI_APPLICATION = "hosavtal.wsgi.application"

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
                "hosavtal.context_processors.portal",
            ],
            "builtins": ["core.templatetags.portal"],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'hosavtal.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server, worker and beat read while one of them writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE", "timeout": 20}
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # axes first: it refuses locked-out attempts before any other backend is asked.
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.UserBackend",
    # SAML and OIDC sign-ins log the user in themselves (accounts.sso) after verifying the
    # IdP's answer; see README "Inloggning via organisationens IdP".
    *env.list("EXTRA_AUTHENTICATION_BACKENDS", default=[]),
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# --- Sign-in through identity providers (accounts.sso) -------------------------------------
# Password sign-in can be switched off per environment once every organisation has an IdP.
PASSWORD_LOGIN = env.bool("PASSWORD_LOGIN", default=True)
# The portal's SAML signing key and certificate; made under VAR_DIR on first use if absent.
SAML_SP_KEY_FILE = env.str("SAML_SP_KEY_FILE", default=str(VAR_DIR / "saml" / "sp.key"))
SAML_SP_CERT_FILE = env.str("SAML_SP_CERT_FILE", default=str(VAR_DIR / "saml" / "sp.crt"))
# Clock difference tolerated with an IdP (SAML assertions and OIDC ID tokens), in seconds.
SAML_ACCEPTED_TIME_DIFF = env.int("SSO_CLOCK_SKEW_SECONDS", default=60)
SAML_CONFIG_LOADER = "accounts.sso.saml.config_loader"
SAML_DEFAULT_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
SAML_SESSION_COOKIE_NAME = "hos_saml_session"
# The IdP posts its answer from another site: in production the SAML cookie must be
# SameSite=None (and Secure); plain-http development keeps Lax (same site: 127.0.0.1).
SAML_SESSION_COOKIE_SAMESITE = "None" if PRODUCTION else "Lax"
SAML_CSP_HANDLER = ""

# Login throttling (django-axes): lock a username+address pair after repeated failures, and
# an address after AXES_ADDRESS_FAILURE_LIMIT failures over any usernames (core.signin). The
# address is the client's, read behind AXES_PROXY_COUNT trusted proxies: production must say
# how many (0 = none), else every client would share the proxy's address and anyone could
# lock anyone out.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_ADDRESS_FAILURE_LIMIT = env.int("AXES_ADDRESS_FAILURE_LIMIT", default=20)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "core.signin.AddressLimitedHandler"
AXES_CLIENT_IP_CALLABLE = "core.signin.client_ip"
if PRODUCTION and "AXES_PROXY_COUNT" not in env.ENVIRON:
    raise ImproperlyConfigured(
        "AXES_PROXY_COUNT must be set in production: the number of trusted reverse proxies "
        "in front of the portal (0 if none)."
    )
# (Not named AXES_PROXY_COUNT inside Django: axes reports that name as deprecated.)
TRUSTED_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLE_ADMIN = True
AXES_VERBOSE = False


# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Svenska")), ("en", _("Engelska"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["core.formats"]
LANGUAGE_COOKIE_NAME = "hos_language"

# --- Static and uploaded files --------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
if not PRODUCTION:
    # Development and tests serve assets straight from the finders (no collectstatic).
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Uploads: every upload field checks size and type itself (core.uploads); this is the ceiling.
MAX_UPLOAD_BYTES = env.int("MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Uploaded tables (core.tabular: bulk template, recipient lists) are read within these limits;
# a file beyond them is refused with a message, in well under a second.
TABLE_MAX_ROWS = env.int("TABLE_MAX_ROWS", default=5_000)  # rows under the header
TABLE_MAX_COLUMNS = env.int("TABLE_MAX_COLUMNS", default=30)
TABLE_MAX_UNCOMPRESSED_BYTES = env.int("TABLE_MAX_UNCOMPRESSED_BYTES", default=20 * 1024 * 1024)
TABLE_MAX_ZIP_ENTRIES = env.int("TABLE_MAX_ZIP_ENTRIES", default=200)
# XML tags in all of an .xlsx's parts: what the parser has to walk (about 4 per filled cell;
# 5 000 rows of the bulk template are 216 000).
TABLE_MAX_XML_TAGS = env.int("TABLE_MAX_XML_TAGS", default=250_000)

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_DIR = VAR_DIR / "mail"
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "core.mail.EmlFileBackend"
    EMAIL_FILE_PATH = str(EMAIL_DIR)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="HoS-portalen <noreply@hosportalen.se>")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
# Joint documents: remiss and dispatch mail can come from a VGR/VästKom address recipients trust.
DISPATCH_FROM_EMAIL = env.str("DISPATCH_FROM_EMAIL", default=DEFAULT_FROM_EMAIL)
EMAIL_TIMEOUT = 20

# --- Celery ---------------------------------------------------------------------------------
CELERY_QUEUE_DIR = VAR_DIR / "celery"
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    for sub in ("queue", "processed", "control"):
        (CELERY_QUEUE_DIR / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "control_folder": str(CELERY_QUEUE_DIR / "control"),
        "data_folder_in": str(CELERY_QUEUE_DIR / "queue"),
        "data_folder_out": str(CELERY_QUEUE_DIR / "queue"),
        "processed_folder": str(CELERY_QUEUE_DIR / "processed"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 14 * 60
# A sender cut off by a lost broker connection could have had a message accepted by the SMTP
# server and not yet recorded it (measured: 1–2 duplicates per Redis restart). So a running
# task finishes and records what it sent; its unacked message is redelivered and finds the
# rows already sent (core.outbox).
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
# The outbox (core.outbox): a sender's claim not renewed for this long is taken over (its
# worker died); transient SMTP refusals are tried again after base·2^(n-1) seconds, up to N
# attempts; a beat tick or a trigger sends at most BATCH rows over one connection.
OUTBOX_CLAIM_STALE_SECONDS = env.int("OUTBOX_CLAIM_STALE_SECONDS", default=300)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=5)
OUTBOX_RETRY_BASE_SECONDS = env.int("OUTBOX_RETRY_BASE_SECONDS", default=60)
OUTBOX_BATCH_SIZE = env.int("OUTBOX_BATCH_SIZE", default=200)
# Invitation dispatch (conferences.services.dispatch): a batch's claim not renewed for this
# long is taken over (its worker died); transient SMTP refusals are retried after a pause, up
# to N attempts; accepted messages are recorded every N (1 = exactly once if a worker dies).
INVITATION_CLAIM_STALE_SECONDS = env.int("INVITATION_CLAIM_STALE_SECONDS", default=300)
INVITATION_MAX_ATTEMPTS = env.int("INVITATION_MAX_ATTEMPTS", default=3)
INVITATION_RETRY_AFTER_SECONDS = env.int("INVITATION_RETRY_AFTER_SECONDS", default=120)
INVITATION_MARK_SENT_EVERY = env.int("INVITATION_MARK_SENT_EVERY", default=1)

# --- Cache ----------------------------------------------------------------------------------
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://hosportalen")}
# Public POSTs per client address and view (django-ratelimit's "N/period", e.g. "60/10m"): a
# municipality's officials often share one address, so the default leaves room for a whole
# office registering at once while stopping a script. The count lives in the cache above.
PUBLIC_POST_RATE = env.str("PUBLIC_POST_RATE", default="60/10m")
# Rendered fragments are keyed by the audit trail's newest id (core.fragments), so any change
# of domain data shows at once; this bounds what that key cannot see (the clock, shell imports).
FRAGMENT_CACHE_SECONDS = env.int("FRAGMENT_CACHE_SECONDS", default=300)

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 10
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # "__Host-": the browser takes these cookies only when Secure, for path "/" and with no
    # Domain, so no other host (a subdomain) can set or shadow them.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SESSION_COOKIE_PATH = CSRF_COOKIE_PATH = "/"
    SESSION_COOKIE_DOMAIN = CSRF_COOKIE_DOMAIN = None
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

# Features no page of the portal uses are switched off for it and anything it embeds
# (core.middleware.SecurityEdgeMiddleware sends the header).
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), encrypted-media=(), "
    "fullscreen=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), midi=(), "
    "payment=(), publickey-credentials-get=(), screen-wake-lock=(), usb=(), "
    "xr-spatial-tracking=()"
)
# /halsa/ tells the state of the database, broker and worker only to these addresses (the
# client's, behind AXES_PROXY_COUNT proxies) and to loopback; others get a bare 200 or 503.
HEALTH_DETAIL_IPS = env.list("HEALTH_DETAIL_IPS", default=[])

# Content Security Policy (django-csp 4): only our own assets; no inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- Forms ----------------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# --- Audit trail (django-auditlog) ----------------------------------------------------------
AUDITLOG_INCLUDE_ALL_MODELS = False
AUDITLOG_DISABLE_REMOTE_ADDR = True  # who and when, not where from (data minimisation)
# Rows loaded as they are (loaddata, manage.py restore) are not new events: no audit entry.
AUDITLOG_DISABLE_ON_RAW_SAVE = True

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    # Personal links and tokens are masked in every line (core.logmask; gunicorn's access
    # log through hosavtal.gunicorn_conf).
    "filters": {"mask_secrets": {"()": "core.logmask.MaskSecretsFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["mask_secrets"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # pysaml2 and its schema library log every parsed message at INFO.
        "saml2": {"level": "WARNING"},
        "xmlschema": {"level": "WARNING"},
    },
}

# --- Portal ---------------------------------------------------------------------------------
PORTAL_NAME = "HoS-portalen"
AGREEMENT_IN_FORCE_DATE = "2027-01-01"
ADMINS_NOTIFY_EMAILS = env.list("ADMINS_NOTIFY_EMAILS", default=[])
