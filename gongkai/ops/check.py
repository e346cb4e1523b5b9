"""`gongkai check`: misconfiguration reported in Chinese, with the setting to change.

Django's own deployment checks (`check --deploy`) run first and each known warning id is translated; an
unknown id is printed as Django wrote it. Our checks follow: debug mode, the secret key, https, the database,
cache and task queue for the planned number of processes and hosts, data folder permissions, mail, the data
encryption key and free disk space.
"""

from __future__ import annotations

import shutil
import stat
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ERROR = "错误"
WARNING = "警告"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
# Free space in the data folder below which uploads, the search index and the SQLite WAL start to fail.
MIN_FREE_BYTES = 2 * 1024**3
CRITICAL_FREE_BYTES = 500 * 1024**2
MIN_SECRET_KEY_LENGTH = 50
# Values copied from examples and tutorials; a key anyone can read signs anyone's session.
KNOWN_SECRET_KEYS = {"change-me", "changeme", "secret", "secret-key", "your-secret-key", "gongkai", "test"}

# Django's deployment check ids in Chinese, each naming what to change (in our settings or prod.py).
DJANGO_MESSAGES: dict[str, tuple[str, str]] = {
    "security.W001": (ERROR, "MIDDLEWARE 中缺少 SecurityMiddleware，HTTPS 重定向、HSTS 等安全头都不会生效；"
                             "请恢复 gongkai/settings/base.py 中的 django.middleware.security.SecurityMiddleware。"),
    "security.W002": (ERROR, "MIDDLEWARE 中缺少 XFrameOptionsMiddleware，页面可被其他网站嵌入（点击劫持）；"
                             "请恢复 django.middleware.clickjacking.XFrameOptionsMiddleware。"),
    "security.W003": (ERROR, "MIDDLEWARE 中缺少 CsrfViewMiddleware，表单没有跨站请求伪造防护；"
                             "请恢复 django.middleware.csrf.CsrfViewMiddleware。"),
    "security.W004": (WARNING, "未设置 SECURE_HSTS_SECONDS（HSTS）：浏览器不会强制只用 HTTPS 访问本站；"
                               "请在生产设置中设置 SECURE_HSTS_SECONDS（如 31536000），"
                               "或在反向代理上添加 Strict-Transport-Security 响应头。"),
    "security.W005": (WARNING, "SECURE_HSTS_INCLUDE_SUBDOMAINS 未开启：子域名不受 HSTS 保护；"
                               "确认所有子域名都支持 HTTPS 后设为 True。"),
    "security.W006": (WARNING, "SECURE_CONTENT_TYPE_NOSNIFF 未开启：浏览器可能把上传的文件当作脚本执行；请设为 True。"),
    "security.W008": (WARNING, "SECURE_SSL_REDIRECT 未开启：HTTP 请求不会被重定向到 HTTPS；"
                               "请在反向代理上把 80 端口重定向到 https（见 docs/deploy.md），或把 SECURE_SSL_REDIRECT 设为 True。"),
    "security.W009": (ERROR, "SECRET_KEY 太短、字符种类太少或是 Django 生成的不安全密钥：会话和密码重置链接可被伪造；"
                             "请清空 GONGKAI_SECRET_KEY 让平台在数据目录生成随机密钥，或设置不少于 50 个字符的随机值。"),
    "security.W010": (ERROR, "SESSION_COOKIE_SECURE 未开启：登录会话 Cookie 会经明文 HTTP 发送；"
                             "请把 GONGKAI_BASE_URL 设为 https 地址（会话 Cookie 随之只经 HTTPS 发送）。"),
    "security.W011": (ERROR, "SESSION_COOKIE_SECURE 未开启：登录会话 Cookie 会经明文 HTTP 发送；"
                             "请把 GONGKAI_BASE_URL 设为 https 地址（会话 Cookie 随之只经 HTTPS 发送）。"),
    "security.W012": (ERROR, "SESSION_COOKIE_SECURE 未开启：登录会话 Cookie 会经明文 HTTP 发送；"
                             "请把 GONGKAI_BASE_URL 设为 https 地址（会话 Cookie 随之只经 HTTPS 发送）。"),
    "security.W013": (ERROR, "SESSION_COOKIE_HTTPONLY 未开启：页面脚本可读取会话 Cookie；请设为 True。"),
    "security.W014": (ERROR, "SESSION_COOKIE_HTTPONLY 未开启：页面脚本可读取会话 Cookie；请设为 True。"),
    "security.W015": (ERROR, "SESSION_COOKIE_HTTPONLY 未开启：页面脚本可读取会话 Cookie；请设为 True。"),
    "security.W016": (ERROR, "CSRF_COOKIE_SECURE 未开启：防跨站请求伪造的 Cookie 会经明文 HTTP 发送；"
                             "请把 GONGKAI_BASE_URL 设为 https 地址。"),
    "security.W018": (ERROR, "调试模式已开启：出错时页面会显示源代码、设置和数据；请把 GONGKAI_DEBUG 设为 0。"),
    "security.W019": (WARNING, "X_FRAME_OPTIONS 不是 DENY：页面可被嵌入框架；请在生产设置中设为 DENY。"),
    "security.W020": (ERROR, "ALLOWED_HOSTS 为空，网站不会响应任何请求；请设置 GONGKAI_BASE_URL 或 GONGKAI_ALLOWED_HOSTS。"),
    "security.W021": (WARNING, "SECURE_HSTS_PRELOAD 未开启：本站不会进入浏览器的 HSTS 预加载列表（可选）。"),
    "security.W022": (WARNING, "未设置 SECURE_REFERRER_POLICY：链接到外站时会带出完整的本站地址；"
                               "请设为 same-origin 或 strict-origin-when-cross-origin。"),
    "security.E023": (ERROR, "SECURE_REFERRER_POLICY 的取值无效；请改为浏览器认可的值，如 same-origin。"),
    "security.E024": (ERROR, "SECURE_CROSS_ORIGIN_OPENER_POLICY 的取值无效；请改为 same-origin 等有效值。"),
    "security.W025": (ERROR, "SECRET_KEY_FALLBACKS 中有过短或不安全的旧密钥；请删除或换成随机长密钥。"),
    "security.E100": (ERROR, "DEFAULT_HASHING_ALGORITHM 的取值无效。"),
    "security.E101": (ERROR, "CSRF_FAILURE_VIEW 的参数不正确；请检查自定义的 CSRF 失败视图。"),
    "security.E102": (ERROR, "CSRF_FAILURE_VIEW 无法导入；请检查该设置指向的视图。"),
}


