"""`gongkai keys`: create, inspect and rotate the key that encrypts personal data (GONGKAI_DATA_KEY)."""

from __future__ import annotations

import argparse

from gongkai.runtime import setup_django


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


def add_parsers(sub) -> None:
    """Register `keys` on the `gongkai` command's subparsers."""
    p = sub.add_parser("keys", help="个人信息加密密钥：生成（new）、检查（check）、轮换（rotate）")
    p.add_argument("action", choices=["new", "check", "rotate"],
                   help="new：生成新密钥并打印；check：统计各密钥加密的数据并逐一校验；"
                        "rotate：用 GONGKAI_DATA_KEY_OLD 解开旧数据，以 GONGKAI_DATA_KEY 重新加密")
    p.set_defaults(func=cmd_keys)
