"""The `gongkai` command: serve, worker, demo, import, deadline tools and Django management passthrough.

Every command reads GONGKAI_DATA_DIR (default ./data); a new data folder is migrated on first use.
"""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
import threading
import time

from gongkai.core import commands as core_commands
from gongkai.disclosure import commands as disclosure_commands
from gongkai.orgs import commands as orgs_commands
from gongkai.reports import commands as reports_commands
from gongkai.runtime import setup_django


def _flush_search_log(arbiter, worker) -> None:
    """Write a stopping web process's buffered search counts (gunicorn's worker_exit hook)."""
    from gongkai.search.searchlog import search_log

    search_log.flush()


# Addresses that mean "every interface": a server bound to one is reached on loopback from this host.
BIND_ALL = {"", "0.0.0.0", "::", "[::]"}


def _bracketed(host: str) -> str:
    """An IPv6 literal in brackets, as URLs and gunicorn's bind need it; other hosts unchanged."""
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def _default_base_url(host: str, port: int) -> str:
    """The site's address when GONGKAI_BASE_URL is unset: this server's own host and port."""
    return f"http://{'127.0.0.1' if host in BIND_ALL else _bracketed(host)}:{port}"


class WorkerSupervisor(threading.Thread):
    """Keeps `gongkai worker` running beside the web server: restarts it when it dies, waiting longer after
    each quick death (1, 2, 4 … 60 seconds) so a worker that cannot start does not spin."""

    MAX_DELAY_SECONDS = 60
    # A worker that ran this long died of something new: the next restart is immediate again.
    HEALTHY_RUN_SECONDS = 60
    POLL_SECONDS = 0.5

    def __init__(self, command: list[str], env: dict[str, str]) -> None:
        super().__init__(name="worker-supervisor", daemon=True)
        self.command, self.env = command, env
        self.stopping = threading.Event()
        self.process: subprocess.Popen | None = None
        self._lock = threading.Lock()

    def run(self) -> None:
        log = logging.getLogger("gongkai.worker")
        quick_deaths = 0
        while True:
            with self._lock:  # stop() either sees this process or prevents it from starting
                if self.stopping.is_set():
                    return
                self.process = process = subprocess.Popen(self.command, env=self.env)
            log.info("任务进程已启动（pid %s）。", process.pid)
            started = time.monotonic()
            # Polled so that stop() is noticed within POLL_SECONDS; the only other waiter is stop() itself.
            while process.poll() is None:
                if self.stopping.wait(self.POLL_SECONDS):
                    return
            code = process.returncode
            if self.stopping.is_set():
                return
            quick_deaths = 0 if time.monotonic() - started >= self.HEALTHY_RUN_SECONDS else quick_deaths + 1
            delay = min(2 ** max(quick_deaths - 1, 0), self.MAX_DELAY_SECONDS) if quick_deaths else 0
            how = f"被信号 {-code} 终止" if code < 0 else f"退出码 {code}"
            log.error("任务进程（pid %s）已停止（%s），%s 秒后重新启动。", process.pid, how, delay)
            self.stopping.wait(delay)

    def stop(self) -> None:
        with self._lock:
            self.stopping.set()
            process = self.process
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def cmd_serve(args: argparse.Namespace) -> int:
    # Links carry the address this server answers on unless the operator named the public one; this must
    # happen before Django reads its settings (and before the worker below inherits the environment).
    if not os.environ.get("GONGKAI_BASE_URL"):
        os.environ["GONGKAI_BASE_URL"] = _default_base_url(args.host, args.port)
        if args.host in BIND_ALL:
            print(f"提示：正在监听所有网络地址，链接暂用 {os.environ['GONGKAI_BASE_URL']}，且只接受以本机地址访问；"
                  "对外提供服务时请把 GONGKAI_BASE_URL 设为公开地址（如 https://xxgk.example.gov.cn）。",
                  file=sys.stderr, flush=True)
    setup_django()
    from django.conf import settings

    if not args.no_worker and settings.HUEY.get("immediate") is False:
        # The task worker publishes scheduled documents; it runs beside the web server unless told not to.
        return _serve_with_worker(args)

    from gunicorn.app.base import BaseApplication

    from gongkai.core.origin import set_process

    # Audit entries written by the web processes outside a request (there should be none) say so.
    set_process("web")

    from gongkai.wsgi import application

    class Server(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{_bracketed(args.host)}:{args.port}")
            self.cfg.set("workers", args.workers)
            self.cfg.set("threads", args.threads)
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("accesslog", "-" if args.access_log else None)
            # Tokens and personal numbers in URLs never reach the access log.
            self.cfg.set("logger_class", "gongkai.core.logs.MaskingAccessLogger")
            self.cfg.set("timeout", 120)
            self.cfg.set("worker_exit", _flush_search_log)
            # The longest request line gunicorn allows (its default, 4,094 bytes, is about 450 Chinese
            # characters of query): a pasted long search link reaches our Chinese pages instead of its 414.
            self.cfg.set("limit_request_line", 8190)
            # gunicorn 27's control socket sits at one path per user (~/.gunicorn/gunicorn.ctl), shared by
            # every instance on the host; we do not use it, and two instances must not step on each other.
            if "control_socket_disable" in self.cfg.settings:
                self.cfg.set("control_socket_disable", True)

        def load(self):
            return application

    print(f"公开平台已启动：{settings.GONGKAI_BASE_URL}/  （监听 {_bracketed(args.host)}:{args.port}；"
          "工作台 /staff/，接口文档 /api/v1/docs）", flush=True)
    Server().run()
    return 0


# Signals an operator sends `gongkai serve` that are meant for the web server (gunicorn's own set).
FORWARDED_SIGNALS = ("SIGTERM", "SIGINT", "SIGQUIT", "SIGHUP", "SIGTTIN", "SIGTTOU", "SIGUSR1", "SIGUSR2",
                     "SIGWINCH")
STOPPING_SIGNALS = {"SIGTERM", "SIGINT", "SIGQUIT"}


def _serve_with_worker(args: argparse.Namespace) -> int:
    """Run the web server and the task worker as two children of this process, starting the worker again
    whenever it dies; the exit status is the web server's.

    The supervisor does not live inside the gunicorn master: that process reaps every child (waitpid(-1))
    and forks on its own schedule, and a killed worker was seen there never to be restarted under load."""
    import signal

    server_command = [sys.executable, "-m", "gongkai", "serve", "--host", args.host, "--port", str(args.port),
                      "--workers", str(args.workers), "--threads", str(args.threads), "--no-worker"]
    if args.access_log:
        server_command.append("--access-log")
    supervisor = WorkerSupervisor([sys.executable, "-m", "gongkai", "worker"], os.environ.copy())
    server = subprocess.Popen(server_command)

    def forward(signum, frame) -> None:
        if signal.Signals(signum).name in STOPPING_SIGNALS:
            supervisor.stopping.set()  # a worker that dies now (Ctrl-C reaches it too) is not started again
        if server.poll() is None:
            server.send_signal(signum)

    for name in FORWARDED_SIGNALS:
        signal.signal(getattr(signal, name), forward)
    supervisor.start()
    try:
        code = server.wait()
    finally:
        supervisor.stop()
    # A web server killed by a signal exits as a shell reports it (128 + the signal's number).
    return 128 - code if code < 0 else code


def cmd_worker(args: argparse.Namespace) -> int:
    setup_django()
    from django.conf import settings
    from django.utils.module_loading import autodiscover_modules
    from huey.consumer_options import ConsumerConfig
    from huey.contrib.djhuey import HUEY

    from gongkai.core.origin import set_process

    set_process("worker")

    from gongkai.core.heartbeat import HeartbeatConsumer

    # What `manage.py run_huey` does, with a consumer that also writes the heartbeat /healthz reads.
    autodiscover_modules("tasks")
    config = ConsumerConfig(**{**settings.HUEY.get("consumer", {}), "workers": args.workers})
    config.validate()
    HeartbeatConsumer(HUEY, **config.values).run()
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    setup_django()
    from gongkai.demo import DEMO_PASSWORD, load_demo

    summary = load_demo()
    print(f"演示数据已就绪：{summary['agencies']} 个机关，{summary['users']} 个用户，{summary['documents']} 份文件。")
    print(f"演示账号（密码均为 {DEMO_PASSWORD}）：" + "、".join(summary["usernames"]))
    return 0


IMPORT_NEXT_STEP = ("下一步：任务进程每分钟把新公开的文件编入站内检索和政策问答；导入的文件多时，可立即运行 "
                    "gongkai search sync 和 gongkai qa sync（第一次建政策问答的语义索引需几分钟），不必等任务进程。")


def cmd_import(args: argparse.Namespace) -> int:
    setup_django()
    if args.what == "documents":
        from gongkai.publishing.importer import import_file

        summary = import_file(args.file, mapping=args.mapping, agency_code=args.agency, out=sys.stdout)
        if summary.created or summary.updated:
            # A first deployer otherwise finds search and the Q&A empty, or the worker busy for minutes building them.
            print(IMPORT_NEXT_STEP)
        return 0 if summary.failed == 0 else 1
    if args.what == "applications":
        from gongkai.disclosure.importer import import_file as import_applications

        summary = import_applications(args.file, out=sys.stdout)
        return 0 if summary.failed == 0 else 1
    print(f"未知的导入类型：{args.what}", file=sys.stderr)
    return 2


def cmd_search(args: argparse.Namespace) -> int:
    if args.action == "eval":
        from gongkai.search.evaluation import run_eval_command

        return run_eval_command(args, setup_django)
    setup_django()
    if args.action == "rebuild":
        import time

        from gongkai.search.indexing import rebuild_index

        started = time.monotonic()
        count = rebuild_index()
        print(f"检索索引已重建：{count} 份公开文件，用时 {time.monotonic() - started:.1f} 秒。")
        return 0
    from gongkai.search.indexing import sync_index

    print(f"检索索引已同步：更新 {sync_index()} 份文件。")
    return 0


def cmd_qa(args: argparse.Namespace) -> int:
    if args.action == "eval":
        from gongkai.qa.evaluation import run_eval_command

        return run_eval_command(args, setup_django)
    setup_django()
    if args.action == "status":
        from gongkai.qa import dense, meaning, recall, semantic

        print(semantic.progress_note())
        if meaning.depth():
            print("语义索引：" + ("尚未建立" if not meaning.index_path().is_file() else
                                 "待重建（可作答的文件有变化，任务进程下一分钟重建）" if meaning.behind() else "最新"))
        if dense.depth():
            held = dense.load()
            print("向量索引：" + ("尚未建立" if held is None else f"{len(held.ids)} 条条文")
                  + ("（待重写，任务进程下一分钟重写）" if dense.behind() else ""))
        if recall.depth():
            counts = recall.status()
            print("召回索引：" + ("尚未建立（任务进程每分钟补算，或运行 gongkai qa sync）" if counts is None else
                                 f"{counts[0]} / {counts[1]} 条条文" + ("（待补齐，任务进程每分钟补算）" if recall.behind() else "")))
        return 0
    from gongkai.qa.index import article_backend, rebuild_articles, sync_articles

    if args.action == "rebuild":
        print(f"条文索引已重建：{rebuild_articles()} 条。")
    elif args.action == "embed":
        from gongkai.qa.semantic import embed_all

        def progress(done: int, todo: int) -> None:
            print(f"\r已计算 {done} / {todo} 条", end="", flush=True)

        print(f"\n条文语义向量已补齐：新计算 {embed_all(progress)} 条。")
    elif article_backend().applied_change() < 0:
        # No index yet: syncing builds it, and counts articles, not documents changed.
        print(f"条文索引尚未建立，已新建：{rebuild_articles()} 条。")
    else:
        print(f"条文索引已同步：处理 {sync_articles()} 份文件的变更。")
    if args.action in ("sync", "rebuild"):
        from gongkai.qa.pairs import flag_stale_pairs

        flagged = flag_stale_pairs()
        if flagged:
            print(f"依据文件已不再公开有效的问答 {flagged} 条已暂停公开，待修改后重新审核。")
    import time

    from gongkai.qa import dense, meaning, recall

    if meaning.depth() and (args.action == "rebuild" or meaning.behind()):
        started = time.monotonic()
        first = not meaning.index_path().is_file()
        print("正在建立语义索引（要为条文中的每个词计算一次语义向量，大的法规库需几分钟）……" if first
              else "正在重建语义索引……", flush=True)
        print(f"语义索引已重建：{meaning.rebuild()} 条条文，用时 {time.monotonic() - started:.0f} 秒。")
    if dense.depth() and (args.action in ("rebuild", "embed") or dense.behind()):
        print(f"向量索引已重写：{dense.rebuild()} 条已算好语义向量的条文。")
    if recall.depth() and args.action in ("sync", "rebuild") and recall.behind():
        started = time.monotonic()
        print("正在补齐召回索引（每条条文约 6 毫秒，全国法规库首次约一刻钟）……", flush=True)
        print(f"召回索引已补齐：{recall.rebuild()} 条条文，用时 {time.monotonic() - started:.0f} 秒。")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    # Not migrated first: a backup is taken by the version that wrote the data (before an upgrade).
    setup_django(migrate=False)
    from gongkai.ops.backup import KEYS_WARNING, backup

    def progress(table: str, rows: int) -> None:
        if args.verbose:
            print(f"  {table}：{rows} 行", flush=True)

    summary = backup(args.file, progress=progress)
    rows = sum(summary.tables.values())
    print(f"备份完成：{summary.path}（{summary.size / 1024 / 1024:.1f} MB；{len(summary.tables)} 张表共 {rows} 行，"
          f"{summary.files} 个附件和答复书文件，密钥文件：{'、'.join(summary.keys) or '无'}）。")
    for warning in summary.warnings:
        print(f"警告：{warning}", file=sys.stderr)
    if summary.keys:
        print(KEYS_WARNING)
    if os.environ.get("GONGKAI_SECRET_KEY"):
        print("提示：密钥由环境变量 GONGKAI_SECRET_KEY 提供，不在备份文件中；请另行妥善保存。")
    if not any("DATA_KEY" in k.upper() for k in summary.keys) and os.environ.get("GONGKAI_DATA_KEY"):
        print("提示：数据加密密钥由环境变量 GONGKAI_DATA_KEY 提供，不在备份文件中；请另行妥善保存，"
              "没有它，恢复后的个人信息无法解密。")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    # Not migrated first: the archive says which migration state its rows belong to.
    setup_django(migrate=False)
    from gongkai.ops.backup import restore

    summary = restore(args.file, force=args.force)
    print(f"恢复完成：{len(summary.tables)} 张表共 {sum(summary.tables.values())} 行，{summary.files} 个附件和答复书文件，"
          f"密钥文件：{'、'.join(summary.keys) or '无'}；检索索引已重建（{summary.indexed} 份公开文件）。")
    for table, rows in sorted(summary.tables.items()):
        if rows:
            print(f"  {table}：{rows} 行")
    if not summary.settings_match:
        print("提示：当前设置与备份时不同（设置指纹不一致）；迁移到新主机时属正常，否则请核对环境变量。")
    for note in summary.notes:
        print(f"提示：{note}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    setup_django(migrate=False)
    from gongkai.ops.check import ERROR, run_checks

    findings = run_checks(workers=args.workers, hosts=args.hosts)
    for finding in findings:
        print(finding.line())
    errors = sum(1 for f in findings if f.level == ERROR)
    if not findings:
        print("检查完成：未发现配置问题。")
    else:
        print(f"检查完成：{errors} 项错误，{len(findings) - errors} 项警告。")
    return 1 if errors else 0


def cmd_createsuperuser(args: argparse.Namespace) -> int:
    setup_django()
    from django.core.management import call_command

    call_command("createsuperuser")
    return 0


def cmd_manage(args: argparse.Namespace) -> int:
    setup_django(migrate=False)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["gongkai manage", *args.rest])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gongkai", description="公开平台（政务公开）命令行工具")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("serve", help="启动网站（生产级 WSGI 服务器 gunicorn），并在旁启动任务进程（意外退出时自动重启）")
    p.add_argument("--host", default="127.0.0.1",
                   help="监听地址；未设置 GONGKAI_BASE_URL 时链接也用它和 --port（0.0.0.0 时用 127.0.0.1）")
    p.add_argument("--port", type=int, default=8000, help="监听端口")
    p.add_argument("--workers", type=int, default=2, help="进程数")
    p.add_argument("--threads", type=int, default=4, help="每个进程的线程数")
    p.add_argument("--no-worker", action="store_true", help="不在旁启动任务进程（另行运行 gongkai worker 时）")
    p.add_argument("--access-log", action="store_true", help="输出访问日志")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("worker", help="运行任务进程（定时发布等）")
    p.add_argument("--workers", type=int, default=1)
    p.set_defaults(func=cmd_worker)

    p = sub.add_parser("demo", help="载入演示数据（可重复执行）")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("import", help="批量导入")
    p.add_argument("what", choices=["documents", "applications"],
                   help="导入的对象：documents 政府信息；applications 依申请公开历史案件")
    p.add_argument("file", help="JSONL 文件，可为 .gz")
    p.add_argument("--mapping", choices=["native", "laws"], default="native",
                   help="native：本平台字段；laws：法律法规语料（见 README）")
    p.add_argument("--agency", default=None, help="未指定机关的记录归入此机关（机构代码），默认根机关")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("search", help="站内检索：重建或同步索引，评测检索质量")
    p.add_argument("action", choices=["rebuild", "sync", "eval"],
                   help="rebuild：从数据库重建索引并原子替换；sync：应用待更新的变更；eval：用评测集评测检索质量")
    p.add_argument("--corpus", default=None, help="eval：法律法规语料（默认 ../shared/corpus/laws.jsonl.gz）")
    p.add_argument("--queries", default=None, help="eval：评测集 JSONL（默认 gongkai/search/eval/queries.jsonl）")
    p.add_argument("--data-dir", default=None, help="eval：导入语料用的临时数据目录（默认在系统临时目录中复用）")
    p.add_argument("--check", action="store_true", help="eval：低于 thresholds.json 中的阈值时以非零状态退出")
    p.add_argument("--verbose", action="store_true", help="eval：列出未进入前三的查询")
    p.add_argument("--postgres", default=None, metavar="DATABASE_URL",
                   help="eval：改用 PostgreSQL 后端评测，语料导入这个专用于评测的数据库（不存在时自动创建；例如 "
                        "postgres://postgres@127.0.0.1:5432/gongkai_eval）")
    p.add_argument("--plain", action="store_true",
                   help="eval：同时列出对照：按检索词做普通 BM25 排序（任一词命中即可，不用同义词、标题短语和纠错）的成绩")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("qa", help="政策问答：重建或同步条文索引，计算条文语义向量，评测问答质量")
    p.add_argument("action", choices=["rebuild", "sync", "embed", "status", "eval"],
                   help="rebuild：从数据库重建条文索引；sync：应用待更新的变更；embed：计算缺少的条文语义向量；"
                        "status：显示语义向量的计算进度和语义索引是否最新；eval：用评测集评测问答质量")
    p.add_argument("--corpus", default=None, help="eval：法律法规语料（默认 ../shared/corpus/laws.jsonl.gz）")
    p.add_argument("--questions", default=None, help="eval：评测集 JSONL（默认 gongkai/qa/eval/questions.jsonl）")
    p.add_argument("--data-dir", default=None, help="eval：导入语料用的临时数据目录（默认与 search eval 共用）")
    p.add_argument("--rebuild", action="store_true", help="eval：先重建条文索引（默认只同步）")
    p.add_argument("--check", action="store_true", help="eval：低于 thresholds.json 中的阈值时以非零状态退出")
    p.add_argument("--verbose", action="store_true", help="eval：列出未进入前三的问题和错答的不可答问题")
    p.add_argument("--pairs", action="store_true",
                   help="eval：再把人工问答对（默认 gongkai/qa/eval/pairs.jsonl）经审核公开后评测一次，并检查它们只会提高成绩")
    p.add_argument("--pairs-file", default=None, help="eval：--pairs 用的问答对 JSONL")
    p.set_defaults(func=cmd_qa)

    p = sub.add_parser("backup", help="在线备份数据库、附件和答复书、数据目录中的密钥文件到一个 tar.gz 文件")
    p.add_argument("file", help="备份文件名，例如 /var/backups/gongkai/gongkai-20260301.tar.gz（只有所有者可读）")
    p.add_argument("--verbose", action="store_true", help="逐表显示行数")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="从备份文件恢复到空的数据目录和空数据库，并重建检索索引")
    p.add_argument("file", help="gongkai backup 生成的备份文件")
    p.add_argument("--force", action="store_true", help="数据库或数据目录已有数据时也恢复（覆盖数据库，原有附件移到一旁）")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("check", help="检查生产配置（含 Django 的 check --deploy），有错误时以状态 1 退出")
    p.add_argument("--workers", type=int, default=2, help="计划运行的 Web 进程数（gongkai serve --workers）")
    p.add_argument("--hosts", type=int, default=1, help="计划运行本平台的主机台数")
    p.set_defaults(func=cmd_check)

    core_commands.add_parsers(sub)
    disclosure_commands.add_parsers(sub)
    orgs_commands.add_parsers(sub)
    reports_commands.add_parsers(sub)

    p = sub.add_parser("createsuperuser", help="创建管理员账号")
    p.set_defaults(func=cmd_createsuperuser)

    p = sub.add_parser("manage", help="执行 Django 管理命令，例如 gongkai manage migrate")
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_manage)
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    from django.core.exceptions import ImproperlyConfigured

    from gongkai.core.errors import DomainError

    try:
        code = args.func(args)
    except DomainError as exc:
        print(f"错误：{exc.message}", file=sys.stderr)
        code = 1
    except ImproperlyConfigured as exc:
        print(f"配置错误：{exc}", file=sys.stderr)
        code = 1
    except FileNotFoundError as exc:
        print(f"错误：找不到文件 {exc.filename}", file=sys.stderr)
        code = 1
    sys.exit(code)


if __name__ == "__main__":
    main()
