"""caredesk settings, read from the environment.

Defaults run on SQLite alone and are safe for production (DEBUG off, secure cookies, HSTS);
`caredesk demo` and the tests turn the HTTPS-only parts off for plain http on loopback.
A bad value fails loudly at start-up rather than running with a surprise.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("CAREDESK_DATA_DIR", Path.cwd() / "var")).resolve()


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def envbool(name: str, default: str) -> bool:
    value = os.environ.get(name, default).strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name, str(default))
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def envaddresses(name: str) -> dict[str, str]:
    """"support@example.com=Billing, orders@example.com=Deliveries" -> {address: team name}, addresses in
    lower case. Empty when unset."""
    addresses = {}
    for item in envlist(name, ""):
        address, equals, team = (part.strip() for part in item.partition("="))
        if not equals or "@" not in address or not team:
            raise ImproperlyConfigured(
                f"{name} must list address=team pairs separated by commas, not {item!r}"
            )
        addresses[address.lower()] = team
    return addresses


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once per installation and kept on disk."""
    if key := env("SECRET_KEY"):
        return key
    path = DATA_DIR / "secret.key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = envbool("DEBUG", "false")
SECRET_KEY = _secret_key()
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

# Behind a TLS-terminating proxy (the production set-up, docs/deploy.md) all of these hold.
SECURE = envbool("CAREDESK_SECURE", "true")
SECURE_SSL_REDIRECT = SECURE
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000) if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if envbool("BEHIND_PROXY", "true") else None
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "django.contrib.humanize",
    "django.forms",  # Django's widget templates, for FORM_RENDERER below
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_tasks",
    "django_tasks_db",
    "ninja",  # /api/v1/docs then serves Swagger UI from ninja's own static files, not from a CDN
    "caredesk.accounts",
    "caredesk.customers",
    "caredesk.conversations",
    "caredesk.portal",
    "caredesk.mail",
    "caredesk.notifications",
    "caredesk.calendars",
    "caredesk.service_levels",
    "caredesk.promises",
    "caredesk.escalations",
    "caredesk.assignment",
    "caredesk.automations",
    "caredesk.quality",
    "caredesk.surveys",
    "caredesk.reports",
    "caredesk.kudos",
    "caredesk.coaching",
    "caredesk.system",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "caredesk.urls"
WSGI_APPLICATION = "caredesk.wsgi.application"

# Forms look in caredesk/templates first, and the commonest widgets (inputs, selects, checkbox and radio
# lists) are written by Python with the same markup as their templates (caredesk/system/form_renderer.py).
FORM_RENDERER = "caredesk.system.form_renderer.FormRenderer"

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
                "django.template.context_processors.i18n",
            ],
        },
    },
]


def _databases() -> dict:
    url = env("DATABASE_URL")
    if not url:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{DATA_DIR / 'caredesk.sqlite3'}"
    try:
        db = dj_database_url.parse(url, conn_max_age=envint("DB_CONN_MAX_AGE", 60), conn_health_checks=True)
    except ValueError as error:
        raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {error}") from None
    if db["ENGINE"] == "django.db.backends.sqlite3":
        db["CONN_MAX_AGE"] = 0
        db["OPTIONS"] = {
            # WAL lets the web app read while the worker writes; IMMEDIATE avoids
            # "database is locked" on upgrade from a read to a write lock. A writer waiting for the lock
            # polls for it and can lose it to the others again and again: with two workers and the
            # mail storer busy, 5 s of waiting ran out now and then (bench/mail_pipeline.py); 20 s did not.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
            "transaction_mode": "IMMEDIATE",
        }
    elif db["ENGINE"] == "django.db.backends.postgresql":
        _postgresql_options(db.setdefault("OPTIONS", {}))
    return {"default": db}


def _postgresql_options(options: dict) -> None:
    if not envbool("DB_PARALLEL_QUERIES", "false"):
        # A page reads a page of rows. Planned in parallel, PostgreSQL's workers each walked their share of
        # an index and the leader waited for rows from all of them: a search at 10^6 tickets ran its walk
        # in 32 ms of three processes' time instead of 9 ms of one: 22-25 search pages/s against 63-65
        # without parallel plans. The two plans' estimated costs were 2% apart (docs/benchmarks.md, stop 23).
        parallel_off = "-c max_parallel_workers_per_gather=0"
        options["options"] = " ".join(filter(None, [options.get("options"), parallel_off]))
    if envbool("DB_PREPARED_STATEMENTS", "true"):
        # Parameters sent apart from the SQL (server-side binding), so that psycopg prepares a statement
        # the connection has run DB_PREPARE_THRESHOLD times and PostgreSQL stops planning it on every
        # request: planning was most of the database's time on the ticket page at 10^6 tickets
        # (docs/benchmarks.md). Behind PgBouncer in transaction mode it needs 1.21+ with
        # max_prepared_statements set, or DB_PREPARED_STATEMENTS=false.
        options.update(server_side_binding=True, prepare_threshold=envint("DB_PREPARE_THRESHOLD", 2))


