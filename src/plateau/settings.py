"""Django settings for Plateau.

One settings module, driven by environment variables, so the embedded default (`make run`: SQLite in WAL
mode, in-process services) and production (PostgreSQL via ``DATABASE_URL``, Redis via ``REDIS_URL``) run
the same code.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("PLATEAU_VAR_DIR", PROJECT_DIR / "var"))

# The default key is only for the embedded demo; production sets PLATEAU_SECRET_KEY.
SECRET_KEY = os.environ.get("PLATEAU_SECRET_KEY", "plateau-embedded-demo-key-not-for-production")
DEBUG = os.environ.get("PLATEAU_DEBUG", "0") == "1"
ALLOWED_HOSTS = os.environ.get("PLATEAU_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")

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
    "plateau.tenants",
    "plateau.geo",
    "plateau.directory",
    "plateau.contacts",
    "plateau.leads",
    "plateau.routing",
    "plateau.ivr",
    "plateau.calls",
    "plateau.web",
    "plateau.wfm",
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
    "django_htmx.middleware.HtmxMiddleware",
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

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
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
}
