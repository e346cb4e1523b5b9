"""Staff downloads as CSV or XLSX: the comments of one consultation, and the messages of a mailbox list (the same
filters as the page). Personal data goes only to staff allowed to see it."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from gongkai.participation.models import Consultation, Message

HEADERS = ["序号", "提交时间", "针对", "所针对段落的文字", "意见内容", "姓名", "联系方式", "附件", "提交方式", "显示状态", "屏蔽或恢复理由"]
MESSAGE_HEADERS = ["序号", "查询码", "类别", "标题", "留言内容", "写信对象", "办理机关", "提交方式", "收到日期", "答复期限",
                   "状态", "答复日期", "答复内容", "同意公开答复", "答复已公开", "满意度", "出错页面", "附件", "标记理由",
                   "姓名", "联系电话", "电子邮箱", "通信地址"]
# Shown in the personal columns of a message the downloading user may not see the writer of.
WITHHELD = "（仅办理机关可见）"


def _cell(value: str) -> str:
    # A CSV value a spreadsheet would run as a formula is kept as text (XLSX cells are typed as text instead).
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def rows(consultation: Consultation) -> list[list[str]]:
    found = []
    for n, c in enumerate(consultation.comments.order_by("created_at", "id"), 1):
        found.append([str(n), f"{timezone.localtime(c.created_at):%Y-%m-%d %H:%M}",
                      f"第 {c.paragraph} 段" if c.paragraph else "全文", c.paragraph_text, c.content, c.name,
                      c.contact, c.attachment_name, c.get_channel_display(), c.get_status_display(),
                      c.moderation_reason])
    return found


def message_rows(messages: Iterable[Message], personal: Callable[[Message], bool]) -> list[list[str]]:
    """One row per message; the writer's name, phone, e-mail and address only where `personal(message)`."""
    found = []
    for n, m in enumerate(messages, 1):
        writer = [m.name, m.phone, m.email, m.address] if personal(m) else [WITHHELD] * 4
        found.append([
            str(n), m.code, m.get_category_display(), m.title, m.content, m.addressed_to.name,
            m.agency.name, m.get_channel_display(), f"{m.received_on:%Y-%m-%d}", f"{m.due_on:%Y-%m-%d}",
            m.get_status_display(), f"{m.replied_on:%Y-%m-%d}" if m.replied_on else "", m.reply,
            "是" if m.publish_reply else "否", "是" if m.reply_public else "否", m.get_rating_display() if m.rating else "",
            m.page_url, m.attachment_name, m.handling_reason, *writer])
    return found


def table_csv(headers: Sequence[str], body: Iterable[Sequence[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows([_cell(value) for value in row] for row in body)
    # The BOM lets spreadsheet programs read the Chinese text as UTF-8.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def table_xlsx(headers: Sequence[str], body: Iterable[Sequence[str]], title: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for number, row in enumerate(body, 2):
        for column, value in enumerate(row, 1):
            # Every cell typed as text: what the writer typed (=, +86 …) is shown as written, never run as a formula.
            cell = sheet.cell(row=number, column=column, value=value)
            cell.data_type = "s"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def as_csv(consultation: Consultation) -> bytes:
    return table_csv(HEADERS, rows(consultation))


def as_xlsx(consultation: Consultation) -> bytes:
    return table_xlsx(HEADERS, rows(consultation), "意见")
