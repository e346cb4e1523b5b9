"""`gongkai setup`, `gongkai agencies import|list`, `gongkai users import|locks|unlock|reset-2fa`: run without
/admin/."""

from __future__ import annotations

import argparse
import sys
import unicodedata

from gongkai.runtime import setup_django


def _width(text: str) -> int:
    # Chinese characters take two columns in a terminal.
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def print_table(headers: list[str], rows: list[list[str]], out=None) -> None:
    """Print rows under headers with columns aligned for a terminal (Chinese counts double)."""
    out = out or sys.stdout
    widths = [max(_width(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    for index, row in enumerate([headers, *rows]):
        cells = [str(c) + " " * (w - _width(str(c))) for c, w in zip(row, widths, strict=True)]
        out.write("  ".join(cells).rstrip() + "\n")
        if index == 0:
            out.write("  ".join("-" * w for w in widths) + "\n")


def cmd_setup(args: argparse.Namespace) -> int:
    setup_django()
    from gongkai.orgs.services import CREATED, UNCHANGED, set_up_instance

    result = set_up_instance(args.name, args.code, admin_username=args.admin_username,
                             admin_email=args.admin_email or "")
    agency, admin = result.agency, result.admin
    print({CREATED: "已创建根机关", UNCHANGED: "根机关已存在，未作修改"}.get(result.agency_outcome, "已更新根机关")
          + f"：{agency.name}（{agency.code}）")
    if result.password:
        print(f"已创建管理员账号：{admin.username}（超级管理员）")
        print(f"初始密码（只显示这一次，系统不保存明文，请立即记下并在登录后修改）：{result.password}")
    else:
        note = "已补全其管理员权限" if result.admin_outcome != UNCHANGED else "权限不变"
        print(f"管理员账号 {admin.username} 已存在，{note}；密码未重置"
              f"（如需重置：gongkai manage changepassword {admin.username}）。")
    print("下一步：gongkai agencies import 机关.csv，然后 gongkai users import 人员.csv。")
    return 0


def cmd_agencies_import(args: argparse.Namespace) -> int:
    setup_django()
    from gongkai.orgs.importer import import_agencies

    summary = import_agencies(args.file, out=sys.stdout)
    return 0 if summary.failed == 0 else 1


def cmd_agencies_list(args: argparse.Namespace) -> int:
    setup_django()
    from gongkai.orgs.models import Agency

    agencies = list(Agency.objects.select_related("parent").order_by("order", "id"))
    children: dict[int | None, list[Agency]] = {}
    for agency in agencies:
        children.setdefault(agency.parent_id, []).append(agency)
    rows: list[list[str]] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for agency in children.get(parent_id, []):
            rows.append([agency.code, "  " * depth + agency.name, agency.parent.name if agency.parent else "（根机关）",
                         agency.get_kind_display()])
            walk(agency.pk, depth + 1)

    walk(None, 0)
    if not rows:
        print("系统中还没有机关：请先运行 gongkai setup --name 名称 --code 统一社会信用代码。")
        return 0
    print_table(["机构代码", "名称", "上级机构", "类型"], rows)
    print(f"共 {len(rows)} 个机关。")
    return 0


def cmd_users_import(args: argparse.Namespace) -> int:
    setup_django()
    from gongkai.orgs import mail
    from gongkai.orgs.importer import import_users

    if args.send_mail and not mail.mail_enabled():
        print("错误：使用 --send-mail 需要先设置邮件服务器（环境变量 GONGKAI_SMTP_HOST，另见 GONGKAI_SMTP_PORT、"
              "GONGKAI_SMTP_USER、GONGKAI_SMTP_PASSWORD、GONGKAI_SMTP_TLS、GONGKAI_MAIL_FROM）；未导入任何用户。",
              file=sys.stderr)
        return 1
    summary, created = import_users(args.file, out=sys.stdout)
    if created:
        # Every line's transaction has committed by now: mail goes out only for accounts that exist.
        unsent = mail.send_initial_passwords(created) if args.send_mail else None
        shown = [a for a in created if unsent is None or a.user.username in unsent]
        if args.send_mail:
            print(f"已向 {len(created) - len(shown)} 位新用户发送初始密码邮件。")
        if shown:
            print("以下新用户的初始密码只显示这一次（系统不保存明文），请妥善转交并提醒登录后修改：")
            headers = ["用户名", "姓名", "所属机关", "初始密码"] + (["未发邮件的原因"] if unsent is not None else [])
            print_table(headers, [[a.user.username, a.user.first_name, a.user.staff_profile.agency.name, a.password]
                                  + ([unsent[a.user.username]] if unsent is not None else []) for a in shown])
    return 0 if summary.failed == 0 else 1


def cmd_agencies_duties(args: argparse.Namespace) -> int:
    setup_django()
    from gongkai.core.errors import DomainError
    from gongkai.orgs.models import Agency
    from gongkai.orgs.services import set_combined_duties

    agency = Agency.objects.filter(code=args.code.strip()).first()
    if agency is None:
        raise DomainError(f"没有机构代码为“{args.code}”的机关（gongkai agencies list 可查看全部机关）。")
    if args.allow is None:
        state = "允许" if agency.combined_duties_allowed else "不允许"
        print(f"{agency.name}：{state}一人兼任多个审查环节（一事一审）。")
        return 0
    agency = set_combined_duties(None, agency, args.allow, args.reason or "")
    state = "允许" if agency.combined_duties_allowed else "不允许"
    print(f"已设置：{agency.name}{state}一人兼任多个审查环节，已记入审计日志。")
    return 0


def _wait_text(seconds: int | None) -> str:
    if seconds is None:
        return "直到解锁"
    return f"约 {max((seconds + 59) // 60, 1)} 分钟"


def cmd_users_locks(args: argparse.Namespace) -> int:
    setup_django()
    from django.utils import timezone

    from gongkai.orgs import logins

    rows = logins.locks()
    if not rows:
        print("没有被锁定或限速的用户名和地址。")
        return 0
    print_table(["类别", "用户名或地址", "连续失败", "最近失败", "状态", "剩余"],
                [[row.get_kind_display(), row.key, str(row.failures),
                  f"{timezone.localtime(row.last_failure_at):%Y-%m-%d %H:%M}" if row.last_failure_at else "",
                  "锁定" if row.locked_at else "限速", _wait_text(logins.wait_of(row))] for row in rows])
    print("解锁：gongkai users unlock 用户名（客户端地址：gongkai users unlock --address 地址）")
    return 0


def cmd_users_unlock(args: argparse.Namespace) -> int:
    setup_django()
    from gongkai.core.errors import DomainError
    from gongkai.orgs import logins

    if bool(args.username) == bool(args.address):
        raise DomainError("请给出一个用户名，或用 --address 给出一个客户端地址。")
    logins.unlock(None, args.username or "", address=args.address or "")
    print(f"已解除{'地址 ' + args.address if args.address else '用户名 ' + args.username}的登录锁定，"
          "失败次数已清零，已记入审计日志。")
    return 0


def cmd_users_reset_2fa(args: argparse.Namespace) -> int:
    setup_django()
    from django.contrib.auth import get_user_model

    from gongkai.core.errors import DomainError
    from gongkai.orgs import twofactor

    user = get_user_model().objects.filter(username=args.username).first()
    if user is None:
        raise DomainError(f"没有用户名为“{args.username}”的用户。")
    twofactor.reset(None, user)
    print(f"已重置用户 {user.get_username()} 的两步验证（已记入审计日志）；其下次登录只需密码，可重新启用。")
    return 0


def add_parsers(sub) -> None:
    """Register `setup`, `agencies` and `users` on the `gongkai` command's subparsers."""
    p = sub.add_parser("setup", help="首次部署：创建根机关（人民政府）和管理员账号；可重复执行")
    p.add_argument("--name", required=True, help="根机关名称，例如 某某市人民政府")
    p.add_argument("--code", required=True, help="根机关的统一社会信用代码（18 位），用作索引号前缀")
    p.add_argument("--admin-username", default="admin", help="管理员用户名（默认 admin）")
    p.add_argument("--admin-email", default="", help="管理员邮箱")
    p.set_defaults(func=cmd_setup)

    p = sub.add_parser("agencies", help="机关：从 CSV/XLSX 导入，或列出")
    actions = p.add_subparsers(dest="action", required=True)
    a = actions.add_parser("import", help="从 CSV（UTF-8 或 GBK）或 XLSX 导入机关，可重复导入")
    a.add_argument("file", help="CSV 或 XLSX 文件，列：机构代码、名称、上级机构代码、类型、排序（可选：简称、办公地址、联系电话）")
    a.set_defaults(func=cmd_agencies_import)
    a = actions.add_parser("list", help="列出全部机关（机构代码、名称、上级机构、类型）")
    a.set_defaults(func=cmd_agencies_list)
    a = actions.add_parser("duties", help="查看或调整“一事一审”：是否允许一人兼任同一版本的多个审查环节（须说明理由，记入审计日志）")
    a.add_argument("code", help="机构代码")
    choice = a.add_mutually_exclusive_group()
    choice.add_argument("--allow", dest="allow", action="store_const", const=True, default=None,
                        help="允许兼任（仅限人员确实不足的机关）")
    choice.add_argument("--forbid", dest="allow", action="store_const", const=False, help="恢复一事一审")
    a.add_argument("--reason", default="", help="调整的理由（必填）")
    a.set_defaults(func=cmd_agencies_duties)

    p = sub.add_parser("users", help="工作人员：从 CSV/XLSX 导入；查看和解除登录锁定；重置两步验证")
    actions = p.add_subparsers(dest="action", required=True)
    a = actions.add_parser("import", help="从 CSV（UTF-8 或 GBK）或 XLSX 导入工作人员及角色，可重复导入")
    a.add_argument("file", help="CSV 或 XLSX 文件，列：用户名、姓名、机构代码、角色（可选：邮箱、含下级、职务）")
    a.add_argument("--send-mail", action="store_true",
                   help="把新用户的初始密码发到其邮箱（需设置 GONGKAI_SMTP_HOST）；没有邮箱的仍在屏幕上显示")
    a.set_defaults(func=cmd_users_import)
    a = actions.add_parser("locks", help="列出因登录失败过多而被锁定或限速的用户名和客户端地址")
    a.set_defaults(func=cmd_users_locks)
    a = actions.add_parser("unlock", help="解除一个用户名（或客户端地址）的登录锁定并清零失败次数（记入审计日志）")
    a.add_argument("username", nargs="?", default="", help="用户名")
    a.add_argument("--address", default="", help="改为解除一个客户端 IP 地址的限速")
    a.set_defaults(func=cmd_users_unlock)
    a = actions.add_parser("reset-2fa", help="重置一个用户的两步验证（如手机丢失且恢复码用完），记入审计日志")
    a.add_argument("username", help="用户名")
    a.set_defaults(func=cmd_users_reset_2fa)
