"""Blank or stale columns of the public site, per agency, as 国办秘函〔2019〕19号 judges them (rules.ColumnKind).

A column is each public catalogue item of the agency (法定主动公开内容) that maps to the library; a root
government (the portal's owner) also has the home page's news and notices blocks. Its last update is its newest public document
(gongkai.publishing.visibility, the one rule) published by the reference date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Max, QuerySet
from django.urls import reverse

from gongkai.assessment import rules
from gongkai.catalog import queries as catalog_queries
from gongkai.catalog.rules import Category
from gongkai.catalog.visibility import public_items
from gongkai.orgs.models import Agency
from gongkai.publishing.models import Document
from gongkai.publishing.visibility import public_documents


@dataclass(frozen=True)
class Column:
    """One column of an agency's public site as it stood on `as_of`."""

    name: str
    kind: str
    kind_source: str  # 关键词 / 人工指定 / 首页设置
    last_update: dt.date | None
    as_of: dt.date
    url: str

    @property
    def kind_label(self) -> str:
        return rules.ColumnKind(self.kind).label

    @property
    def period_text(self) -> str:
        return rules.COLUMN_PERIOD_TEXT[self.kind]

    @property
    def blank(self) -> bool:
        return self.last_update is None

    @property
    def days_since(self) -> int | None:
        return None if self.last_update is None else (self.as_of - self.last_update).days

    @property
    def stale(self) -> bool:
        """Not blank, and the kind's period ran out before `as_of`."""
        if self.last_update is None:
            return False
        current_until = rules.stale_after(self.kind, self.last_update)
        return current_until is not None and self.as_of > current_until

    @property
    def failing(self) -> bool:
        return self.blank or self.stale

    @property
    def detail(self) -> str:
        head = f"{self.kind_label}（{self.period_text}）"
        if self.blank:
            return f"{head}：从未更新（空白栏目）"
        return f"{head}：最近更新 {self.last_update:%Y-%m-%d}，距 {self.as_of:%Y-%m-%d} 已 {self.days_since} 天"


def _last_update(documents: QuerySet[Document], as_of: dt.date) -> dt.date | None:
    return documents.filter(published_on__lte=as_of).aggregate(newest=Max("published_on"))["newest"]


def item_kind(item) -> tuple[str, str]:
    """A catalogue item's column kind and where it came from: the staff's choice, else the keyword rules on its
    二级事项 then its 一级事项 (as published)."""
    if item.column_kind:
        return item.column_kind, "人工指定"
    data = item.published
    category = dict(Category.choices).get(data.get("category", ""), "")
    return rules.kind_from_names(data.get("subcategory", ""), category), "关键词"


def agency_columns(agency: Agency, as_of: dt.date) -> list[Column]:
    """Every column of `agency` with its last update as of `as_of`, catalogue items first in the column's order.

    An item mapped to no 公文种类 or 主题分类 shows its own text, not documents, and is left out."""
    columns = []
    labels = dict(Category.choices)
    items = [item for item in public_items().filter(agency=agency).order_by("order", "id")
             if item.published.get("doc_type") or item.published.get("subject")]
    newest = catalog_queries.newest_per_item(
        agency, {item.pk: (item.published.get("doc_type", ""), item.published.get("subject", "")) for item in items},
        as_of)
    for item in items:
        data = item.published
        kind, source = item_kind(item)
        name = "·".join(p for p in (labels.get(data.get("category", ""), ""), data.get("subcategory", "")) if p)
        name = f"{name}：{data.get('content', '')[:30]}" if data.get("content") else name
        columns.append(Column(name, kind, source, newest[item.pk], as_of,
                              reverse("staff-catalog-entry", args=[agency.code, "item", item.pk])))
    if agency.parent_id is None:
        columns += _home_columns(agency, as_of)
    return columns


def _home_columns(root: Agency, as_of: dt.date) -> list[Column]:
    """The portal home page's 要闻动态 and 通知公告 blocks (when GONGKAI_HOME_BLOCKS shows them): columns of the
    root government's site, filled from the public documents of that government and every agency below it."""
    columns = []
    agencies = root.descendant_ids()
    for block, name, kind, types in (
            ("news", rules.HOME_NEWS_COLUMN, rules.ColumnKind.NEWS, settings.GONGKAI_HOME_NEWS_TYPES),
            ("notices", rules.HOME_NOTICES_COLUMN, rules.ColumnKind.NOTICES_POLICIES,
             settings.GONGKAI_HOME_NOTICE_TYPES)):
        if block not in settings.GONGKAI_HOME_BLOCKS or not types:
            continue
        documents = public_documents().filter(agency__in=agencies, live_revision__doc_type__in=types)
        link = "/xxgk/documents/?" + urlencode([("doc_type", t) for t in types])
        columns.append(Column(name, kind, "首页设置", _last_update(documents, as_of), as_of, link))
    return columns


def failing_columns(agency: Agency, as_of: dt.date) -> list[Column]:
    """The blank and the stale columns of `agency` as of `as_of`."""
    return [c for c in agency_columns(agency, as_of) if c.failing]
