"""Django settings for Plateau.

One settings module, driven by environment variables, so the embedded default (`make run`: SQLite in WAL
mode, in-process services) and production (PostgreSQL via ``DATABASE_URL``, Redis via ``REDIS_URL``) run
the same code.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONCE, NONE, SELF

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("PLATEAU_VAR_DIR", PROJECT_DIR / "var"))


def _flag(name: str, default: bool) -> bool:
    return os.environ.get(name, "1" if default else "0").strip().lower() in ("1", "true", "yes", "on")


def _list(name: str, default: str = "") -> list[str]:
    return [v.strip() for v in os.environ.get(name, default).split(",") if v.strip()]


# Production is PostgreSQL (DATABASE_URL) or an explicit PLATEAU_PRODUCTION=1. There, every process refuses to
# start without PLATEAU_SECRET_KEY (plateau.startup; the system check plateau.E001 says the same).
PLATEAU_PRODUCTION = bool(os.environ.get("DATABASE_URL")) or _flag("PLATEAU_PRODUCTION", False)
DEMO_SECRET_KEY = "plateau-embedded-demo-key-not-for-production"  # noqa: S105 - public: only for the embedded demo
SECRET_KEY = os.environ.get("PLATEAU_SECRET_KEY") or DEMO_SECRET_KEY
DEBUG = _flag("PLATEAU_DEBUG", False)
ALLOWED_HOSTS = _list("PLATEAU_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "widget_tweaks",
    "dsfr",
    "ninja",  # serves Swagger UI's assets from the installed package (no CDN) for /api/docs
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "plateau.tenants",
    "plateau.geo",
    "plateau.directory",
    "plateau.contacts",
    "plateau.leads",
    "plateau.followup",
    "plateau.routing",
    "plateau.ivr",
    "plateau.calls",
    "plateau.web",
    "plateau.wfm",
    "plateau.eligibility",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "plateau.web.security.StaffSessionMiddleware",  # idle timeout, no-store, 2FA enrolment
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires: turns a locked-out login into its page
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out account or address before the password
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "plateau.urls"
ASGI_APPLICATION = "plateau.asgi.application"
WSGI_APPLICATION = "plateau.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "plateau.web.navigation.navigation",
            ],
        },
    },
]


def _database() -> dict[str, Any]:
    url = os.environ.get("DATABASE_URL")
    if url:
        return dict(dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True))
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("PLATEAU_SQLITE_PATH", str(VAR_DIR / "plateau.sqlite3")),
        "OPTIONS": {
            # WAL lets the web readers run while one writer commits; IMMEDIATE transactions take the
            # write lock up front so concurrent writers queue instead of failing with "database is locked".
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000; PRAGMA foreign_keys=ON;"
            ),
            "transaction_mode": "IMMEDIATE",
        },
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "tenants.User"
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

# Applied whenever a password is set through a form or `changepassword`/`createsuperuser`; the demo loader sets
# the shared demo password `plateau` directly (demo accounts only, and `make run` keeps them on loopback).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login throttling (django-axes): after PLATEAU_LOGIN_FAILURE_LIMIT failures for one account, or from one client
# address, logins are refused for PLATEAU_LOGIN_COOLOFF_MINUTES (each further try restarts the wait). Attempts
# are kept in the axes tables; a lockout also writes an audit entry (auth.locked_out).
AXES_FAILURE_LIMIT = int(os.environ.get("PLATEAU_LOGIN_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=float(os.environ.get("PLATEAU_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "plateau.web.two_factor.locked_out"  # a French page saying how long to wait
AXES_VERBOSE = False
# Behind a load balancer, the client address is the last hop the proxy appended to X-Forwarded-For.
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("PLATEAU_PROXY_COUNT", "0")) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if AXES_IPWARE_PROXY_COUNT else ("REMOTE_ADDR",)
)

# Two-factor login (TOTP, django-otp): whoever enabled it must give a code at every login. With
# PLATEAU_REQUIRE_2FA=1 (the default in production), platform admins and programme managers must enable it
# before they can use anything else.
PLATEAU_REQUIRE_2FA = _flag("PLATEAU_REQUIRE_2FA", PLATEAU_PRODUCTION)
OTP_TOTP_ISSUER = "Plateau"

# Sessions: a shift at most, closed with the browser, and ended after PLATEAU_IDLE_MINUTES without a request.
SESSION_COOKIE_AGE = int(float(os.environ.get("PLATEAU_SESSION_HOURS", "10")) * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
PLATEAU_IDLE_MINUTES = float(os.environ.get("PLATEAU_IDLE_MINUTES", "30"))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# HTTPS (production default: on). Behind a TLS load balancer, PLATEAU_PROXY_SSL_HEADER=1 trusts its
# X-Forwarded-Proto (the balancer must overwrite any value the client sent).
PLATEAU_HTTPS = _flag("PLATEAU_HTTPS", PLATEAU_PRODUCTION)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = _flag("PLATEAU_SECURE_COOKIES", PLATEAU_HTTPS)
SECURE_SSL_REDIRECT = _flag("PLATEAU_SSL_REDIRECT", PLATEAU_HTTPS)
SECURE_REDIRECT_EXEMPT = [r"^status$"]  # the balancer's health check may speak plain HTTP
SECURE_HSTS_SECONDS = int(os.environ.get("PLATEAU_HSTS_SECONDS", "31536000" if PLATEAU_HTTPS else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = _flag("PLATEAU_HSTS_INCLUDE_SUBDOMAINS", PLATEAU_HTTPS)
SECURE_HSTS_PRELOAD = _flag("PLATEAU_HSTS_PRELOAD", PLATEAU_HTTPS)
if _flag("PLATEAU_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = _list("PLATEAU_CSRF_TRUSTED_ORIGINS")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): scripts only from this site or with the response's nonce (the desk's and
# wallboard's inline scripts, DSFR's loader), no third-party origin at all (Swagger UI is served from the
# django-ninja package). Inline style attributes stay allowed: DSFR and htmx set some.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "media-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# Leaflet (the desk's map of providers) as django-leaflet ships it. Only its static files: the app itself
# would pull in GeoDjango (GDAL) through its admin module, and nothing else of it is used.
_LEAFLET = importlib.util.find_spec("leaflet")
# Map tiles are optional: none by default, so that the desk makes no request outside the platform. Set e.g.
# "https://tile.openstreetmap.org/{z}/{x}/{y}.png" (respecting its usage policy) or an internal tile server.
PLATEAU_MAP_TILES_URL = os.environ.get("PLATEAU_MAP_TILES_URL", "")
STATICFILES_DIRS = [Path(next(iter(_LEAFLET.submodule_search_locations or []))) / "static"] if _LEAFLET else []
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every request if it is missing
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve static files straight from the installed apps (no collectstatic step for `make run`).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

REDIS_URL = os.environ.get("REDIS_URL", "")
# Every Redis key and channel of this deployment starts with this prefix, so two platforms (or two test runs)
# can share one Redis server without reading each other's routing commands, decisions or status.
PLATEAU_REDIS_PREFIX = os.environ.get("PLATEAU_REDIS_PREFIX", "plateau")
# A Server-Sent Events stream ends after this long and the browser reconnects by itself.
PLATEAU_SSE_MAX_SECONDS = float(os.environ.get("PLATEAU_SSE_MAX_SECONDS", "300"))

# API Particulier, the benefits check of the eligibility capability (docs/eligibility.md). `plateau run` starts the
# local fake on PLATEAU_API_PARTICULIER_FAKE_PORT and uses it when PLATEAU_API_PARTICULIER_URL is not set; elsewhere
# an unset URL means "service unavailable": applications are filed as to re-check, never lost.
API_PARTICULIER_URL = os.environ.get("PLATEAU_API_PARTICULIER_URL", "")
API_PARTICULIER_TOKEN = os.environ.get("PLATEAU_API_PARTICULIER_TOKEN", "")
# The SIRET of the public body the platform calls for (staging's test SIRET by default).
API_PARTICULIER_RECIPIENT = os.environ.get("PLATEAU_API_PARTICULIER_RECIPIENT", "13002526500013")
API_PARTICULIER_TIMEOUT = float(os.environ.get("PLATEAU_API_PARTICULIER_TIMEOUT", "5"))
API_PARTICULIER_RETRIES = int(os.environ.get("PLATEAU_API_PARTICULIER_RETRIES", "2"))
# A whole check (three resources with their retries) stops after this many seconds: the advisor is waiting.
API_PARTICULIER_CHECK_BUDGET = float(os.environ.get("PLATEAU_API_PARTICULIER_CHECK_BUDGET", "15"))
# Requests per second per token, all processes together, evenly spaced (API Particulier allows 20: a margin).
API_PARTICULIER_RATE = float(os.environ.get("PLATEAU_API_PARTICULIER_RATE", "18"))
API_PARTICULIER_BREAKER_FAILURES = int(os.environ.get("PLATEAU_API_PARTICULIER_BREAKER_FAILURES", "5"))
API_PARTICULIER_BREAKER_SECONDS = float(os.environ.get("PLATEAU_API_PARTICULIER_BREAKER_SECONDS", "30"))
API_PARTICULIER_FAKE_PORT = int(os.environ.get("PLATEAU_API_PARTICULIER_FAKE_PORT", "8790"))

# Providers' webhook URLs are untrusted (plateau.leads.outbound): https only and public addresses only. For local
# development, PLATEAU_WEBHOOKS_ALLOW_HTTP=1 allows http:// and PLATEAU_WEBHOOKS_ALLOWED_NETWORKS=127.0.0.1/32,…
# allows those internal networks explicitly (the tests' local receiver); never set them in production.
WEBHOOKS_ALLOW_HTTP = os.environ.get("PLATEAU_WEBHOOKS_ALLOW_HTTP", "0") == "1"
WEBHOOKS_ALLOWED_NETWORKS = [n for n in os.environ.get("PLATEAU_WEBHOOKS_ALLOWED_NETWORKS", "").split(",") if n]

# Mail: a real SMTP relay when PLATEAU_SMTP_HOST is set (production, and tests with a local SMTP sink);
# otherwise the embedded mode writes each message to var/mail/ so nothing is lost and nothing leaves the machine.
DEFAULT_FROM_EMAIL = os.environ.get("PLATEAU_FROM_EMAIL", "Plateau <plateau@localhost>")
if os.environ.get("PLATEAU_SMTP_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["PLATEAU_SMTP_HOST"]
    EMAIL_PORT = int(os.environ.get("PLATEAU_SMTP_PORT", "25"))
    EMAIL_HOST_USER = os.environ.get("PLATEAU_SMTP_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("PLATEAU_SMTP_PASSWORD", "")
    EMAIL_USE_TLS = os.environ.get("PLATEAU_SMTP_TLS", "0") == "1"
    EMAIL_TIMEOUT = 10
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
# Where `plateau geo import` looks for the official CSV when no path is given.
SHARED_DATA_DIR = Path(os.environ.get("PLATEAU_SHARED_DATA", PROJECT_DIR.parent / "shared" / "data"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("PLATEAU_LOG_LEVEL", "INFO")},
    # httpx logs every URL at INFO: API Particulier's carry a person's identity, which must not reach the logs.
    "loggers": {"httpx": {"level": "WARNING"}, "httpcore": {"level": "WARNING"}},
}
