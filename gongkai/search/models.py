"""Search data kept in the database: the staff-edited synonym dictionary, the change log that keeps the
index consistent, the anonymised query statistics, and the PostgreSQL backend's entries."""

from __future__ import annotations

import re

from django.conf import settings
from django.db import models

_SEPARATORS = re.compile(r"[、,，;；\n]+")


class SynonymKind(models.TextChoices):
    PLAIN = "plain", "通俗语言"
    ABBREVIATION = "abbreviation", "简称"
    SYNONYM = "synonym", "同义词"


class Synonym(models.Model):
    """A term and the words that mean the same to a searcher (低保 ↔ 最低生活保障), edited by staff."""

    term = models.CharField("词语", max_length=50, unique=True,
                            help_text="群众常用的说法或简称，例如“低保”“打官司”。")
    equivalents = models.CharField("对应说法", max_length=300,
                                   help_text="文件中使用的规范说法，多个用顿号或逗号分隔，例如“最低生活保障”。")
    kind = models.CharField("类型", max_length=20, choices=SynonymKind.choices, default=SynonymKind.PLAIN)
    two_way = models.BooleanField("双向", default=True,
                                  help_text="勾选后，搜索对应说法时也会找到含有本词语的文件。")
    enabled = models.BooleanField("启用", default=True)
    note = models.CharField("备注", max_length=200, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "检索同义词"
        ordering = ["term"]

    def __str__(self) -> str:
        return f"{self.term} → {self.equivalents}"

    def equivalent_list(self) -> list[str]:
        return [w.strip() for w in _SEPARATORS.split(self.equivalents) if w.strip() and w.strip() != self.term]


class IndexChange(models.Model):
    """One change to a document that the search index has to catch up with (a transactional outbox).

    Written in the same transaction as the change itself, so a crash can never lose one; a backend
    records the last change it applied, and everything after it is treated as possibly stale."""

    document_id = models.BigIntegerField(db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "索引待更新记录"

    def __str__(self) -> str:
        return f"#{self.pk} 文件 {self.document_id}"


class SearchState(models.Model):
    """Backend bookkeeping kept in the database (the PostgreSQL backend's last applied change)."""

    name = models.CharField(max_length=40, primary_key=True)
    applied_change = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}: {self.applied_change}"


class SearchQueryStat(models.Model):
    """How often a query was searched on a day and how often it found nothing.

    Anonymised by construction: no IP address, user, session or time of day is kept, and digit runs
    that could be phone or ID numbers are masked before a query is counted."""

    day = models.DateField("日期", db_index=True)
    query = models.CharField("检索词", max_length=100)
    searches = models.PositiveIntegerField("检索次数", default=0)
    zero_results = models.PositiveIntegerField("无结果次数", default=0)
    last_count = models.PositiveIntegerField("最近结果数", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "检索统计"
        ordering = ["-day", "-searches"]
        constraints = [models.UniqueConstraint(fields=["day", "query"], name="unique_search_query_day")]
        indexes = [models.Index(fields=["query"])]

    def __str__(self) -> str:
        return f"{self.day} {self.query} ×{self.searches}"


class SearchEntry(models.Model):
    """One public document as the PostgreSQL backend indexes it: the small columns that filter, facet and
    sort. Its title and body tsvectors live in side tables made by a PostgreSQL-only migration (0008), so
    the table is inert on SQLite."""

    document_id = models.BigIntegerField(primary_key=True)
    revision_id = models.BigIntegerField()
    title = models.TextField()
    agency_id = models.BigIntegerField(db_index=True)
    issuers = models.TextField(blank=True)  # one name a line
    tags = models.TextField(blank=True)  # one tag a line
    subject = models.CharField(max_length=60)
    subject_top = models.CharField(max_length=60)
    doc_type = models.CharField(max_length=20)
    year = models.IntegerField(null=True)
    validity = models.CharField(max_length=20)
    kind = models.CharField(max_length=20)
    published_on = models.DateField(null=True)

    class Meta:
        db_table = "search_entry"

    def __str__(self) -> str:
        return f"{self.document_id} {self.title}"


class SearchQueryClient(models.Model):
    """That a client searched a query (and found public documents) on `last_day`: hot searches count
    distinct clients, so one visitor repeating a word cannot make it hot.

    `client` is a keyed hash of the visitor's address (never the address), and rows older than the hot
    window are deleted, so nothing here outlives the counting it is for."""

    query = models.CharField("检索词", max_length=100)
    client = models.CharField("访客标识（不可还原）", max_length=16)
    last_day = models.DateField("最近检索日期", db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "检索访客计数"
        constraints = [models.UniqueConstraint(fields=["query", "client"], name="unique_search_query_client")]

    def __str__(self) -> str:
        return f"{self.last_day} {self.query}"


class HotRuleKind(models.TextChoices):
    PIN = "pin", "置顶"
    HIDE = "hide", "隐藏"
    BLOCK = "block", "屏蔽词（含此词的检索词都不列出）"


class HotSearchRule(models.Model):
    """A staff decision about the public 热门搜索 and suggestions: pin a query, hide one, or block a word."""

    query = models.CharField("检索词", max_length=100)
    kind = models.CharField("处理方式", max_length=10, choices=HotRuleKind.choices)
    note = models.CharField("说明", max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="设置人", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("设置时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "热门搜索设置"
        ordering = ["kind", "created_at"]
        constraints = [models.UniqueConstraint(fields=["query", "kind"], name="unique_hot_rule")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.query}"