DATABASES = _databases()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"

ACCOUNT_ADAPTER = "caredesk.accounts.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = True
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "caredesk"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Only for `caredesk collectstatic` in production (docs/deploy.md); by default files are served from the package.
STATIC_ROOT = env("STATIC_ROOT") or None
STATICFILES_DIRS = [BASE_DIR / "static"]
# Served from the package itself, so the one-command start needs no collectstatic.
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(DATA_DIR / "media")))
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": [],
    }
}

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "false")
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", "false")
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 30)
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", str(DATA_DIR / "mail"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "support@example.com")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Outgoing email (mail/outbox.py). The domain of caredesk's own Message-IDs, and the address customers
# answer to; empty means DEFAULT_FROM_EMAIL's domain and DEFAULT_FROM_EMAIL itself.
CAREDESK_EMAIL_DOMAIN = env("CAREDESK_EMAIL_DOMAIN", "")
CAREDESK_EMAIL_REPLY_TO = env("CAREDESK_EMAIL_REPLY_TO", "")

# Data-upload limits: a customer's attachment above this is refused with a clear message.
CAREDESK_MAX_ATTACHMENT_BYTES = envint("CAREDESK_MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Inbound email: a message bigger than this is refused by `caredesk smtpd` at SMTP time (552) and not
# downloaded from an IMAP mailbox (its headers are stored as a failed email saying where it was left).
CAREDESK_EMAIL_MAX_MESSAGE_BYTES = envint("CAREDESK_EMAIL_MAX_MESSAGE_BYTES", 50 * 1024 * 1024)
if CAREDESK_EMAIL_MAX_MESSAGE_BYTES < 1:
    raise ImproperlyConfigured("CAREDESK_EMAIL_MAX_MESSAGE_BYTES must be at least 1")
# The desk's own addresses for `caredesk smtpd`, with the team each one's mail goes to; when set, mail to
# any other address is refused (550), otherwise every address is taken and goes to the --team.
CAREDESK_EMAIL_ADDRESSES = envaddresses("CAREDESK_EMAIL_ADDRESSES")
# The loop breaker: at most this many automatic answers (acknowledgements) to one address per hour.
CAREDESK_EMAIL_AUTO_ANSWERS_PER_HOUR = envint("CAREDESK_EMAIL_AUTO_ANSWERS_PER_HOUR", 3)
# Stored emails one worker task processes together, in one transaction (mail.services.process_batch).
CAREDESK_EMAIL_BATCH_SIZE = envint("CAREDESK_EMAIL_BATCH_SIZE", 50)
if CAREDESK_EMAIL_BATCH_SIZE < 1:
    raise ImproperlyConfigured("CAREDESK_EMAIL_BATCH_SIZE must be at least 1")
# IMAP polling: seconds a connection may wait on the server, and a CA file (PEM) to trust instead of the
# system's certificate store, for a mail server with a private CA. Empty: the system's store.
CAREDESK_IMAP_TIMEOUT_SECONDS = envint("CAREDESK_IMAP_TIMEOUT_SECONDS", 60)
CAREDESK_IMAP_CA_FILE = env("CAREDESK_IMAP_CA_FILE")
# A ticket handed on this many times is flagged as a run-around.
CAREDESK_RUNAROUND_THRESHOLD = envint("CAREDESK_RUNAROUND_THRESHOLD", 3)
# The public web form: submissions per address per hour.
CAREDESK_WEBFORM_RATE_PER_HOUR = envint("CAREDESK_WEBFORM_RATE_PER_HOUR", 5)
CAREDESK_BASE_URL = env("CAREDESK_BASE_URL", "http://127.0.0.1:8000")

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "caredesk_cache",
    },
    # Per process, for figures that may be seconds old (the queue sidebar's counts).
    "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "caredesk-local"},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}
