"""The kernel's commands: `gongkai audit verify|protect` (walk the audit log's SM3 chain, report the first
broken link, rebuild its triggers) and `gongkai keys` (create, inspect and rotate GONGKAI_DATA_KEY)."""

from __future__ import annotations

import argparse
import sys

from gongkai.runtime import setup_django


def cmd_audit_verify(args: argparse.Namespace) -> int:
    setup_django()
    from django.db import connection
    from django.utils import timezone

    from gongkai.core import auditchain

    result = auditchain.verify(anchor=args.anchor)
    guarded = auditchain.guards_present(connection)
    if result.broken is not None:
        broken = result.broken
        print(f"审计日志校验失败：已核对 {result.count} 条记录，第一处断点在编号 {broken.entry_id} 的记录"
              f"（写入时间 {timezone.localtime(broken.created_at):%Y-%m-%d %H:%M:%S}）。", file=sys.stderr)
        print(f"问题：{broken.problem}。", file=sys.stderr)
        print("处置：保全数据库和备份，不要修复或重写日志；对照备份查明改动，并按安全事件报告。", file=sys.stderr)
        return 1
    if result.anchor_found is False:
        print(f"审计日志校验失败：哈希链本身连贯（{result.count} 条），但不含此前记下的哈希 {args.anchor}："
              "该哈希之后的记录被截去，或整条链被重算。", file=sys.stderr)
        return 1
    if not guarded:
        print(f"审计日志的 {result.count} 条记录哈希链完整，但数据库中缺少禁止修改和删除的触发器："
              "有人删除了触发器，请按安全事件处理，查明后用 gongkai audit protect 重建。",
              file=sys.stderr)
        return 1
    print(f"审计日志完整：共 {result.count} 条记录，哈希链（SM3）无断点，禁止修改和删除的触发器在位。")
    print(f"最新哈希：{result.head}（请记入日志系统或纸面台账，日后用 --anchor 核对）")
    return 0


def cmd_audit_protect(args: argparse.Namespace) -> int:
    setup_django()
    from django.db import connection, transaction

    from gongkai.core import auditchain

    with transaction.atomic(), connection.cursor() as cursor:
        auditchain.drop_guards(cursor.execute, connection.vendor)
        auditchain.create_guards(cursor.execute, connection.vendor)
    print("已重建审计日志禁止修改和删除的触发器。")
    return 0


def cmd_keys(args: argparse.Namespace) -> int:
    if args.action == "new":
        from gongkai.core.crypto import new_key

        print(new_key())
        return 0
    setup_django()
    from gongkai.core import keys

    if args.action == "rotate":
        rows = keys.rotate_data_key()
        print(f"已用新密钥重新加密 {rows} 条记录。确认无误后可删除 GONGKAI_DATA_KEY_OLD，并备份新密钥。")
    status = keys.key_status()
    print(f"当前密钥：{status.current}（{status.cipher}）" + (f"；原密钥：{status.old}" if status.old else ""))
    for kid, count in sorted(status.values.items()):
        label = "未加密（升级前写入）" if kid == "plain" else ("当前密钥" if kid == status.current else "其他密钥")
        print(f"  {kid}：{count} 个值，{label}")
    if not status.all_current:
        print("仍有数据不在当前密钥下：设置 GONGKAI_DATA_KEY_OLD 为原密钥后运行 gongkai keys rotate。")
        return 1
    return 0


def cmd_apikey(args: argparse.Namespace) -> int:
    setup_django()
    from gongkai.core import apiclients
    from gongkai.core.errors import DomainError
    from gongkai.core.models import ApiClient

    if args.action == "issue":
        try:
            client, key = apiclients.issue_key(None, args.name or "", args.organisation or "", args.limit)
        except DomainError as exc:
            for message in [m for ms in exc.errors.values() for m in ms] or [exc.message]:
                print(f"错误：{message}", file=sys.stderr)
            return 2
        print(f"已签发：{client.name}（每分钟最多 {client.limit_per_minute} 次）。密钥只显示这一次，请转交对接方妥善保存：")
        print(key)
        return 0
    if args.action == "revoke":
        client = ApiClient.objects.filter(prefix=(args.prefix or "").strip()).first()
        if client is None:
            print("错误：没有这个前缀的密钥（gongkai apikey list 列出全部）。", file=sys.stderr)
            return 2
        try:
            apiclients.revoke_key(None, client, "命令行停用")
        except DomainError as exc:
            print(f"错误：{exc.message}", file=sys.stderr)
            return 2
        print(f"已停用：{client}")
        return 0
    for client in ApiClient.objects.all():
        used = apiclients.usage(client)
        state = "启用" if client.active else "已停用"
        print(f"{client.prefix}\t{state}\t{client.limit_per_minute}/分钟\t今日 {used.today} 次（拒绝 {used.refused_today}）"
              f"\t{client.name}\t{client.organisation}")
    return 0


def add_parsers(sub) -> None:
    """Register `audit` and `keys` on the `gongkai` command's subparsers."""
    p = sub.add_parser("audit", help="审计日志：校验哈希链")
    actions = p.add_subparsers(dest="action", required=True)
    a = actions.add_parser("verify", help="逐条核对审计日志的 SM3 哈希链，报告第一处断点（有断点时退出码为 1）")
    a.add_argument("--anchor", default=None, metavar="HASH",
                   help="此前记下的最新哈希：核对它仍在链中（发现尾部被截去或整链被重算）")
    a.set_defaults(func=cmd_audit_verify)
    a = actions.add_parser("protect", help="重建禁止修改和删除审计日志的数据库触发器（verify 报告触发器缺失时）")
    a.set_defaults(func=cmd_audit_protect)

    p = sub.add_parser("keys", help="个人信息加密密钥：生成（new）、检查（check）、轮换（rotate）")
    p.add_argument("action", choices=["new", "check", "rotate"],
                   help="new：生成新密钥并打印；check：统计各密钥加密的数据并逐一校验；"
                        "rotate：用 GONGKAI_DATA_KEY_OLD 解开旧数据，以 GONGKAI_DATA_KEY 重新加密")
    p.set_defaults(func=cmd_keys)

    p = sub.add_parser("apikey", help="接口密钥（12345 热线等对接系统）：签发（issue）、列出（list）、停用（revoke）")
    p.add_argument("action", choices=["issue", "list", "revoke"])
    p.add_argument("--name", help="issue：对接系统名称")
    p.add_argument("--organisation", default="", help="issue：使用单位")
    p.add_argument("--limit", default=None, help="issue：每分钟调用上限（默认 GONGKAI_API_KEY_LIMIT）")
    p.add_argument("--prefix", help="revoke：密钥前缀（list 的第一列）")
    p.set_defaults(func=cmd_apikey)
