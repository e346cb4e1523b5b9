"""The one table of settings: every knob read from the environment, with its default and help text.

The README's settings table is checked against this list by a test, so the docs stay true.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("GONGKAI_DATA_DIR", "./data", "数据目录：SQLite 数据库、上传附件、任务队列、密钥都放在这里。"),
    Setting("DATABASE_URL", "", "数据库地址；留空用数据目录中的 SQLite，生产用 postgres://user@host:5432/name。"),
    Setting("GONGKAI_SECRET_KEY", "", "Django 密钥；留空则在数据目录生成并保存 secret_key 文件。"),
    Setting("GONGKAI_DEBUG", "0", "调试模式（1 开启）；生产环境必须为 0。"),
    Setting("GONGKAI_DATA_KEY", "",
            "个人信息加密密钥（申请人姓名、证件号码、电话、邮箱、地址以 SM4 加密保存）：32 字节随机数的 base64 或十六进制，"
            "用 gongkai keys new 生成；留空则在数据目录生成 data_key 文件（仅限开发，生产环境会告警）。丢失密钥即丢失这些数据，务必另行备份。"),
    Setting("GONGKAI_DATA_KEY_OLD", "", "轮换密钥时的原密钥：gongkai keys rotate 用它解开旧数据，再用 GONGKAI_DATA_KEY 重新加密。"),
    Setting("GONGKAI_DATA_CIPHER", "sm4",
            "个人信息的加密算法：sm4（SM4-CTR 加 HMAC-SM3 完整性校验，默认）或 aes-gcm（AES-256-GCM）；改动只影响新写入的数据。"),
    Setting("GONGKAI_ALLOWED_HOSTS", "",
            "允许访问的主机名（请求头 Host），逗号分隔；留空为 GONGKAI_BASE_URL 的主机名加本机地址"
            "（127.0.0.1、localhost、[::1]），其他主机名的请求返回 400。"),
    Setting("GONGKAI_BASE_URL", "http://127.0.0.1:8000",
            "站点对外地址（如 https://xxgk.example.gov.cn），接口、订阅源、站点地图和邮件中的绝对链接只用它生成，"
            "从不取请求头 Host；未设置时 gongkai serve 按自己的 --host、--port 设定。"),
    Setting("GONGKAI_SITE_NAME", "", "门户名称，显示在页头、标题、订阅源和邮件中；留空则用根机关（gongkai setup 创建的人民政府）的名称。"),
    Setting("GONGKAI_TASK_BACKEND", "sqlite", "任务队列后端：sqlite（数据目录内，默认）、redis（生产）、immediate（同步执行，测试用）。"),
    Setting("GONGKAI_REDIS_URL", "redis://127.0.0.1:6379/0", "任务队列或缓存为 redis 时的地址。"),
    Setting("GONGKAI_CACHE", "file", "缓存（限流计数等）：file（数据目录内，同一主机的多个进程共享，默认）、redis（多台主机时）。"),
    Setting("GONGKAI_TIMELINESS_WARN_DAYS", "5", "距主动公开时限（《条例》第二十六条）不足多少个工作日时提醒。"),
    Setting("GONGKAI_MAX_UPLOAD_MB", "50", "单个附件大小上限（MB）。"),
    Setting("GONGKAI_EXTRACT_MAX_MB", "100",
            "DOCX、XLSX 附件解压后的总大小上限（MB），在解压前按压缩包目录核对；超过的文件不予上传（防止压缩炸弹）。"),
    Setting("GONGKAI_EXTRACT_SECONDS", "20",
            "从单个附件提取检索文字的时间上限（秒）；超时的文件不予上传，提示拆分后再传。"),
    Setting("GONGKAI_SEARCH_BACKEND", "embedded",
            "站内检索后端：embedded（数据目录内的 tantivy 索引，默认）或 postgres（使用 PostgreSQL 数据库，需 DATABASE_URL）。"),
    Setting("GONGKAI_APPLICATION_RATE_LIMIT", "10/3600",
            "依申请公开在线提交的频率上限：每个 IP 地址在给定秒数内最多提交的件数（件数/秒数）。"),
    Setting("GONGKAI_SEARCH_LOG_FLUSH_SECONDS", "10",
            "检索统计先在内存中累积，最多隔这么多秒批量写入数据库（进程退出时也写入）；0 为每次检索立即写入。"),
    Setting("GONGKAI_SMTP_HOST", "", "发信用的 SMTP 服务器；留空则不发邮件（gongkai users import --send-mail 会报错）。"),
    Setting("GONGKAI_SMTP_PORT", "25", "SMTP 端口；加密连接常用 465（SSL）或 587（STARTTLS）。"),
    Setting("GONGKAI_SMTP_USER", "", "SMTP 登录用户名；留空则不登录。"),
    Setting("GONGKAI_SMTP_PASSWORD", "", "SMTP 登录密码或授权码。"),
    Setting("GONGKAI_SMTP_TLS", "0", "加密连接（1 开启）：端口 465 用 SSL，其他端口用 STARTTLS。"),
    Setting("GONGKAI_MAIL_FROM", "", "发件人地址，例如 公开平台 <xxgk@example.gov.cn>；留空用 GONGKAI_SMTP_USER。"),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def env(name: str) -> str:
    """Return the environment value of a declared setting, or its default."""
    return os.environ.get(name, _BY_NAME[name].default)


def env_bool(name: str) -> bool:
    return env(name).strip().lower() in {"1", "true", "yes", "on"}


# Always allowed, so a health check or an operator on the host itself reaches the site.
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")


def base_url() -> str:
    """GONGKAI_BASE_URL without a trailing slash; raise ImproperlyConfigured unless it is an http(s) address."""
    url = env("GONGKAI_BASE_URL").strip().rstrip("/") or _BY_NAME["GONGKAI_BASE_URL"].default
    try:
        parts = urlsplit(url)
        # Reading .port raises ValueError when the port is not a number from 0 to 65535.
        valid = (parts.scheme in ("http", "https") and bool(parts.hostname) and parts.port != 0
                 and not (parts.query or parts.fragment))
    except ValueError:
        valid = False
    if not valid:
        raise ImproperlyConfigured(f"GONGKAI_BASE_URL 应为完整的网址，例如 https://xxgk.example.gov.cn（现为 {url}）。")
    return url


def base_origin() -> str:
    """Scheme, host and port of GONGKAI_BASE_URL (what CSRF_TRUSTED_ORIGINS holds)."""
    parts = urlsplit(base_url())
    return f"{parts.scheme}://{parts.netloc.lower()}"


def allowed_hosts() -> list[str]:
    """GONGKAI_ALLOWED_HOSTS if set, else the host of GONGKAI_BASE_URL plus the loopback names."""
    explicit = [h.strip() for h in env("GONGKAI_ALLOWED_HOSTS").split(",") if h.strip()]
    if explicit:
        return explicit
    host = urlsplit(base_url()).hostname or ""
    # Django matches an IPv6 Host header with its brackets, e.g. "[2001:db8::1]".
    host = f"[{host}]" if ":" in host else host
    return list(dict.fromkeys([host, *LOOPBACK_HOSTS]))


def settings_table() -> str:
    """The Markdown table of settings that README.md carries (a test keeps the two identical)."""
    rows = ["| 变量 Name | 默认值 Default | 说明 |", "|---|---|---|"]
    rows += [f"| `{s.name}` | `{s.default}` | {s.help} |" if s.default else f"| `{s.name}` | （空） | {s.help} |"
             for s in SETTINGS]
    return "\n".join(rows)
