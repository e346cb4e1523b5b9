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


def _consultation(value: str) -> tuple[dt.date, dt.date | None]:
    start, sep, end = value.partition(":")
    return _date(start), (_date(end) if sep and end.strip() else None)


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"应为整数：{value}") from None
    if number < 0:
        raise argparse.ArgumentTypeError(f"不能为负数：{value}")
    return number


def _at_least_one(value: str) -> int:
    number = _positive(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"应为不小于 1 的整数：{value}")
    return number


def _print(data: dict) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def _fail(message: str) -> int:
    sys.stderr.write(f"gongkai deadline: 错误：{message}\n")
    return 2


def cmd_deadline(args: argparse.Namespace) -> int:
    setup_django()
    from gongkai.core.errors import DomainError
    from gongkai.core.workdays import WorkCalendar
    from gongkai.disclosure import rules

    calendar = WorkCalendar.load()
    try:
        if args.remedy:
            if args.delivered is None:
                return _fail("计算救济期限请用 --delivered 填写答复送达日期。")
            _print(rules.remedy_plan(args.remedy, args.delivered, args.decision or "", calendar).as_dict())
            return 0
        if args.received is None:
            return _fail("请用 --received 填写收到申请的日期（或用 --remedy 计算行政复议、行政诉讼期限）。")
        # Zero days asked for means no extension; --extended alone means the statutory maximum.
        days = rules.MAX_EXTENSION_WORKDAYS if args.extension_days is None else args.extension_days
        if args.extended and days == 0:
            return _fail(f"--extended 与 --extension-days 0 矛盾：延长的期限应为 1 至 {rules.MAX_EXTENSION_WORKDAYS} 个工作日。")
        extended = args.extended or bool(args.extension_days)
        today = args.today or dt.date.today()
        pauses = [rules.Pause(start, end, "暂停计时") for start, end in args.paused or []]
        caps = []
        for kind, spans in ((rules.PauseKind.THIRD_PARTY, args.consultation or []),
                            (rules.PauseKind.OTHER_AGENCY, args.agency_consultation or [])):
            for start, end in spans:
                pause = rules.capped_pause(kind, start, end or max(today, start), calendar)
                pauses.append(pause)
                caps.append({"kind": kind.value, "start": start.isoformat(), "end": end.isoformat() if end else None,
                             "opinion_due": rules.consultation_opinion_due(start, calendar).isoformat(),
                             "excluded_until": pause.end.isoformat()})
        deadline = rules.reply_deadline(args.received, corrected_on=args.corrected, pauses=pauses, extended=extended,
                                        extension_days=days if extended else 0, calendar=calendar)
    except DomainError as exc:
        return _fail(exc.message)
    data = {**deadline.as_dict(), "corrected_on": args.corrected.isoformat() if args.corrected else None,
            "explanation": deadline.explain()}
    status = rules.reply_status(deadline.due_on, today, calendar)  # the one definition of overdue (core.workdays)
    data["status"] = {"today": today.isoformat(), "overdue": status.overdue, "due_soon": status.due_soon,
                      "remaining_workdays": status.remaining, "late_workdays": status.late_workdays,
                      "label": status.label}
    if caps:
        data["consultations"] = caps
    if args.fee_notice_received:
        pay_by = rules.workdays_after(args.fee_notice_received, rules.FEE_PAYMENT_WORKDAYS, calendar)
        data["fee_notice_received"] = args.fee_notice_received.isoformat()
        data["pay_by"] = pay_by.isoformat()
    _print(data)
    return 0


def cmd_fee(args: argparse.Namespace) -> int:
    from gongkai.disclosure import rules

    if args.pages is not None:
        if args.items != 1:
            sys.stderr.write("gongkai fee: 错误：--items 只用于按件计收（--nth-application-in-month）。\n")
            return 2
        basis, quantity = rules.FeeBasis.PER_PAGE, args.pages
        amount = rules.fee(basis, quantity)
    else:
        basis, quantity = rules.FeeBasis.PER_APPLICATION, args.nth_application_in_month
        amount = rules.fee_for_applications(quantity, args.items)
    _print({"basis": basis.value, "basis_label": basis.label, "quantity": quantity, "items": args.items,
            "amount_yuan": amount})
    return 0


def add_parsers(sub) -> None:
    """Register `deadline` and `fee` on the `gongkai` command's subparsers."""
    p = sub.add_parser("deadline", help="计算依申请公开的答复期限或救济期限（输出 JSON，含每一步的计算过程）")
    p.add_argument("--received", type=_date, default=None, help="收到申请的日期 YYYY-MM-DD")
    p.add_argument("--corrected", type=_date, default=None, help="收到补正后申请的日期（答复期限自此重新起算）")
    p.add_argument("--paused", type=_span, action="append", metavar="START:END",
                   help="不计入答复期限的区间（含首尾两日），可重复，例如征求第三方意见的期间")
    p.add_argument("--extended", action="store_true", help=f"经批准延长答复期限（默认 {rules.MAX_EXTENSION_WORKDAYS} 个工作日）")
    p.add_argument("--extension-days", type=_positive, default=None,
                   help=f"批准延长的工作日数（1 至 {rules.MAX_EXTENSION_WORKDAYS}；0 表示不延长）")
    p.add_argument("--consultation", type=_consultation, action="append", metavar="START[:END]",
                   help=f"征求第三方意见的区间；不计入答复期限的时间以对方 {rules.CONSULTATION_WORKDAYS} 个工作日答复期为限"
                        "（第三十二条），可重复；"
                        "不写结束日期表示尚未答复（算到 --today）")
    p.add_argument("--agency-consultation", type=_consultation, action="append", metavar="START[:END]",
                   help="征求其他机关意见的区间（第三十四条），规则同 --consultation")
    p.add_argument("--fee-notice-received", type=_date, default=None,
                   help=f"申请人收到收费通知的日期；输出增加缴费期限 pay_by（次日起 {rules.FEE_PAYMENT_WORKDAYS} 个工作日）")
    p.add_argument("--today", type=_date, default=None,
                   help="作为“今天”的日期（默认今天）：输出 status（是否超期、即将到期、剩余工作日），并用于计算未结束的征求意见")
    p.add_argument("--remedy", choices=["review", "litigation"], default=None,
                   help=f"改为计算救济期限：review 行政复议（{rules.REVIEW_DAYS} 日），"
                        f"litigation 直接起诉（{rules.LITIGATION_MONTHS} 个月）")
    p.add_argument("--delivered", type=_date, default=None, help="与 --remedy 同用：答复送达申请人的日期")
    p.add_argument("--decision", default=None, metavar="CODE",
                   help="与 --remedy 同用：答复类型代码（如 withheld.state_secret）；不予公开须先复议，不能直接起诉")
    p.set_defaults(func=cmd_deadline)

    p = sub.add_parser("fee", help="计算信息处理费（国办函〔2020〕109号，输出 JSON）")
    group = p.add_mutually_exclusive_group(required=True)
    group.add_argument("--nth-application-in-month", type=_positive, metavar="N",
                       help="按件计收：本申请是该申请人本自然月内的第 N 件")
    group.add_argument("--pages", type=_positive, metavar="P", help="按量计收：提供的政府信息共 P 页")
    p.add_argument("--items", type=_at_least_one, default=1, metavar="K",
                   help="按件计收：本申请按“一事一申请”计为 K 件（第 N 至 N+K-1 件，《收费办法》第四条）")
    p.set_defaults(func=cmd_fee)
