"""`gongkai report annual`: the annual report of one agency, a government with all below it, or every agency."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from gongkai.runtime import setup_django


def cmd_report_annual(args: argparse.Namespace) -> int:
    setup_django()
    from django.utils import timezone

    from gongkai.orgs.models import Agency
    from gongkai.reports import annual, exports, rules

    this_year = timezone.localdate().year
    if not rules.year_in_range(args.year, this_year):
        sys.stderr.write(f"gongkai report: 错误：--year 应在 {rules.FIRST_YEAR} 年（《条例》施行）至 {this_year + 1} 年之间\n")
        return 2
    agency = None
    if args.agency:
        agency = Agency.objects.filter(code=args.agency).first()
        if agency is None:
            sys.stderr.write(f"gongkai report: 错误：没有机构代码为 {args.agency} 的机关\n")
            return 2
    elif args.aggregate:
        sys.stderr.write("gongkai report: 错误：--aggregate 须与 --agency 同用\n")
        return 2
    report = annual.annual_report(args.year, agency, aggregate=args.aggregate)
    if args.format in exports.FORMATS:
        if not args.out:
            sys.stderr.write(f"gongkai report: 错误：{args.format.upper()} 格式须用 --out 指定输出文件\n")
            return 2
        Path(args.out).write_bytes(exports.FORMATS[args.format][0](report))
    else:
        text = json.dumps(report, ensure_ascii=False, indent=2) + "\n"
        if args.out:
            Path(args.out).write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
    if report["identity_violations"]:
        sys.stderr.write(f"gongkai report: 注意：表三勾稽关系不成立，涉及 {len(report['identity_violations'])} 件申请"
                         "（见 identity_violations）\n")
    return 0


def cmd_report_figures(args: argparse.Namespace) -> int:
    setup_django()
    from django.contrib.auth import get_user_model

    from gongkai.core.errors import DomainError
    from gongkai.reports import services

    actor = None
    if args.by:
        actor = get_user_model().objects.filter(username=args.by, is_active=True).first()
        if actor is None:
            sys.stderr.write(f"gongkai report: 错误：没有用户名为 {args.by} 的在职用户\n")
            return 2
    path = Path(args.file)
    if not path.is_file():
        sys.stderr.write(f"gongkai report: 错误：找不到文件 {args.file}\n")
        return 2
    try:
        # Without --by nobody is named: the figures say 命令行导入 instead of inventing an enterer.
        figures = services.import_figures(actor, path, source=f"命令行导入：{path.name}")
    except DomainError as exc:
        sys.stderr.write(f"gongkai report: 错误：{exc.message}\n")
        return 1
    who = f"，填报人：{args.by}" if actor else "，未注明填报人（可用 --by 用户名 注明）"
    sys.stdout.write(f"已导入 {len(figures)} 项填报数据{who}。\n")
    return 0


def add_parsers(sub) -> None:
    """Register `report annual` on the `gongkai` command's subparsers."""
    p = sub.add_parser("report", help="生成报告")
    reports = p.add_subparsers(dest="report", required=True)
    a = reports.add_parser("annual", help="政府信息公开工作年度报告（表二、表三、表四及信息处理费）")
    a.add_argument("--year", type=int, required=True, help="报告年度，例如 2026")
    a.add_argument("--agency", default=None, metavar="CODE", help="机构代码（不写则为全部机关）")
    a.add_argument("--aggregate", action="store_true", help="汇总该机关及其下属全部机关")
    a.add_argument("--format", choices=["json", "xlsx", "docx", "pdf"], default="json", help="输出格式")
    a.add_argument("--out", default=None, metavar="FILE", help="输出文件（JSON 默认输出到标准输出）")
    a.set_defaults(func=cmd_report_annual)
    f = reports.add_parser("figures", help="从 CSV 或 XLSX 导入表二的填报数据（列：机关代码、年度、事项、数值）")
    f.add_argument("file", help="CSV（UTF-8）或 XLSX 文件")
    f.add_argument("--by", default=None, metavar="USERNAME", help="填报人的用户名（记入填报记录和审计日志）")
    f.set_defaults(func=cmd_report_figures)
