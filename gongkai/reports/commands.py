"""`gongkai report annual`: the annual report of one agency, a government with all below it, or every agency."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from gongkai.runtime import setup_django


def cmd_report_annual(args: argparse.Namespace) -> int:
    setup_django()
    from gongkai.orgs.models import Agency
    from gongkai.reports import annual, exports

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
    from gongkai.reports import services

    figures = services.import_figures(None, args.file)
    sys.stdout.write(f"已导入 {len(figures)} 项填报数据。\n")
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
    f.set_defaults(func=cmd_report_figures)
