"""Kundennah settings: one module, every knob configurable from the environment (12-factor).

Defaults run the platform embedded on SQLite in a data directory; set DATABASE_URL for
PostgreSQL and REDIS_URL to move cache and background jobs onto Redis.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
_REPO_ROOT = BASE_DIR.parent

env = environ.Env()


def _default_data_dir() -> Path:
    # A checkout keeps its data beside the code; an installed package keeps it in the user's home.
    if (_REPO_ROOT / "pyproject.toml").exists():
        return _REPO_ROOT / "data"
    return Path.home() / ".local" / "share" / "kundennah"


DATA_DIR = Path(env.str("KUNDENNAH_DATA_DIR", default=str(_default_data_dir())))
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """The key comes from the environment or is generated once into the data directory.

    It never lives in the repository.
    """
    from_env = env.str("SECRET_KEY", default="")
    if from_env:
        return from_env
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
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
    "ninja",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "huey.contrib.djhuey",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "kundennah.core",
    "kundennah.accounts",
    "kundennah.customers",
    "kundennah.timeline",
    "kundennah.service",
    "kundennah.channels",
    "kundennah.channels.email",
    "kundennah.commerce",
    "kundennah.feedback",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kundennah.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "kundennah.urls"
WSGI_APPLICATION = "kundennah.wsgi.application"

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
                "kundennah.core.context_processors.platform",
            ],
        },
    }
]

# --- Database -----------------------------------------------------------------------------
_SQLITE_URL = f"sqlite:///{DATA_DIR / 'kundennah.sqlite3'}"
DATABASES = {"default": env.db_url("DATABASE_URL", default=_SQLITE_URL)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at BEGIN so
    # two writers queue on busy_timeout instead of failing with "database is locked" mid-way.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=NORMAL;"
            "PRAGMA busy_timeout=20000;"
            "PRAGMA foreign_keys=ON;"
            "PRAGMA cache_size=-64000;"
            "PRAGMA mmap_size=268435456;"
        ),
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and background jobs ------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    # File-based so that the web process and the worker see the same entries (import progress).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
        }
    }

HUEY_IMMEDIATE = env.bool("HUEY_IMMEDIATE", default=False)
if REDIS_URL:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "kundennah",
        "url": REDIS_URL,
        "immediate": HUEY_IMMEDIATE,
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "kundennah",
        "filename": str(DATA_DIR / "jobs.sqlite3"),
        "immediate": HUEY_IMMEDIATE,
    }
# An idle consumer polls the SQLite queue at most a second apart (huey's default backs off to
# ten), so an import starts while the agent still looks at the page. Redis blocks instead.
HUEY["consumer"] = {
    "workers": env.int("WORKER_THREADS", default=2), "worker_type": "thread", "max_delay": 1.0,
}

# --- Auth ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_ADAPTER = "kundennah.accounts.adapters.StaffAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_LOGOUT_ON_GET = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = env.str("MFA_TOTP_ISSUER", default="Kundennah")
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

# --- Internationalisation -----------------------------------------------------------------
LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Berlin")
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(DATA_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(DATA_DIR / "files")},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if DEBUG:
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
WHITENOISE_USE_FINDERS = DEBUG
# Uploads above this land in a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 5_242_880
FILE_UPLOAD_PERMISSIONS = 0o600
IMPORT_MAX_UPLOAD_BYTES = env.int("IMPORT_MAX_UPLOAD_BYTES", default=100 * 1024 * 1024)

# --- Mail ---------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="service@kundennah.example")

# --- The company behind this installation (shown wherever a customer needs a human) -------
COMPANY_NAME = env.str("COMPANY_NAME", default="Kundennah GmbH")
# Where staff reach the platform: links in mails sent without a request (the SLA sweep).
BASE_URL = env.str("BASE_URL", default="http://127.0.0.1:8000")
SERVICE_PHONE = env.str("SERVICE_PHONE", default="+49 30 12345678")
SERVICE_HOURS = env.str("SERVICE_HOURS", default="Mo–Fr 08:00–18:00")
DEFAULT_PHONE_REGION = env.str("DEFAULT_PHONE_REGION", default="DE")

# --- Service desk -------------------------------------------------------------------------
# Bundesland whose public holidays count for teams without a calendar of their own.
KUNDENNAH_DEFAULT_STATE = env.str("KUNDENNAH_DEFAULT_STATE", default="")
# Where a concern goes that no routing rule claims (a team name; empty: the first team).
KUNDENNAH_DEFAULT_TEAM = env.str("KUNDENNAH_DEFAULT_TEAM", default="")
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
ATTACHMENTS_PER_MESSAGE = env.int("ATTACHMENTS_PER_MESSAGE", default=10)

# --- Feedback after a contact ---------------------------------------------------------------
# At most one survey per customer (or address) in this many days: no survey fatigue.
FEEDBACK_SURVEY_GAP_DAYS = env.int("FEEDBACK_SURVEY_GAP_DAYS", default=14)
# How long a survey link works, and how long an answer can still be changed.
FEEDBACK_LINK_DAYS = env.int("FEEDBACK_LINK_DAYS", default=30)
FEEDBACK_CHANGE_DAYS = env.int("FEEDBACK_CHANGE_DAYS", default=7)
# Wait before asking: a concern may be reopened within the hour, a parcel needs days to arrive.
FEEDBACK_CONCERN_DELAY_MINUTES = env.int("FEEDBACK_CONCERN_DELAY_MINUTES", default=60)
FEEDBACK_ORDER_DELAY_DAYS = env.int("FEEDBACK_ORDER_DELAY_DAYS", default=2)
# Answers accepted from one network address per hour (a flood is refused, not counted).
FEEDBACK_ANSWERS_PER_ADDRESS_HOUR = env.int("FEEDBACK_ANSWERS_PER_ADDRESS_HOUR", default=30)

# --- Search and the customer record -------------------------------------------------------
SEARCH_RESULT_LIMIT = env.int("SEARCH_RESULT_LIMIT", default=25)
TIMELINE_PAGE_SIZE = env.int("TIMELINE_PAGE_SIZE", default=30)

NINJA_PAGINATION_PER_PAGE = 25

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"huey": {"level": "WARNING"}},
}
