"""Settings for Groupwork, read from environment variables.

Safe for development when nothing is set; strict when DEBUG is off.
"""

import json
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name, default):
    return os.environ.get(name, str(default)).lower() in ("1", "true", "yes", "on")


def envlist(name, default=""):
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


DEBUG = envbool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "groupwork",
    "meetings",
    "actions",
    "visits",
    "publishing",
    "overview",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "simple_history",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "groupwork.middleware.security_headers",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "groupwork.middleware.language_from_cookie",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "groupwork.middleware.private_when_logged_in",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "groupwork.urls"
WSGI_APPLICATION = "groupwork.wsgi.application"

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
            "builtins": [
                "django.templatetags.i18n",
                "django.templatetags.static",
                "groupwork.templatetags.groupwork",
            ],
        },
    },
    {
        # The rows that a page renders by the dozen (groupwork/jinja2.py).
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "groupwork.jinja2.environment",
        },
    },
]

# Without DATABASE_URL the quick start uses an SQLite file: nothing to install.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'var' / 'groupwork.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and envbool(
    "DATABASE_PREPARED_STATEMENTS", True
):
    # Parameters bound by the server, and a statement a connection has run five times kept
    # prepared: a page's queries are the same text every time, and Postgres then skips most
    # of their parsing and planning (the start page's tasks: 9.4 -> 7.7 ms). Off behind a
    # pooler that does not keep a connection per client (PgBouncer in transaction mode).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=5
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = ["groupwork.adapters.AuthenticationBackend"]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "groupwork:home"
LOGOUT_REDIRECT_URL = "account_login"

# allauth: no self sign-up (the adapter closes it), e-mail as login, login by code.
ACCOUNT_ADAPTER = "groupwork.adapters.InvitationOnlyAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
# allauth's default, said aloud: an address belongs to one account, the one invited to it.
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Groupwork] "
ACCOUNT_RATE_LIMITS = {
    "login_failed": "5/m/ip,5/5m/key",
    "login": "30/m/ip",
    "request_login_code": "10/m/ip,3/m/key",
    "reset_password": "10/m/ip,5/m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Groupwork"

# On the host's disk (diskcache's SQLite files, readable by the app's user only), so that the
# server's worker processes share them. "default": sessions, allauth's rate limits and the
# generation that expires public pages; "pages": the public pages (publishing.responses), in a
# store of their own so that filling it evicts pages only. No logged-in page is kept anywhere.
# A read gives up (a miss) after a second of waiting for another process's write; a write
# retries until it is made.
CACHE_DIR = Path(os.environ.get("CACHE_DIR", BASE_DIR / "var" / "cache"))
_SHARED_CACHE = {
    "BACKEND": "groupwork.cache.SharedCache",
    "SHARDS": 1,  # two workers seldom write at once; each shard is a SQLite file to open
    "DATABASE_TIMEOUT": 1.0,
}
CACHES = {
    "default": {**_SHARED_CACHE, "LOCATION": CACHE_DIR / "shared"},
    "pages": {**_SHARED_CACHE, "LOCATION": CACHE_DIR / "pages", "OPTIONS": {"size_limit": 2**28}},
}
# Several app servers share one Redis instead (redis://host:6379/0): the same two caches under
# two key prefixes. A Redis that is down or slow (half a second) reads as an empty cache.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    _REDIS = {
        "BACKEND": "groupwork.cache.TolerantRedisCache",
        "LOCATION": REDIS_URL,
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
    CACHES = {
        "default": {**_REDIS, "KEY_PREFIX": "groupwork"},
        "pages": {**_REDIS, "KEY_PREFIX": "groupwork-pages"},
    }

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Svenska")), ("en", _("Engelska"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["groupwork.formats"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "var" / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
# Attachments and imported originals go through this storage only: on several servers,
# MEDIA_ROOT on a shared volume, or an S3-compatible store by configuration alone, e.g.
# MEDIA_STORAGE_BACKEND=storages.backends.s3.S3Storage with its options as JSON in
# MEDIA_STORAGE_OPTIONS (after `pip install django-storages[s3]`).
STORAGES = {
    "default": {
        "BACKEND": os.environ.get(
            "MEDIA_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"
        ),
        "OPTIONS": json.loads(os.environ.get("MEDIA_STORAGE_OPTIONS", "{}")),
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Uploads: the attachment limit is checked in the form; this keeps huge bodies on disk.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 5_242_880
ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024))

INVITATION_DAYS = 14

# Öppna soc, the city's WordPress: the site every public group mirrors to unless the
# administrator connected one of its own (publishing.WordPressSite). An Author account's
# Application Password; HTTPS only, except on this machine.
WORDPRESS_URL = os.environ.get("WORDPRESS_URL", "")
WORDPRESS_USER = os.environ.get("WORDPRESS_USER", "")
WORDPRESS_APP_PASSWORD = os.environ.get("WORDPRESS_APP_PASSWORD", "")
WORDPRESS_CATEGORY_ID = int(os.environ.get("WORDPRESS_CATEGORY_ID") or 0) or None
# Seconds for one request to WordPress; publishing never waits for it (the mirror runs after
# the commit, in a thread of its own, and `mirror_to_wordpress` retries from cron).
WORDPRESS_TIMEOUT = float(os.environ.get("WORDPRESS_TIMEOUT", "10"))
WORDPRESS_MIRROR_AFTER_COMMIT = envbool("WORDPRESS_MIRROR_AFTER_COMMIT", True)

DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "groupwork@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", True)
elif DEBUG:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    raise ImproperlyConfigured("EMAIL_HOST must be set when DEBUG is off.")

# Security headers. The Content-Security-Policy is set by groupwork.middleware.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Read from the shared cache, kept in the database: a logged-in page needs no session query.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
CSRF_COOKIE_HTTPONLY = False
if not DEBUG:
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 31_536_000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}


# Form widgets are rendered by Jinja2 too, from Django's own widget templates for it (the
# admin's through Django's templates): the minutes editor's dozen forms took 60 ms through
# Django's templates.
FORM_RENDERER = "groupwork.jinja2.FormRenderer"
