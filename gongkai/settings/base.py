"""Base settings shared by every environment; all knobs come from gongkai.conf."""

from __future__ import annotations

import base64
import os
import secrets
import sys
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url

from gongkai.conf import (
    LOOPBACK_HOSTS,
    allowed_hosts,
    base_origin,
    base_url,
    env,
    env_bool,
    env_int,
    env_list,
    error_report_url,
    home_blocks,
    message_reply_workdays,
    trusted_proxies,
)

# Everything this process creates (database and its WAL, uploads, reply letters, keys, the task queue) is
# readable by its owner only: applicants' personal data must not be open to other accounts on the host.
os.umask(0o077)
BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env("GONGKAI_DATA_DIR")).expanduser().resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _owner_only(folder: Path) -> None:
    """Close a data folder made before umask 077 (and the files at its top) to other accounts."""
    try:
        if folder.stat().st_uid != os.getuid():
            return  # not ours to change (a shared mount): the operator sets its mode
        folder.chmod(0o700)
        for entry in folder.iterdir():
            mode = entry.lstat().st_mode
            if entry.is_symlink() or not mode & 0o077:
                continue
            entry.chmod(0o700 if entry.is_dir() else 0o600)
    except OSError:
        pass  # a read-only or foreign folder: the permissions test and `gongkai check` show it


_owner_only(DATA_DIR)


def _secret_key() -> str:
    key = env("GONGKAI_SECRET_KEY")
    if key:
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("GONGKAI_DEBUG")


def _data_key() -> str:
    """GONGKAI_DATA_KEY, or (development) a key generated once into the data folder, owner-only."""
    key = env("GONGKAI_DATA_KEY").strip()
    if key:
        return key
    path = DATA_DIR / "data_key"
    if not path.exists():
        # The same form as `gongkai keys new`: 32 random bytes, base64. Linked into place whole, so two
        # processes starting at once agree on one key (the loser of the race reads the winner's).
        draft = DATA_DIR / f".data_key.{os.getpid()}"
        draft.write_text(base64.b64encode(secrets.token_bytes(32)).decode() + "\n")
        draft.chmod(0o600)
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
        print(f"提示：未设置 GONGKAI_DATA_KEY，已生成个人信息加密密钥 {path}（仅限开发使用；丢失即无法解密，请备份）。",
              file=sys.stderr)
    host = urlsplit(base_url()).hostname or ""
    public = host not in LOOPBACK_HOSTS and f"[{host}]" not in LOOPBACK_HOSTS
    if not DEBUG and (env("DATABASE_URL") or public):
        print(f"警告：生产环境未设置 GONGKAI_DATA_KEY，个人信息加密密钥与数据同放在 {path}；请把它移入环境变量"
              "或密钥管理系统，并另行备份（见 README“个人信息加密”）。", file=sys.stderr)
    return path.read_text().strip()


