"""The Q&A knowledge base: articles of published documents, unanswered questions and answer feedback."""

from __future__ import annotations

from django.db import models

from gongkai.publishing.models import Document, Revision


class Article(models.Model):
    """One article (第X条) of one revision, split at publish time (gongkai.qa.articles); the public only ever
    sees articles of a public document's live revision (gongkai.qa.index reads them through the visibility rule)."""

    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="articles")
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="articles")
    position = models.PositiveIntegerField("顺序")
    number = models.PositiveIntegerField("条号")
    sub = models.PositiveIntegerField("之几", default=0)
    label = models.CharField("条目", max_length=40)
    chapter = models.CharField("所在章节", max_length=300, blank=True)
    text = models.TextField("条文")

    class Meta:
        verbose_name = verbose_name_plural = "条文"
        ordering = ["revision", "position"]
        constraints = [models.UniqueConstraint(fields=["revision", "number", "sub"], name="unique_article_number")]

    def __str__(self) -> str:
        return self.label

    @property
    def anchor(self) -> str:
        return f"art-{self.number}" + (f"-{self.sub}" if self.sub else "")


class UnansweredQuestion(models.Model):
    """A question the knowledge base could not answer well enough, with how often it was asked: the staff
    work list from which new Q&A pairs are written."""

    key = models.CharField("归一化问题", max_length=200, unique=True)
    question = models.CharField("问题", max_length=500)
    count = models.PositiveIntegerField("提问次数", default=1)
    first_asked = models.DateTimeField("首次提问", auto_now_add=True)
    last_asked = models.DateTimeField("最近提问", auto_now=True)
    resolved = models.BooleanField("已处理", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "未答问题"
        ordering = ["-count", "-last_asked"]

    def __str__(self) -> str:
        return self.question


class Feedback(models.Model):
    """有帮助 / 没有帮助 on one answer: counted per answer source and per question."""

    question_key = models.CharField("归一化问题", max_length=200, db_index=True)
    question = models.CharField("问题", max_length=500)
    source = models.CharField("答案来源", max_length=40, db_index=True)  # "article:<id>"
    helpful = models.BooleanField("有帮助")
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "答案评价"

    def __str__(self) -> str:
        return f"{self.source} {'有帮助' if self.helpful else '没有帮助'}"