@dataclass(frozen=True)
class Finding:
    level: str
    code: str
    message: str

    def line(self) -> str:
        return f"{self.level} [{self.code}] {self.message}"


def run_checks(*, workers: int = 2, hosts: int = 1, min_free_bytes: int = MIN_FREE_BYTES,
               critical_free_bytes: int = CRITICAL_FREE_BYTES) -> list[Finding]:
    """Every finding for the current settings, errors first, for `workers` web processes on `hosts` machines."""
    findings = django_findings() + own_findings(workers=workers, hosts=hosts, min_free_bytes=min_free_bytes,
                                                critical_free_bytes=critical_free_bytes)
    return sorted(findings, key=lambda f: (f.level != ERROR, f.code))


def django_findings() -> list[Finding]:
    """Django's checks with the deployment ones, translated where the id is known."""
    from django.core import checks

    findings = []
    for message in checks.run_checks(include_deployment_checks=True):
        if message.is_silenced():
            continue
        if message.id in DJANGO_MESSAGES:
            level, text = DJANGO_MESSAGES[message.id]
        else:
            level = ERROR if message.is_serious() else WARNING
            text = str(message.msg) + (f"（{message.hint}）" if message.hint else "")
        findings.append(Finding(level, message.id or "django", text))
    # Ours say the same about these two with our setting names; one line each is enough.
    return [f for f in findings if f.code not in ("security.W009", "security.W018")]


def _is_production(base_url: str) -> bool:
    """A site whose public address is not this machine: what a trial on 127.0.0.1 is not."""
    return (urlsplit(base_url).hostname or "") not in LOOPBACK