GONGKAI_DATA_KEY = _data_key()
GONGKAI_DATA_KEY_OLD = env("GONGKAI_DATA_KEY_OLD").strip()
GONGKAI_DATA_CIPHER = env("GONGKAI_DATA_CIPHER").strip().lower()
# Absolute links come from GONGKAI_BASE_URL alone, never from a request's Host header; by default only
# that host (and loopback) may be named in the header at all, so a forged Host gets a 400.
GONGKAI_BASE_URL = base_url()
ALLOWED_HOSTS = allowed_hosts()
CSRF_TRUSTED_ORIGINS = [base_origin()]
# A failed check (a stale page, cookies blocked) is said in plain Chinese on a page of the site.
CSRF_FAILURE_VIEW = "gongkai.portal.views.csrf_failure"
GONGKAI_SITE_NAME = env("GONGKAI_SITE_NAME")
GONGKAI_TIMELINESS_WARN_DAYS = int(env("GONGKAI_TIMELINESS_WARN_DAYS"))
GONGKAI_WORKPLAN_REMIND_DAYS = env_int("GONGKAI_WORKPLAN_REMIND_DAYS")
# The home page's blocks and the footer the national website norms ask for (国办发〔2017〕47号).
GONGKAI_HOME_BLOCKS = home_blocks()
GONGKAI_HOME_NEWS_TYPES = env_list("GONGKAI_HOME_NEWS_TYPES")
GONGKAI_HOME_NOTICE_TYPES = env_list("GONGKAI_HOME_NOTICE_TYPES")
GONGKAI_HOME_TOPICS = env_list("GONGKAI_HOME_TOPICS")
GONGKAI_SITE_SPONSOR = env("GONGKAI_SITE_SPONSOR").strip()
GONGKAI_SITE_CODE = env("GONGKAI_SITE_CODE").strip()
GONGKAI_SITE_ICP = env("GONGKAI_SITE_ICP").strip()
GONGKAI_SITE_PSB = env("GONGKAI_SITE_PSB").strip()
GONGKAI_SITE_CONAC_URL = env("GONGKAI_SITE_CONAC_URL").strip()
GONGKAI_SITE_CONTACT = env("GONGKAI_SITE_CONTACT").strip()
GONGKAI_QA_HOTLINE = env("GONGKAI_QA_HOTLINE").strip()
GONGKAI_QA_MAILBOX_URL = env("GONGKAI_QA_MAILBOX_URL").strip()
GONGKAI_QA_RERANK_DEPTH = env_int("GONGKAI_QA_RERANK_DEPTH")
GONGKAI_QA_MEANING_DEPTH = env_int("GONGKAI_QA_MEANING_DEPTH")
GONGKAI_QA_EMBED_BATCH = env_int("GONGKAI_QA_EMBED_BATCH")
GONGKAI_QA_VECTOR_DEPTH = env_int("GONGKAI_QA_VECTOR_DEPTH")
GONGKAI_QA_RECALL_DEPTH = env_int("GONGKAI_QA_RECALL_DEPTH")
# Checked against the register of divisions when the Q&A app starts (gongkai.qa.places.check_setting).
GONGKAI_QA_PLACES = env("GONGKAI_QA_PLACES").strip()
GONGKAI_SITE_EMAIL = env("GONGKAI_SITE_EMAIL").strip()
GONGKAI_ERROR_REPORT_URL = error_report_url()
GONGKAI_MESSAGE_REPLY_WORKDAYS = message_reply_workdays()
GONGKAI_SEARCH_BACKEND = env("GONGKAI_SEARCH_BACKEND")
GONGKAI_SEARCH_LOG_FLUSH_SECONDS = float(env("GONGKAI_SEARCH_LOG_FLUSH_SECONDS"))
GONGKAI_HOT_MIN_CLIENTS = env_int("GONGKAI_HOT_MIN_CLIENTS", 1)
GONGKAI_HOT_DAYS = env_int("GONGKAI_HOT_DAYS", 1)
# The reverse proxies whose forwarded headers are believed, as networks (gongkai.core.clientip reads them).
GONGKAI_TRUSTED_PROXIES = trusted_proxies()

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    # Serves the API docs' Swagger UI from our own static files instead of a public CDN.
    "ninja",
    "csp",
    "huey.contrib.djhuey",
    "gongkai.core",
    "gongkai.orgs",
    "gongkai.staff",
    "gongkai.publishing",
    "gongkai.search",
    "gongkai.disclosure",
    "gongkai.reports",
    "gongkai.catalog",
    "gongkai.participation",
    "gongkai.assessment",
    "gongkai.portal",
    "gongkai.qa",
]

MIDDLEWARE = [
    # Outermost, so a database outage anywhere below becomes a Chinese 503, never a stack trace.
    "gongkai.portal.unavailable.DatabaseUnavailableMiddleware",
    # Then: X-Forwarded-Proto is believed only from a trusted proxy, before anything asks is_secure().
    "gongkai.core.middleware.ForwardedProtoMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "gongkai.core.origin.AuditOriginMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before CSRF, whose check reads the form: an oversized body is refused before anything parses it.
    "gongkai.core.middleware.RequestSizeMiddleware",
    # A partner's call (X-API-Key) is refused before any work when its key is unknown or over its limit.
    "gongkai.core.apiclients.ApiKeyMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "gongkai.portal.guard.RefuseNulMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "gongkai.staff.middleware.SessionTimeoutMiddleware",
    "gongkai.staff.middleware.PasswordExpiryMiddleware",
    "gongkai.staff.middleware.TwoFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "gongkai.urls"
WSGI_APPLICATION = "gongkai.wsgi.application"

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
                "gongkai.portal.context.site",
            ],
        },
    },
]


