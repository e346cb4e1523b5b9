"""The one table of settings: every knob read from the environment, with its default and help text.

The README's settings table is checked against this list by a test, so the docs stay true.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


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
    Setting("GONGKAI_ALLOWED_HOSTS", "*", "允许的主机名，逗号分隔。"),
    Setting("GONGKAI_BASE_URL", "http://127.0.0.1:8000", "站点对外地址，用于订阅源、站点地图和邮件中的链接。"),
    Setting("GONGKAI_SITE_NAME", "示例市人民政府", "门户名称，显示在页头和订阅源中。"),
    Setting("GONGKAI_TASK_BACKEND", "sqlite", "任务队列后端：sqlite（数据目录内，默认）、redis（生产）、immediate（同步执行，测试用）。"),
    Setting("GONGKAI_REDIS_URL", "redis://127.0.0.1:6379/0", "任务队列或缓存为 redis 时的地址。"),
    Setting("GONGKAI_CACHE", "file", "缓存（限流计数等）：file（数据目录内，同一主机的多个进程共享，默认）、redis（多台主机时）。"),
    Setting("GONGKAI_TIMELINESS_WARN_DAYS", "5", "距 20 个工作日公开时限不足多少个工作日时提醒。"),
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
)

_BY_NAME = {s.name: s for s in SETTINGS}


def env(name: str) -> str:
    """Return the environment value of a declared setting, or its default."""
    return os.environ.get(name, _BY_NAME[name].default)


def env_bool(name: str) -> bool:
    return env(name).strip().lower() in {"1", "true", "yes", "on"}


def settings_table() -> str:
    """The Markdown table of settings that README.md carries (a test keeps the two identical)."""
    rows = ["| 变量 Name | 默认值 Default | 说明 |", "|---|---|---|"]
    rows += [f"| `{s.name}` | `{s.default}` | {s.help} |" if s.default else f"| `{s.name}` | （空） | {s.help} |"
             for s in SETTINGS]
    return "\n".join(rows)