def own_findings(*, workers: int, hosts: int, min_free_bytes: int = MIN_FREE_BYTES,
                 critical_free_bytes: int = CRITICAL_FREE_BYTES) -> list[Finding]:
    from django.conf import settings

    from gongkai.conf import SETTINGS, env

    found: list[Finding] = []

    def add(level: str, code: str, message: str) -> None:
        found.append(Finding(level, code, message))

    production = _is_production(settings.GONGKAI_BASE_URL)
    if settings.DEBUG:
        add(ERROR, "gongkai.E001", "调试模式已开启：出错时页面会显示源代码、设置和数据；请把 GONGKAI_DEBUG 设为 0。")
    key = settings.SECRET_KEY
    if (len(key) < MIN_SECRET_KEY_LENGTH or len(set(key)) < 5 or key.lower() in KNOWN_SECRET_KEYS
            or key.startswith("django-insecure")):
        add(ERROR, "gongkai.E002", f"密钥过短或是常见的示例值（现为 {len(key)} 个字符）：会话和密码重置链接可被伪造；"
                                   "请清空 GONGKAI_SECRET_KEY 让平台在数据目录生成随机密钥，或设置不少于 50 个字符的随机值。")
    if production and not settings.GONGKAI_BASE_URL.startswith("https://"):
        add(ERROR, "gongkai.E003", f"站点对外地址不是 https（GONGKAI_BASE_URL={settings.GONGKAI_BASE_URL}）：登录口令和"
                                   "申请人个人信息会以明文传输；请在反向代理上配置 TLS，并把 GONGKAI_BASE_URL 设为 https 地址。")
    vendor = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    if vendor == "sqlite3":
        if hosts > 1:
            add(ERROR, "gongkai.E004", f"计划在 {hosts} 台主机上运行，但数据库是数据目录中的 SQLite，各主机看到的数据不同；"
                                       "请设置 DATABASE_URL 使用 PostgreSQL。")
        elif production and workers > 1:
            add(WARNING, "gongkai.W004", f"生产环境用 SQLite 运行 {workers} 个 Web 进程：写入会互相等待，访问量大时变慢；"
                                         "请设置 DATABASE_URL 使用 PostgreSQL（SQLite 适合试用和小型站点）。")
    if hosts > 1:
        if settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1] != "RedisCache":
            add(ERROR, "gongkai.E005", f"计划在 {hosts} 台主机上运行，但缓存在各主机的数据目录中：限流计数各算各的，"
                                       "可被绕过；请设置 GONGKAI_CACHE=redis 和 GONGKAI_REDIS_URL。")
        if settings.HUEY.get("huey_class") != "huey.RedisHuey":
            add(ERROR, "gongkai.E006", f"计划在 {hosts} 台主机上运行，但任务队列不是 Redis：定时发布等任务只在一台主机上可见；"
                                       "请设置 GONGKAI_TASK_BACKEND=redis 和 GONGKAI_REDIS_URL。")
        if settings.GONGKAI_SEARCH_BACKEND == "embedded":
            add(ERROR, "gongkai.E007", f"计划在 {hosts} 台主机上运行，但检索索引在各主机的数据目录中；"
                                       "请设置 GONGKAI_SEARCH_BACKEND=postgres。")
    data_dir = Path(settings.DATA_DIR)
    for path in [data_dir, *sorted(p for p in data_dir.iterdir() if p.is_file() and "key" in p.name.lower())]:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            add(ERROR, "gongkai.E008", f"{path} 的权限为 {mode:o}，其他用户可以读取（其中有申请人个人信息或密钥）；"
                                       f"请执行 chmod {'700' if path.is_dir() else '600'} {path}，"
                                       "并在 systemd 服务中设置 UMask=0077。")
    if not settings.GONGKAI_SMTP_HOST:
        add(WARNING, "gongkai.W009", "未配置发信服务器：新用户的初始密码等邮件不会发出；请设置 GONGKAI_SMTP_HOST 等邮件配置。")
    # The data encryption key is added on another branch; check it wherever the setting exists.
    if any(s.name == "GONGKAI_DATA_KEY" for s in SETTINGS) and not env("GONGKAI_DATA_KEY"):
        add(WARNING, "gongkai.W010", "未设置 GONGKAI_DATA_KEY：请按 docs/deploy.md 生成数据加密密钥，"
                                     "并与备份分开妥善保存。")
    usage = shutil.disk_usage(data_dir)
    free_mb = usage.free // 1024**2
    if usage.free < critical_free_bytes:
        add(ERROR, "gongkai.E011", f"数据目录 {data_dir} 所在磁盘只剩 {free_mb} MB：上传、答复书和数据库写入即将失败；"
                                   "请立即清理或扩容。")
    elif usage.free < min_free_bytes:
        add(WARNING, "gongkai.W011", f"数据目录 {data_dir} 所在磁盘只剩 {free_mb} MB；请及时清理或扩容。")
    return found
