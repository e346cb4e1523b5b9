"""`gongkai deadline` and `gongkai fee`: the statutory rules from the command line, as JSON.

`deadline` reads the holiday table from the database (so it agrees with the cases); `fee` needs no database.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys

from gongkai.disclosure import rules
from gongkai.runtime import setup_django


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期格式应为 YYYY-MM-DD：{value}") from None


def _span(value: str) -> tuple[dt.date, dt.date]:
    start, sep, end = value.partition(":")
    if not sep:
        raise argparse.ArgumentTypeError(f"暂停区间应写作 开始日期:结束日期，例如 2026-03-02:2026-03-06：{value}")
    return _date(start), _date(end)


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"应为整数：{value}") from None
    if number < 0:
        raise argparse.ArgumentTypeError(f"不能为负数：{value}")
    return number


def _print(data: dict) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def cmd_deadline(args: argparse.Namespace) -> int:
    setup_django()
    from gongkai.core.workdays import WorkCalendar
    from gongkai.disclosure import rules

    deadline = rules.reply_deadline(
        args.received, corrected_on=args.corrected,
        pauses=[rules.Pause(start, end, "暂停计时") for start, end in args.paused or []],
        extended=args.extended or args.extension_days is not None,
        extension_days=args.extension_days or rules.MAX_EXTENSION_WORKDAYS, calendar=WorkCalendar.load())
    _print({**deadline.as_dict(), "corrected_on": args.corrected.isoformat() if args.corrected else None,
            "explanation": deadline.explain()})
    return 0


def cmd_fee(args: argparse.Namespace) -> int:
    from gongkai.disclosure import rules

    if args.pages is not None:
        basis, quantity = rules.FeeBasis.PER_PAGE, args.pages
    else:
        basis, quantity = rules.FeeBasis.PER_APPLICATION, args.nth_application_in_month
    _print({"basis": basis.value, "basis_label": basis.label, "quantity": quantity,
            "amount_yuan": rules.fee(basis, quantity)})
    return 0


def add_parsers(sub) -> None:
    """Register `deadline` and `fee` on the `gongkai` command's subparsers."""
    p = sub.add_parser("deadline", help="计算依申请公开的答复期限（输出 JSON，含每一步的计算过程）")
    p.add_argument("--received", type=_date, required=True, help="收到申请的日期 YYYY-MM-DD")
    p.add_argument("--corrected", type=_date, default=None, help="收到补正后申请的日期（答复期限自此重新起算）")
    p.add_argument("--paused", type=_span, action="append", metavar="START:END",
                   help="不计入答复期限的区间（含首尾两日），可重复，例如征求第三方意见的期间")
    p.add_argument("--extended", action="store_true", help=f"经批准延长答复期限（默认 {rules.MAX_EXTENSION_WORKDAYS} 个工作日）")
    p.add_argument("--extension-days", type=_positive, default=None, help="批准延长的工作日数（1 至 20）")
    p.set_defaults(func=cmd_deadline)

    p = sub.add_parser("fee", help="计算信息处理费（国办函〔2020〕109号，输出 JSON）")
    group = p.add_mutually_exclusive_group(required=True)
    group.add_argument("--nth-application-in-month", type=_positive, metavar="N",
                       help="按件计收：本申请是该申请人本自然月内的第 N 件")
    group.add_argument("--pages", type=_positive, metavar="P", help="按量计收：提供的政府信息共 P 页")
    p.set_defaults(func=cmd_fee)
