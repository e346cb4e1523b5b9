"""Comments of one consultation as CSV or XLSX, for the agency's staff (personal data included: staff only)."""

from __future__ import annotations

import csv
import io

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from gongkai.participation.models import Consultation

HEADERS = ["序号", "提交时间", "针对", "意见内容", "姓名", "联系方式", "附件", "提交方式", "显示状态", "屏蔽或恢复理由"]


def _cell(value: str) -> str:
    # A value a spreadsheet would run as a formula is kept as text.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def rows(consultation: Consultation) -> list[list[str]]:
    found = []
    for n, c in enumerate(consultation.comments.order_by("created_at", "id"), 1):
        found.append([str(n), f"{timezone.localtime(c.created_at):%Y-%m-%d %H:%M}",
                      f"第 {c.paragraph} 段" if c.paragraph else "全文", _cell(c.content), _cell(c.name),
                      _cell(c.contact), _cell(c.attachment_name), c.get_channel_display(), c.get_status_display(),
                      _cell(c.moderation_reason)])
    return found


def as_csv(consultation: Consultation) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    writer.writerows(rows(consultation))
    # The BOM lets spreadsheet programs read the Chinese text as UTF-8.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def as_xlsx(consultation: Consultation) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "意见"
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows(consultation):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