def _database() -> dict:
    url = env("DATABASE_URL")
    if url:
        return dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(DATA_DIR / "gongkai.sqlite3"),
        # Each server thread keeps its connection: opening one (Django's functions, the PRAGMAs) cost more
        # than a whole search's queries.
        "CONN_MAX_AGE": 600,
        # WAL lets readers proceed while a writer commits; IMMEDIATE avoids lock upgrades mid-transaction.
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        },
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Password policy for 等保 level 3 (gongkai/orgs/passwords.py): length, three character classes, no reuse of
# the last GONGKAI_PASSWORD_HISTORY, a change forced after GONGKAI_PASSWORD_MAX_AGE_DAYS.
GONGKAI_PASSWORD_MIN_LENGTH = env_int("GONGKAI_PASSWORD_MIN_LENGTH", 8)
GONGKAI_PASSWORD_HISTORY = env_int("GONGKAI_PASSWORD_HISTORY")
GONGKAI_PASSWORD_MAX_AGE_DAYS = env_int("GONGKAI_PASSWORD_MAX_AGE_DAYS")
# Second factor (gongkai/orgs/twofactor.py): optional for staff; required for superusers when this is on.
GONGKAI_REQUIRE_2FA = env_bool("GONGKAI_REQUIRE_2FA")
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "gongkai.orgs.passwords.LengthValidator"},
    {"NAME": "gongkai.orgs.passwords.CharacterClassesValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "gongkai.orgs.passwords.HistoryValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_ROOT = DATA_DIR / "media"
# Attachments are never served as plain media: a view checks the visibility rule first.
MEDIA_URL = "/_media-not-public/"
# Large uploads go to a temporary file whose name no long "extension" can break (see gongkai/core/uploads.py).
FILE_UPLOAD_HANDLERS = ["django.core.files.uploadhandler.MemoryFileUploadHandler",
                        "gongkai.core.uploads.TemporaryFileUploadHandler"]
# Uploaded files and their folders are the service account's alone (personal data, reply letters).
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
GONGKAI_MAX_UPLOAD_BYTES = int(env("GONGKAI_MAX_UPLOAD_MB")) * 1024 * 1024
# Every request body is bounded before it is read (gongkai.core.middleware.RequestSizeMiddleware): this
# much for everything, except the staff views marked as taking attachments (several files per form).
GONGKAI_MAX_REQUEST_BYTES = int(env("GONGKAI_MAX_REQUEST_KB")) * 1024
GONGKAI_UPLOAD_FILES_PER_REQUEST = 10
GONGKAI_MAX_UPLOAD_REQUEST_BYTES = GONGKAI_UPLOAD_FILES_PER_REQUEST * GONGKAI_MAX_UPLOAD_BYTES + 1024 * 1024
# Django counts form fields, never file parts, against this; a staff form's body text may be long, and
# anonymous requests never get this far above GONGKAI_MAX_REQUEST_BYTES.
DATA_UPLOAD_MAX_MEMORY_SIZE = max(GONGKAI_MAX_REQUEST_BYTES, 10 * 1024 * 1024)
# Files above this go to a temporary file on disk while the request is read, not into memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
# Reading an attachment's text is bounded: see gongkai/publishing/extract.py.
GONGKAI_EXTRACT_MAX_BYTES = int(env("GONGKAI_EXTRACT_MAX_MB")) * 1024 * 1024
GONGKAI_EXTRACT_SECONDS = float(env("GONGKAI_EXTRACT_SECONDS"))

# HTTPS and the headers every response carries. Behind a reverse proxy, the proxy's X-Forwarded-Proto tells
# whether the visitor used HTTPS; it is believed only when the proxy is named (GONGKAI_TRUSTED_PROXIES).
if GONGKAI_TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
GONGKAI_HTTPS = GONGKAI_BASE_URL.startswith("https://")
SECURE_SSL_REDIRECT = GONGKAI_HTTPS
# A load balancer's health probe speaks plain HTTP to the host itself.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(env("GONGKAI_HSTS_SECONDS")) if GONGKAI_HTTPS else 0
# Covers only names below the site's own host name (e.g. *.xxgk.example.gov.cn), never its sibling sites.
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Preloading is a commitment made by submitting the domain to the browser vendors; sending "preload" would
# let anyone submit it for the operator, so check --deploy's reminder of it is silenced.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = GONGKAI_HTTPS
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Nothing is loaded from another host: no inline scripts, styles only from our files, images also as data:
# URLs (the admin's and Swagger UI's icons), no plugins, no framing, forms post only to this site.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# Browser features the site never uses are switched off for it and anything it embeds.
PERMISSIONS_POLICY = {feature: [] for feature in (
    "accelerometer", "autoplay", "camera", "display-capture", "encrypted-media", "fullscreen", "geolocation",
    "gyroscope", "magnetometer", "microphone", "midi", "payment", "usb", "browsing-topics")}

LOGIN_URL = "/staff/login/"
LOGIN_REDIRECT_URL = "/staff/"

# Failed logins (gongkai/orgs/logins.py): a growing wait per user name and per client address, then a lock.
GONGKAI_LOGIN_MAX_FAILURES = env_int("GONGKAI_LOGIN_MAX_FAILURES", 1)
GONGKAI_LOGIN_LOCK_MINUTES = env_int("GONGKAI_LOGIN_LOCK_MINUTES")
GONGKAI_LOGIN_BACKOFF_AFTER = env_int("GONGKAI_LOGIN_BACKOFF_AFTER", 1)
GONGKAI_LOGIN_BACKOFF_SECONDS = env_int("GONGKAI_LOGIN_BACKOFF_SECONDS")
GONGKAI_LOGIN_ADDRESS_FAILURES = env_int("GONGKAI_LOGIN_ADDRESS_FAILURES", 1)

# Sessions (gongkai/staff/middleware.py): signed-in users are signed out after this idle time or this total
# time, and every session cookie dies with the browser.
GONGKAI_STAFF_IDLE_MINUTES = env_int("GONGKAI_STAFF_IDLE_MINUTES", 1)
GONGKAI_SESSION_MAX_HOURS = env_int("GONGKAI_SESSION_MAX_HOURS", 1)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Also the server-side expiry of a session row, so a stolen cookie is dead after the cap as well.
SESSION_COOKIE_AGE = GONGKAI_SESSION_MAX_HOURS * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = GONGKAI_BASE_URL.startswith("https://")

# Outgoing mail (initial passwords from `gongkai users import --send-mail`). No host means mail is off: the
# dummy backend drops messages, and the commands that must send refuse to run rather than lose a password.
GONGKAI_SMTP_HOST = env("GONGKAI_SMTP_HOST").strip()
EMAIL_BACKEND = ("django.core.mail.backends.smtp.EmailBackend" if GONGKAI_SMTP_HOST
                 else "django.core.mail.backends.dummy.EmailBackend")
EMAIL_HOST = GONGKAI_SMTP_HOST or "localhost"
EMAIL_PORT = int(env("GONGKAI_SMTP_PORT"))
EMAIL_HOST_USER = env("GONGKAI_SMTP_USER")
EMAIL_HOST_PASSWORD = env("GONGKAI_SMTP_PASSWORD")
# Port 465 speaks TLS from the first byte (SMTPS); every other port upgrades with STARTTLS.
EMAIL_USE_SSL = env_bool("GONGKAI_SMTP_TLS") and EMAIL_PORT == 465
EMAIL_USE_TLS = env_bool("GONGKAI_SMTP_TLS") and EMAIL_PORT != 465
EMAIL_TIMEOUT = 30
GONGKAI_MAIL_MAX_BYTES = int(env("GONGKAI_MAIL_MAX_MB")) * 1024 * 1024
DEFAULT_FROM_EMAIL = SERVER_EMAIL = env("GONGKAI_MAIL_FROM") or EMAIL_HOST_USER or "webmaster@localhost"


def _cache() -> dict:
    # Shared by every app process, so per-IP rate limits hold behind several gunicorn workers.
    if env("GONGKAI_CACHE") == "redis":
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env("GONGKAI_REDIS_URL")}
    return {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(DATA_DIR / "cache")}


