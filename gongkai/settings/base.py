"""Base settings shared by every environment; all knobs come from gongkai.conf."""

from __future__ import annotations

import base64
import os
import secrets
import sys
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url

from gongkai.conf import LOOPBACK_HOSTS, allowed_hosts, base_origin, base_url, env, env_bool

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
GONGKAI_SITE_NAME = env("GONGKAI_SITE_NAME")
GONGKAI_TIMELINESS_WARN_DAYS = int(env("GONGKAI_TIMELINESS_WARN_DAYS"))
GONGKAI_SEARCH_BACKEND = env("GONGKAI_SEARCH_BACKEND")
GONGKAI_SEARCH_LOG_FLUSH_SECONDS = float(env("GONGKAI_SEARCH_LOG_FLUSH_SECONDS"))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "huey.contrib.djhuey",
    "gongkai.core",
    "gongkai.orgs",
    "gongkai.staff",
    "gongkai.publishing",
    "gongkai.search",
    "gongkai.disclosure",
    "gongkai.portal",
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

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
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
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
GONGKAI_MAX_UPLOAD_BYTES = int(env("GONGKAI_MAX_UPLOAD_MB")) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = GONGKAI_MAX_UPLOAD_BYTES
# Reading an attachment's text is bounded: see gongkai/publishing/extract.py.
GONGKAI_EXTRACT_MAX_BYTES = int(env("GONGKAI_EXTRACT_MAX_MB")) * 1024 * 1024
GONGKAI_EXTRACT_SECONDS = float(env("GONGKAI_EXTRACT_SECONDS"))

LOGIN_URL = "/staff/login/"
LOGIN_REDIRECT_URL = "/staff/"

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