CACHES = {"default": _cache()}


def _huey() -> dict:
    backend = env("GONGKAI_TASK_BACKEND")
    if backend == "redis":
        return {"huey_class": "huey.RedisHuey", "name": "gongkai", "url": env("GONGKAI_REDIS_URL"),
                "immediate": False}
    if backend == "immediate":
        return {"huey_class": "huey.MemoryHuey", "name": "gongkai", "immediate": True}
    return {"huey_class": "huey.SqliteHuey", "name": "gongkai", "filename": str(DATA_DIR / "tasks.sqlite3"),
            "immediate": False}


HUEY = _huey()
# /healthz fails when the task worker's heartbeat (gongkai.core.heartbeat) is older than this.
GONGKAI_WORKER_STALE_SECONDS = int(env("GONGKAI_WORKER_STALE_SECONDS"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"without_traceback": {"()": "gongkai.core.logs.WithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    # The task worker would otherwise print two lines per task run (its own handler and ours).
    "loggers": {"django.db.backends": {"level": "WARNING"},
                "huey": {"level": "WARNING", "handlers": ["console"], "propagate": False},
                # A Host outside ALLOWED_HOSTS gets a 400; one line per refusal, not a stack trace each.
                "django.security.DisallowedHost": {"handlers": ["console"], "filters": ["without_traceback"],
                                                   "propagate": False}},
}

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve app static files straight from their folders, so a fresh clone needs no collectstatic step.
WHITENOISE_USE_FINDERS = True
